using System.Diagnostics;
using System.Net;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Limits;

/// <summary>
/// Over real HTTP, with real time: past its burst an organization's request waits for a token
/// that comes within a second, a request beyond that is refused at once, and an emptied bucket
/// refills at its rate.
/// </summary>
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed class RateLimitRefillTests
{
    [Fact]
    public async Task Past_the_burst_a_second_of_the_rate_waits_the_rest_is_refused_and_the_bucket_refills()
    {
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-refill-").FullName, new Dictionary<string, string>
        {
            ["Limits__Organization__WritesPerSecond"] = "5",
            ["Limits__Organization__WritesBurst"] = "5",
        });
        using var client = service.CreateClient();

        // 15 at once: the burst of 5 passes, 5 wait for the next second's tokens, 5 are refused.
        var answers = await Task.WhenAll(Enumerable.Range(0, 15).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.PostAsync(Api.Customers("refill"), Api.Json("{}"));
            return (response.StatusCode, clock.Elapsed, RetryAfter: response.Headers.RetryAfter?.Delta);
        }));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        await Task.Delay(refused.Max(a => a.RetryAfter!.Value));
        using var after = await client.PostAsync(Api.Customers("refill"), Api.Json("{}"));

        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.Created), 10, 11); // a token may come back while they arrive
        Assert.InRange(refused.Count, 4, 5);
        Assert.All(refused, a => Assert.True(a.Elapsed < TimeSpan.FromSeconds(1), $"A refusal took {a.Elapsed}: it waited, as if queued."));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created && a.Elapsed >= TimeSpan.FromMilliseconds(500)); // one that waited for its token
        Assert.All(refused, a => Assert.InRange(a.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))); // after the queue ahead, in whole seconds
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }
}
