using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Customers.Server.Tests.Processes;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Reliability;

/// <summary>
/// A bounded mixed load (90% list, 8% create, 2% delete) on the real service: no error at all, and
/// resident memory after warm-up grows by less than 10%. SOAK_SECONDS sets the length (60 by default).
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Mixed_load_has_no_errors_and_memory_stays_flat()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("SOAK_SECONDS"), out var configured) ? configured : 60;
        // Server GC sizes its heaps during the first half minute or so of load; what matters is what follows.
        var warmUp = TimeSpan.FromSeconds(seconds / 2.0);
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-soak-").FullName,
            new Dictionary<string, string> { [ServiceProcess.UnlimitedCredentials.Key] = ServiceProcess.UnlimitedCredentials.Value });
        using var client = service.CreateClient();
        var customers = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            customers.Add(await Api.CreateCustomerAsync(client));
        }

        var statuses = new ConcurrentDictionary<string, int>();
        var errors = new ConcurrentQueue<string>();
        var requests = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var memory = new List<(TimeSpan At, long Bytes)>();
        var clock = Stopwatch.StartNew();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                memory.Add((clock.Elapsed, service.ResidentBytes));
                await Task.Delay(1000, CancellationToken.None);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            var mine = new Stack<(Guid Customer, Guid Credential)>();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var customer = customers[random.Next(customers.Count)];
                var roll = random.Next(100);
                // Steady state: as many deletes as creates, so the lists keep their size and growth means a leak.
                var (kind, expected, request) = roll < 90 || (roll >= 95 && mine.Count == 0)
                    ? ("list", HttpStatusCode.OK, new HttpRequestMessage(HttpMethod.Get, Api.Credentials(customer)))
                    : roll < 95
                        ? ("create", HttpStatusCode.Created, new HttpRequestMessage(HttpMethod.Post, Api.Credentials(customer))
                        {
                            Content = Api.Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = $"soak-{worker}-{i}-{Guid.NewGuid():N}"[..40] })),
                        })
                        : ("delete", HttpStatusCode.NoContent, Delete(mine.Pop()));
                try
                {
                    using (request)
                    using (var response = await client.SendAsync(request, CancellationToken.None))
                    {
                        Interlocked.Increment(ref requests);
                        statuses.AddOrUpdate($"{kind} {(int)response.StatusCode}", 1, (_, n) => n + 1);
                        if (response.StatusCode != expected)
                        {
                            errors.Enqueue($"{kind} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        }
                        else if (kind == "create")
                        {
                            mine.Push((customer, (await Api.ReadAsync(response)).GetProperty("id").GetGuid()));
                        }
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    errors.Enqueue($"{kind}: {exception.Message}");
                }
            }
        })));
        await sampler;

        var settled = memory.Where(m => m.At >= warmUp).ToList();
        Assert.True(settled.Count >= 5, $"Only {settled.Count} memory samples after the warm-up: run longer (SOAK_SECONDS).");
        var before = Median(settled.Take(5).Select(m => m.Bytes));
        var after = Median(settled.TakeLast(5).Select(m => m.Bytes));
        var growth = (after - before) * 100.0 / before;
        Figures.Report(output, nameof(SoakTests), $"{requests} requests in {seconds} s ({requests / seconds}/s), " +
            $"statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}, errors {errors.Count}; " +
            $"RSS after {warmUp.TotalSeconds:F0} s warm-up {before / 1048576} MB, at the end {after / 1048576} MB ({growth:+0.0;-0.0}%)");
        Assert.True(errors.IsEmpty, $"{errors.Count} errors, for example: {string.Join(" | ", errors.Take(5))}");
        Assert.True(growth < 10, $"Memory grew {growth:F1}% after warm-up.");
    }

    private static HttpRequestMessage Delete((Guid Customer, Guid Credential) target) =>
        new(HttpMethod.Delete, $"{Api.Credentials(target.Customer)}/{target.Credential}");

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
