using System.Diagnostics;
using System.Net;
using Npgsql;

namespace Customers.Server.Tests.Postgres;

/// <summary>What the service does with the roles of the servers it is given: primary, read-only, standby.</summary>
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
public sealed class PostgresHostsTests
{
    [SkippableFact]
    public async Task A_primary_that_turns_read_only_answers_writes_503_and_is_unready_until_it_takes_writes_again()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        await using var service = PostgresServiceTests.Instance(await cluster.CreateDatabaseAsync());
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);

        // How a demoted node looks to the connections it kept (SQLSTATE 25006 on the next write).
        await SetReadOnlyAsync(cluster, true);
        using var refused = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"read.only@example.com"}"""));
        using var unready = await client.GetAsync("/health/ready");
        using var listed = await client.GetAsync(Api.Credentials(customerId));
        await SetReadOnlyAsync(cluster, false);
        using var accepted = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"read.only@example.com"}"""));

        await Api.AssertErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "REPOSITORY_UNAVAILABLE");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [SkippableFact]
    public async Task With_reads_from_standbys_a_list_is_served_while_the_primary_is_down_and_by_default_it_is_not()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var primary = await PostgresCluster.StartAsync();
        await using var standby = await primary.StartStandbyAsync();
        var database = new NpgsqlConnectionStringBuilder(await primary.CreateDatabaseAsync()).Database!;
        var hosts = PostgresCluster.MultiHostConnectionString(database, primary, standby);
        await using var byDefault = PostgresServiceTests.Instance(hosts, "00:00:01");
        await using var fromStandbys = new ServiceFactory(new()
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = hosts,
            ["Storage:Timeout"] = "00:00:01",
            ["Storage:PostgresReadFrom"] = "PreferStandby",
        });
        using var primaryReader = byDefault.CreateClient("API_KEY");
        using var standbyReader = fromStandbys.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(primaryReader);
        await Api.CreateCredentialAsync(primaryReader, customerId, "replicated@example.com");
        await WaitUntilAsync(async () => (await Api.UsernamesAsync(standbyReader, customerId)).Count == 1);

        await primary.StopServerAsync();
        using var fromPrimary = await primaryReader.GetAsync(Api.Credentials(customerId));
        using var fromStandby = await standbyReader.GetAsync(Api.Credentials(customerId));
        using var write = await standbyReader.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"not.now@example.com"}"""));

        await Api.AssertErrorAsync(fromPrimary, HttpStatusCode.ServiceUnavailable, "REPOSITORY_UNAVAILABLE");
        await Api.AssertErrorAsync(write, HttpStatusCode.ServiceUnavailable, "REPOSITORY_UNAVAILABLE");
        Assert.Equal(HttpStatusCode.OK, fromStandby.StatusCode);
        Assert.Contains("replicated@example.com", await fromStandby.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task A_taken_username_is_refused_without_writing_it_into_the_server_log()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        await using var service = PostgresServiceTests.Instance(await cluster.CreateDatabaseAsync());
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);

        await Api.CreateCredentialAsync(client, customerId, "private.person@example.com");
        using var again = await client.PostAsync(Api.Credentials(await Api.CreateCustomerAsync(client)), Api.Json("""{"username":"Private.Person@example.com"}"""));

        await Api.AssertErrorAsync(again, HttpStatusCode.Conflict, "USERNAME_TAKEN");
        Assert.DoesNotContain("private.person", cluster.ServerLog, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task SetReadOnlyAsync(PostgresCluster cluster, bool readOnly)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var set = new NpgsqlCommand($"ALTER SYSTEM SET default_transaction_read_only = {(readOnly ? "on" : "off")}; SELECT pg_reload_conf();", connection);
        await set.ExecuteNonQueryAsync();
        await Task.Delay(200); // the backends read the reloaded file at their next command
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            if (await condition())
            {
                return;
            }
        }

        throw new TimeoutException("The standby did not catch up within 10 s.");
    }
}
