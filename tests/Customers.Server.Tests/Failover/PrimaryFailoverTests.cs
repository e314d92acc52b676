using System.Net;
using Customers.Server.Tests.Postgres;
using Customers.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Failover;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FailoverCollection
{
    // Alone: the 2 s bound is about the service and Npgsql, not about sharing 2 cores with other suites.
    public const string Name = "Failover";
}

/// <summary>
/// A primary lost, or handed over, while writers create credentials through the real service
/// process; the standby promoted with pg_ctl (the manager's part: deploy/pg-auto-failover).
/// </summary>
[Collection(FailoverCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
[Trait("Needs", "Failover")]
public sealed class PrimaryFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(2);

    [SkippableFact]
    public async Task After_the_primary_dies_writes_come_back_within_2_s_of_the_promotion_and_no_acknowledged_write_is_lost()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var shape = await FailoverShape.StartAsync();
        using var client = shape.Service.CreateClient();
        var customers = await CustomersAsync(client, 4);
        var load = new FailoverLoad(client, customers);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);

        await Task.Delay(1500);
        var killedAt = load.Now;
        shape.Primary.Kill();
        await Task.Delay(1000);
        var promotedAt = load.Now; // when the promotion was asked for, not when pg_ctl saw it done
        await shape.Standby.PromoteAsync();
        await RunUntilRecoveredAsync(load, promotedAt);
        stop.Cancel();
        await running;

        var answers = load.Creates.ToList();
        var acknowledged = answers.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Username).ToList();
        var stored = await shape.UsernamesOnAsync(shape.Standby);
        var recovered = load.FirstCreatedAfter(promotedAt);
        Figures.Report(output, "failover, primary killed", $"writable again {Ms(recovered?.Received - promotedAt)} after the promotion " +
            $"({Ms(promotedAt - killedAt)} after the kill); {acknowledged.Count} acknowledged, {acknowledged.Count(stored.Contains)} found on the new primary; " +
            $"{answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable)} × 503, longest answer {Ms(answers.Max(a => a.Received - a.Sent))}");

        AssertOnlyCreatedOrUnavailable(load);
        Assert.NotNull(recovered);
        Assert.True(recovered.Received - promotedAt <= Recovery, $"The first 201 came {Ms(recovered.Received - promotedAt)} after the promotion.");
        Assert.Empty(acknowledged.Except(stored));
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Contains(load.Readiness, r => r.At > killedAt && r.At < promotedAt && r.Status == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.OK, load.Readiness.Last().Status);

        // The audit trail crossed over with the data: every credential on the new primary has exactly one
        // event (so every acknowledged one does), none is without its credential, and the chain verifies.
        var credentials = await Writers.ListAllAsync(client, customers);
        var events = (await Audit.AuditTrail.AllAsync(client)).Where(e => e.GetProperty("operation").GetString() == "createCredential")
            .Select(e => e.GetProperty("credential_id").GetGuid()).ToList();
        var verified = (await Audit.AuditTrail.VerifyAsync(client)).GetProperty("verified").GetBoolean();
        Figures.Report(output, "failover, primary killed, audit trail", $"{events.Count} createCredential events for {credentials.Count} credentials on the new primary, chain verified: {verified}");
        Assert.Equal(credentials.Keys.Order(), events.Order());
        Assert.True(verified, "The audit chain does not verify on the promoted standby.");

        // Uniqueness crossed over too: the last username acknowledged before the kill is still taken.
        var lastBeforeKill = answers.Where(a => a.Status == HttpStatusCode.Created && a.Received < killedAt).MaxBy(a => a.Received)!;
        using var again = await client.PostAsync(Api.Credentials(await Api.CreateCustomerAsync(client)), Api.Json($$"""{"username":"{{lastBeforeKill.Username.ToUpperInvariant()}}"}"""));
        await Api.AssertErrorAsync(again, HttpStatusCode.Conflict, "USERNAME_TAKEN");
    }

    [SkippableFact]
    public async Task A_switchover_brings_writes_back_within_2_s_and_the_old_primary_back_as_a_standby_costs_nothing()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var shape = await FailoverShape.StartAsync();
        using var client = shape.Service.CreateClient();
        var load = new FailoverLoad(client, await CustomersAsync(client, 4));
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);

        await Task.Delay(1500);
        await shape.Primary.StopServerAsync();
        var promotedAt = load.Now;
        await shape.Standby.PromoteAsync();
        await shape.Primary.FollowAsync(shape.Standby);
        var followingAt = load.Now;
        await RunUntilRecoveredAsync(load, followingAt);
        stop.Cancel();
        await running;

        var answers = load.Creates.ToList();
        var recovered = load.FirstCreatedAfter(promotedAt);
        var stored = await shape.UsernamesOnAsync(shape.Standby);
        var acknowledged = answers.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Username).ToList();
        Figures.Report(output, "failover, switchover", $"writable again {Ms(recovered?.Received - promotedAt)} after the promotion; " +
            $"{answers.Count(a => a.Sent > followingAt)} creates after the old primary came back as a standby, " +
            $"{answers.Count(a => a.Sent > followingAt && a.Status != HttpStatusCode.Created)} of them not 201; {acknowledged.Count} acknowledged, {acknowledged.Count(stored.Contains)} found");

        AssertOnlyCreatedOrUnavailable(load);
        Assert.NotNull(recovered);
        Assert.True(recovered.Received - promotedAt <= Recovery, $"The first 201 came {Ms(recovered.Received - promotedAt)} after the promotion.");
        Assert.DoesNotContain(answers, a => a.Sent > recovered.Received && a.Status != HttpStatusCode.Created);
        Assert.Empty(acknowledged.Except(stored));
        Assert.True(await shape.Standby.IsPrimaryAsync());
        Assert.False(await shape.Primary.IsPrimaryAsync());
    }

    internal static async Task<List<Guid>> CustomersAsync(HttpClient client, int count)
    {
        var customers = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            customers.Add(await Api.CreateCustomerAsync(client));
        }

        return customers;
    }

    // Until the first 201 after the moment (at most 10 s), then one more second of load.
    private static async Task RunUntilRecoveredAsync(FailoverLoad load, TimeSpan moment)
    {
        while (load.FirstCreatedAfter(moment) is null && load.Now - moment < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        await Task.Delay(1000);
    }

    private static void AssertOnlyCreatedOrUnavailable(FailoverLoad load)
    {
        Assert.Empty(load.Errors);
        Assert.Empty(load.Creates.Where(a => a.Status != HttpStatusCode.Created && a.Code != "REPOSITORY_UNAVAILABLE")
            .Select(a => $"{(int)a.Status} {a.Code} at {Ms(a.Sent)}"));
        var longest = load.Creates.MaxBy(a => a.Received - a.Sent)!;
        Assert.True(longest.Received - longest.Sent <= FailoverShape.Timeout + TimeSpan.FromSeconds(1), $"An answer took {Ms(longest.Received - longest.Sent)}.");
    }

    private static string Ms(TimeSpan? span) => span is { } s ? $"{s.TotalMilliseconds:F0} ms" : "never";
}
