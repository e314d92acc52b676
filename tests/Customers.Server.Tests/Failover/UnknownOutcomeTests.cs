using System.Net;
using Npgsql;
using Customers.Server.Tests.Postgres;
using Customers.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Failover;

/// <summary>
/// A create whose COMMIT is in flight when the deadline passes: the primary has the row, the
/// synchronous standby (frozen) never confirmed it, and the caller cannot know which it was.
/// </summary>
[Collection(FailoverCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
[Trait("Needs", "Failover")]
public sealed class UnknownOutcomeTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_create_that_timed_out_mid_commit_sent_again_with_its_key_gives_one_credential()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var shape = await FailoverShape.StartAsync();
        using var client = shape.Service.CreateClient();
        var customerId = await Api.CreateCustomerAsync(client);

        shape.Standby.Freeze(); // the primary's COMMIT now waits for a confirmation that does not come
        HttpResponseMessage first;
        try
        {
            first = await client.SendAsync(Create(customerId));
        }
        finally
        {
            shape.Standby.Thaw();
        }

        var firstBody = await first.Content.ReadAsStringAsync();
        using var again = await client.SendAsync(Create(customerId));
        using var withoutKey = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"in.flight@example.com"}"""));
        var stored = await Api.UsernamesAsync(client, customerId);
        Figures.Report(output, "unknown outcome", $"a create with its COMMIT in flight answered {(int)first.StatusCode} {firstBody}; " +
            $"sent again with its key: {(int)again.StatusCode}; without the key: {(int)withoutKey.StatusCode}; {stored.Count} credential stored");

        Assert.Contains(first.StatusCode, new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(["in.flight@example.com"], stored);
        await Api.AssertErrorAsync(withoutKey, HttpStatusCode.Conflict, "USERNAME_TAKEN");
        first.Dispose();
    }

    /// <summary>
    /// PostgreSQL ends a cancelled wait for a synchronous standby with a WARNING and a successful
    /// COMMIT: committed locally, confirmed by no standby. Acknowledging that would let a failover
    /// lose an acknowledged write. Here the wait is cancelled by hand, so that the race between the
    /// server's statement_timeout and the service's deadline (seen in CI: a 201) cannot hide it.
    /// </summary>
    [SkippableFact]
    public async Task A_commit_that_no_standby_confirmed_is_not_acknowledged()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var shape = await FailoverShape.StartAsync();
        using var client = shape.Service.CreateClient();
        var customerId = await Api.CreateCustomerAsync(client);

        shape.Standby.Freeze();
        HttpResponseMessage answer;
        try
        {
            var sent = client.SendAsync(Create(customerId));
            await using var admin = new NpgsqlConnection(shape.Primary.ConnectionString(shape.Database) + ";Pooling=false");
            await admin.OpenAsync();
            await using var cancel = new NpgsqlCommand("SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE wait_event = 'SyncRep';", admin);
            var cancelled = 0L;
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); cancelled == 0 && waited.Elapsed < FailoverShape.Timeout; await Task.Delay(20))
            {
                cancelled = (long)(await cancel.ExecuteScalarAsync())!;
            }

            Assert.Equal(1L, cancelled);
            answer = await sent;
        }
        finally
        {
            shape.Standby.Thaw();
        }

        using (answer)
        {
            await Api.AssertErrorAsync(answer, HttpStatusCode.GatewayTimeout, "REPOSITORY_TIMEOUT");
        }

        using var again = await client.SendAsync(Create(customerId));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(["in.flight@example.com"], await Api.UsernamesAsync(client, customerId));
    }

    private static HttpRequestMessage Create(Guid customerId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Api.Credentials(customerId)) { Content = Api.Json("""{"username":"in.flight@example.com"}""") };
        request.Headers.Add("Idempotency-Key", "commit-in-flight");
        return request;
    }
}
