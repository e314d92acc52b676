using System.Diagnostics;
using System.Net;
using Customers.Server.Tests.Postgres;

namespace Customers.Server.Tests.Limits;

/// <summary>
/// While the repository is stuck (another holder of its lock), calls queue up to
/// Storage:MaxPendingCalls, and one organization up to its share; past that a request answers 503
/// SERVICE_OVERLOADED at once, with Retry-After, instead of waiting into a 504. On both providers.
/// </summary>
public sealed class SheddingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private static Dictionary<string, string?> Bounds => new()
    {
        ["Storage:Timeout"] = Timeout.ToString(),
        ["Storage:MaxPendingCalls"] = "6",
        ["Storage:MaxPendingCallsPerOrganization"] = "4",
    };

    [Fact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Time")]
    public async Task Sqlite_writes_past_the_queue_are_refused_at_once_and_the_organizations_share_leaves_room_for_others()
    {
        await using var service = new ServiceFactory(Bounds);
        using var client = service.CreateClient("API_KEY");
        var noisy = await Api.CreateCustomerAsync(client, "noisy");
        var quiet = await Api.CreateCustomerAsync(client, "quiet");

        await using (await FailureTests.HoldWriteLockAsync(service.DatabasePath))
        {
            await AssertShedAsync(client, noisy, quiet);
        }
    }

    [SkippableFact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "PostgreSQL")]
    public async Task Postgres_calls_past_the_queue_are_refused_at_once_and_the_organizations_share_leaves_room_for_others()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync();
        var settings = Bounds;
        settings["Storage:Provider"] = "Postgres";
        settings["ConnectionStrings:Postgres"] = connectionString;
        await using var service = new ServiceFactory(settings);
        using var client = service.CreateClient("API_KEY");
        var noisy = await Api.CreateCustomerAsync(client, "noisy");
        var quiet = await Api.CreateCustomerAsync(client, "quiet");

        await using (await CredentialsLock.TakeAsync(connectionString))
        {
            await AssertShedAsync(client, noisy, quiet);
        }
    }

    /// <summary>
    /// Four creates of the noisy organization wait behind the lock (its share); a fifth is shed at
    /// once. The quiet organization still gets two places (the rest of the queue); then the queue is full.
    /// </summary>
    private static async Task AssertShedAsync(HttpClient client, Guid noisy, Guid quiet)
    {
        var waiting = Enumerable.Range(0, 4).Select(i => client.PostAsync(Api.Credentials(noisy, "noisy"), Api.Json($$"""{"username":"noisy-{{i}}@example.com"}"""))).ToList();
        await EventuallyPendingAsync(waiting);

        var clock = Stopwatch.StartNew();
        using var overShare = await client.PostAsync(Api.Credentials(noisy, "noisy"), Api.Json("""{"username":"noisy-over@example.com"}"""));
        var shedIn = clock.Elapsed;
        var quietWaiting = Enumerable.Range(0, 2).Select(i => client.PostAsync(Api.Credentials(quiet, "quiet"), Api.Json($$"""{"username":"quiet-{{i}}@example.com"}"""))).ToList();
        await EventuallyPendingAsync(quietWaiting);
        using var overTotal = await client.PostAsync(Api.Credentials(quiet, "quiet"), Api.Json("""{"username":"quiet-over@example.com"}"""));

        await Api.AssertErrorAsync(overShare, HttpStatusCode.ServiceUnavailable, "SERVICE_OVERLOADED", "server");
        Assert.Equal("1", Assert.Single(overShare.Headers.GetValues("Retry-After")));
        Assert.True(shedIn < TimeSpan.FromSeconds(1), $"The shed request took {shedIn}, as if it had queued.");
        await Api.AssertErrorAsync(overTotal, HttpStatusCode.ServiceUnavailable, "SERVICE_OVERLOADED", "server");
        foreach (var queued in waiting.Concat(quietWaiting))
        {
            using var answer = await queued;
            Assert.Equal(HttpStatusCode.GatewayTimeout, answer.StatusCode); // they queued, and the lock outlasted them
        }
    }

    // The queued requests have reached the repository once they have been in flight a little while.
    private static async Task EventuallyPendingAsync(List<Task<HttpResponseMessage>> requests)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.All(requests, r => Assert.False(r.IsCompleted, "A request that should wait behind the lock was answered."));
    }
}
