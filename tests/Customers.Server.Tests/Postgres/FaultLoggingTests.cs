using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Postgres;

/// <summary>An outage is logged as one warning line per request with its trace id, not as a storm of stack traces.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
[Trait("Needs", "Processes")]
public sealed partial class FaultLoggingTests
{
    [SkippableFact]
    public async Task A_stopped_database_gives_one_warning_line_per_503_with_its_trace_id_and_no_stack_trace()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-faultlog-").FullName, new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = await cluster.CreateDatabaseAsync(),
            ["Logging__Console__FormatterName"] = "json",
        });
        using var client = service.CreateClient();
        var customerId = await Api.CreateCustomerAsync(client);
        await cluster.StopServerAsync();
        var before = service.Output.Count;

        var traceIds = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await client.GetAsync(Api.Credentials(customerId));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            return response.Headers.GetValues("x-trace-id").Single();
        }));

        var lines = new List<string>();
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            lines = service.Output.Skip(before).ToList();
            if (lines.Count(l => l.Contains("answered 503 REPOSITORY_UNAVAILABLE", StringComparison.Ordinal)) >= traceIds.Length)
            {
                break;
            }
        }

        var warnings = lines.Where(l => l.Contains("answered 503 REPOSITORY_UNAVAILABLE", StringComparison.Ordinal)).ToList();
        Assert.Equal(traceIds.Length, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("\"LogLevel\":\"Warning\"", w, StringComparison.Ordinal));
        Assert.Equal(traceIds.Order(), warnings.Select(w => TraceIdInMessage().Match(w).Groups[1].Value).Order());
        Assert.DoesNotContain(lines, l => l.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => StackFrame().IsMatch(l));
    }

    [GeneratedRegex(@"\(trace ([0-9a-f]{32})\)")]
    private static partial Regex TraceIdInMessage();

    [GeneratedRegex(@"(\\n|^)\s+at [A-Z][A-Za-z0-9_.]+")]
    private static partial Regex StackFrame();
}
