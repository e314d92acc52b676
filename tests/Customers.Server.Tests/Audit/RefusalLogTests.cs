using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Audit;

/// <summary>Refusals are logged, not stored: a warning with what was presented, limited per second, and every refusal accounted for.</summary>
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed partial class RefusalLogTests
{
    [Fact]
    public async Task A_flood_of_refusals_writes_a_few_lines_naming_the_caller_and_counts_the_rest()
    {
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-refusals-").FullName,
            new Dictionary<string, string> { ["Audit__RefusalLogLinesPerSecond"] = "5" });
        using var prober = service.CreateClient(roles: null);
        prober.DefaultRequestHeaders.Add("x-auth-caller", "prober-1");
        const int flood = 60;
        for (var i = 0; i < flood; i++)
        {
            using var refused = await prober.PostAsync(Api.Customers("victim"), Api.Json("{}"));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(1.2)); // a new second: the next refusal is written, with the count of those left out
        using (var last = await prober.PostAsync(Api.Customers("victim"), Api.Json("{}")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, last.StatusCode);
        }

        List<string> lines = [];
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            lines = service.Output.Where(line => line.Contains("Refused 401 MISSING_ROLES", StringComparison.Ordinal)).ToList();
            if (lines.Sum(Suppressed) + lines.Count == flood + 1)
            {
                break;
            }
        }

        Assert.True(lines.Count < flood / 2, $"{lines.Count} refusal lines for {flood + 1} refusals: not limited");
        Assert.Equal(flood + 1, lines.Count + lines.Sum(Suppressed));
        Assert.All(lines, line => Assert.Contains("createCustomer on organization victim, presented caller=prober-1", line, StringComparison.Ordinal));
    }

    private static int Suppressed(string line) => int.Parse(SuppressedCount().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\((\d+) refusals not logged before this line\)")]
    private static partial Regex SuppressedCount();
}
