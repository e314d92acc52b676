using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Customers.Server.Tests.Processes;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Reliability;

/// <summary>SIGTERM, as an orchestrator stops the service: what was in flight completes, the process exits 0, nothing acknowledged is lost.</summary>
[Collection(ProcessTests.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigterm_lets_in_flight_requests_finish_and_exits_0()
    {
        var data = Directory.CreateTempSubdirectory("customers-shutdown-").FullName;
        var customers = new List<Guid>();
        Guid heldCustomer;
        Writers writers;
        var inFlight = new List<Task<HttpStatusCode>>();
        int exitCode;
        TimeSpan stopping;
        // Request starts are logged, so the test can see the held requests arrive.
        await using (var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            [ServiceProcess.UnlimitedCredentials.Key] = ServiceProcess.UnlimitedCredentials.Value,
        }))
        {
            using var client = service.CreateClient();
            heldCustomer = await Api.CreateCustomerAsync(client);
            customers.Add(await Api.CreateCustomerAsync(client));
            customers.Add(await Api.CreateCustomerAsync(client));
            writers = new Writers(client, customers);
            using var stop = new CancellationTokenSource();
            var load = writers.RunAsync(4, stop.Token);
            await Task.Delay(500);

            // Requests certainly inside the service when the signal comes: another connection holds
            // SQLite's write lock, so they wait in the service until it is released.
            await using (var blocker = new SqliteConnection($"Data Source={Path.Combine(data, "customers.db")};Pooling=False"))
            {
                await blocker.OpenAsync();
                using var transaction = blocker.BeginTransaction(deferred: false);
                using var held = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                held.DefaultRequestHeaders.Add("x-auth-roles", "API_KEY");
                for (var i = 0; i < 5; i++)
                {
                    var body = Api.Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = $"in-flight-{i}@example.com" }));
                    inFlight.Add(held.PostAsync(Api.Credentials(heldCustomer), body).ContinueWith(t => t.Result.StatusCode, TaskScheduler.Default));
                }

                await WaitForAsync(service, line => line.Contains("Request starting", StringComparison.Ordinal) && line.Contains(heldCustomer.ToString(), StringComparison.Ordinal), count: 5);
                var clock = Stopwatch.StartNew();
                var exited = service.TerminateAsync(TimeSpan.FromSeconds(30));
                await WaitForAsync(service, line => line.Contains("Application is shutting down", StringComparison.Ordinal), count: 1);
                transaction.Rollback(); // Let the held requests go on, after the signal.
                exitCode = await exited;
                stopping = clock.Elapsed;
            }

            stop.Cancel();
            await load;
        }

        var statuses = await Task.WhenAll(inFlight);
        await using var restarted = await ServiceProcess.StartAsync(data);
        using var check = restarted.CreateClient();
        var stored = await Writers.ListAllAsync(check, customers);
        var heldStored = (await Writers.ListAllAsync(check, [heldCustomer])).Count;
        var missing = writers.Acknowledged.Keys.Count(id => !stored.ContainsKey(id));
        Figures.Report(output, nameof(ShutdownTests), $"exit code {exitCode} after {stopping.TotalSeconds:F1} s; in-flight requests at SIGTERM: " +
            $"{string.Join(", ", statuses.Select(s => (int)s))} ({heldStored} stored); {writers.Acknowledged.Count} writes acknowledged, {writers.Acknowledged.Count - missing} found after restart");
        Assert.Equal(0, exitCode);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.Equal(statuses.Length, heldStored);
        Assert.Equal(0, missing);
        Assert.Equal(0, writers.Failed);
    }

    private static async Task WaitForAsync(ServiceProcess service, Func<string, bool> line, int count)
    {
        for (var waited = Stopwatch.StartNew(); service.Output.Count(line) < count; await Task.Delay(20))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"Fewer than {count} matching log lines within 10 s:\n{string.Join('\n', service.Output.TakeLast(20))}");
        }
    }
}
