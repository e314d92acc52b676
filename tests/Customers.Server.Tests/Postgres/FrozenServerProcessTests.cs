using System.Diagnostics;
using System.Net;
using Customers.Server.Storage.Postgres;
using Customers.Server.Tests.Processes;
using Customers.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Postgres;

/// <summary>
/// The service as a process, with its thread pool capped at four threads, as a small container's
/// or a pool already busy with other requests would leave it: a pool thread that waits on a frozen
/// server then stops the process every time, not only on a loaded machine.
/// </summary>
[Collection(ProcessTests.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
[Trait("Needs", "Processes")]
public sealed class FrozenServerProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Npgsql sends its cancel request synchronously, in the thread that cancels, and waits for the
    /// server to close it. Sent from the thread pool at the timeout, those requests held every pool
    /// thread while the server was frozen: no request of the process ran, not even /health/live.
    /// </summary>
    [SkippableFact]
    public async Task Calls_in_flight_when_the_server_freezes_answer_504_in_time_and_the_process_keeps_answering()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync();
        var data = Directory.CreateTempSubdirectory("customers-frozen-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Storage__Timeout"] = Timeout.ToString(),
            ["DOTNET_ThreadPool_ForceMaxWorkerThreads"] = "4",
        });
        using var client = service.CreateClient();
        var customerId = await Api.CreateCustomerAsync(client);
        var pool = PostgresConnectionSettings.DefaultPoolSize;
        await Task.WhenAll(Enumerable.Range(0, pool).Select(_ => Api.UsernamesAsync(client, customerId))); // Every pooled connection is open.

        cluster.Freeze();
        (string Call, HttpStatusCode Status, TimeSpan Elapsed)[] answers;
        var longestGap = TimeSpan.Zero;
        try
        {
            async Task<(string, HttpStatusCode, TimeSpan)> TimedAsync(string call, Func<Task<HttpResponseMessage>> send)
            {
                var clock = Stopwatch.StartNew();
                using var response = await send();
                return (call, response.StatusCode, clock.Elapsed);
            }

            // Lists take every connection; the creates after them wait for one.
            var lists = Enumerable.Range(0, pool).Select(_ => TimedAsync("list", () => client.GetAsync(Api.Credentials(customerId)))).ToList();
            await Task.Delay(200);
            var creates = Enumerable.Range(0, pool).Select(i => TimedAsync("create", () =>
                client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"username":"frozen-{{i}}@example.com"}""")))).ToList();
            var calls = Task.WhenAll(lists.Concat(creates));

            // The liveness probe, polled as an orchestrator would: the longest time between two answers.
            var sinceLastAnswer = Stopwatch.StartNew();
            while (!calls.IsCompleted)
            {
                using (var live = await client.GetAsync("/health/live"))
                {
                    Assert.Equal(HttpStatusCode.OK, live.StatusCode);
                }

                longestGap = TimeSpan.FromTicks(Math.Max(longestGap.Ticks, sinceLastAnswer.Elapsed.Ticks));
                sinceLastAnswer.Restart();
                await Task.Delay(50);
            }

            answers = await calls;
        }
        finally
        {
            cluster.Thaw();
        }

        var summary = string.Join(", ", answers.Select(a => $"{a.Call} {(int)a.Status} in {a.Elapsed.TotalMilliseconds:F0} ms"));
        Figures.Report(output, nameof(FrozenServerProcessTests), $"PostgreSQL frozen, thread pool of 4: {summary}; /health/live at most {longestGap.TotalMilliseconds:F0} ms between answers");
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.GatewayTimeout, a.Status));
        Assert.All(answers, a => Assert.InRange(a.Elapsed, Timeout * 0.9, Timeout + TimeSpan.FromSeconds(1)));
        // A stalled process goes the whole freeze without answering. The bound leaves room for a busy
        // machine (the figures, before and after the fix: docs/guarantees.md, Timeouts).
        Assert.True(longestGap < TimeSpan.FromSeconds(2), $"/health/live went {longestGap.TotalMilliseconds:F0} ms without an answer while the server was frozen.");

        using var after = await client.GetAsync(Api.Credentials(customerId));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
