using System.Diagnostics;
using System.Net;
using Npgsql;

namespace Customers.Server.Tests.Postgres;

/// <summary>The service on a shared PostgreSQL, as several stateless instances run it.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
public sealed class PostgresServiceTests(SharedPostgres postgres)
{
    [SkippableFact]
    public async Task Two_instances_racing_50_posts_of_one_username_create_it_once()
    {
        PostgresRequirement.SkipIfUnavailable();
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var first = Instance(connectionString);
        await using var second = Instance(connectionString);
        using var a = first.CreateClient("API_KEY");
        using var b = second.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(a);
        await Api.UsernamesAsync(b, customerId); // Both instances started and migrated.

        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var client = i % 2 == 0 ? a : b;
            using var response = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"race@example.com"}"""));
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(49, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(1L, await ScalarAsync(connectionString, "SELECT COUNT(*) FROM credentials WHERE username_key = 'race@example.com';"));
    }

    [SkippableFact]
    public async Task An_erased_customer_is_gone_its_usernames_are_free_and_replayed_keys_create_nothing()
    {
        PostgresRequirement.SkipIfUnavailable();
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var instance = Instance(connectionString);
        using var client = instance.CreateClient("API_KEY");

        await Erasure.ErasureScenario.EraseAndReplayAsync(client);

        Assert.Equal(0L, await ScalarAsync(connectionString, "SELECT COUNT(*) FROM idempotency_keys WHERE key LIKE 'credential-%';"));
    }

    [SkippableFact]
    public async Task Instances_that_start_together_apply_each_migration_once()
    {
        PostgresRequirement.SkipIfUnavailable();
        var connectionString = await postgres.CreateDatabaseAsync();
        var instances = Enumerable.Range(0, 3).Select(_ => Instance(connectionString)).ToList();

        await Task.WhenAll(instances.Select(instance => Task.Run(async () =>
        {
            using var client = instance.CreateClient("API_KEY");
            await Api.CreateCustomerAsync(client);
        })));

        Assert.Equal(await ScalarAsync(connectionString, "SELECT COUNT(DISTINCT version) FROM schema_migrations;"),
            await ScalarAsync(connectionString, "SELECT COUNT(*) FROM schema_migrations;"));
        Assert.Equal(3L, await ScalarAsync(connectionString, "SELECT COUNT(*) FROM customers;"));
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task A_repeated_idempotency_key_replays_the_201_across_instances()
    {
        PostgresRequirement.SkipIfUnavailable();
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var first = Instance(connectionString);
        await using var second = Instance(connectionString);
        using var a = first.CreateClient("API_KEY");
        using var b = second.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(a);

        var bodies = new List<string>();
        foreach (var client in new[] { a, b, a })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Api.Credentials(customerId)) { Content = Api.Json("""{"username":"once@example.com"}""") };
            request.Headers.Add("Idempotency-Key", "retry-me");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Single(bodies.Distinct());
        Assert.Equal(["once@example.com"], await Api.UsernamesAsync(b, customerId));
    }

    [SkippableFact]
    public async Task Readiness_checks_the_repository_and_liveness_does_not()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var instance = Instance(await postgres.CreateDatabaseAsync());
        using var client = instance.CreateClient(roles: null);

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    internal static ServiceFactory Instance(string connectionString, string timeout = "00:00:05") => new(new()
    {
        ["Storage:Provider"] = "Postgres",
        ["ConnectionStrings:Postgres"] = connectionString,
        ["Storage:Timeout"] = timeout,
    });

    internal static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

/// <summary>Real repository failures on a PostgreSQL server of the test's own: stopped, locked, frozen.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
public sealed class PostgresFaultTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [SkippableFact]
    public async Task A_stopped_server_answers_503_quickly_and_the_service_recovers_when_it_is_back()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        await using var service = PostgresServiceTests.Instance(await cluster.CreateDatabaseAsync(), Timeout.ToString());
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);

        await cluster.StopServerAsync();
        var clock = Stopwatch.StartNew();
        using (var down = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"down@example.com"}""")))
        {
            await Api.AssertErrorAsync(down, HttpStatusCode.ServiceUnavailable, "REPOSITORY_UNAVAILABLE", "server");
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"503 took {clock.Elapsed}");
        using (var notReady = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }

        await cluster.StartServerAsync();
        var recovered = await EventuallyAsync(async () =>
        {
            using var response = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"back@example.com"}"""));
            return response.StatusCode == HttpStatusCode.Created;
        });
        Assert.True(recovered, "The service did not recover within 15 s of the server's restart.");
        Assert.Equal(["back@example.com"], await Api.UsernamesAsync(client, customerId));
    }

    [SkippableFact]
    public async Task A_frozen_server_answers_504_within_the_timeout_and_the_service_recovers_when_it_thaws()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync();
        await using var service = PostgresServiceTests.Instance(connectionString, Timeout.ToString());
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);
        await Api.UsernamesAsync(client, customerId); // A pooled connection is open when the server freezes.

        cluster.Freeze();
        Stopwatch clock;
        try
        {
            clock = Stopwatch.StartNew();
            using var response = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"frozen@example.com"}"""));
            clock.Stop();
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.GatewayTimeout, $"Expected 504, got {(int)response.StatusCode}: {text}");
            Assert.Contains("REPOSITORY_TIMEOUT", text);
        }
        finally
        {
            cluster.Thaw();
        }

        Assert.InRange(clock.Elapsed, Timeout * 0.9, Timeout + TimeSpan.FromSeconds(1)); // README: "within that timeout plus under a second"
        var recovered = await EventuallyAsync(async () =>
        {
            using var response = await client.GetAsync(Api.Credentials(customerId));
            return response.StatusCode == HttpStatusCode.OK;
        });
        Assert.True(recovered, "The service did not recover within 15 s of the thaw.");
        Assert.Equal(0L, await PostgresServiceTests.ScalarAsync(connectionString, "SELECT COUNT(*) FROM credentials;"));
    }

    /// <summary>
    /// A queue of creates, five times the pool, behind a lock held past the timeout: the ones on a
    /// connection end at lock_timeout, the ones waiting for a connection at the same deadline, so
    /// every one answers within the timeout plus under a second.
    /// </summary>
    [SkippableFact]
    public async Task Creates_queued_behind_a_lock_all_answer_504_within_the_timeout_and_write_nothing()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync();
        await using var service = PostgresServiceTests.Instance(connectionString, Timeout.ToString());
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);

        await using (var held = await CredentialsLock.TakeAsync(connectionString))
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            {
                var clock = Stopwatch.StartNew();
                using var response = await client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"username":"queued-{{i}}@example.com"}"""));
                return (response.StatusCode, clock.Elapsed);
            }));
            await held.ReleaseAsync();

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.GatewayTimeout, a.StatusCode));
            Assert.All(answers, a => Assert.InRange(a.Elapsed, Timeout * 0.9, Timeout + TimeSpan.FromSeconds(1)));
        }

        Assert.Equal(0L, await PostgresServiceTests.ScalarAsync(connectionString, "SELECT COUNT(*) FROM credentials;"));
        await Api.CreateCredentialAsync(client, customerId, "queued-0@example.com");
    }

    [SkippableFact]
    public async Task Every_operation_answers_503_while_the_server_is_stopped_and_504_while_it_is_frozen()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        await using var service = PostgresServiceTests.Instance(await cluster.CreateDatabaseAsync(), Timeout.ToString());
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);
        var operations = ContractChecks.OpenApiContract.Default.Operations.Select(o => o.OperationId).ToList();

        async Task<List<string>> AnswersAsync() => [.. await Task.WhenAll(operations.Select(async operationId =>
        {
            using var response = await client.SendAsync(EveryOperationTests.RequestFor(operationId, customerId));
            var body = await response.Content.ReadAsStringAsync();
            return $"{operationId} {(int)response.StatusCode} {(body.Contains("REPOSITORY_", StringComparison.Ordinal) ? body.Split('"')[7] : body)}";
        }))];

        cluster.Freeze();
        List<string> frozen;
        try
        {
            frozen = await AnswersAsync();
        }
        finally
        {
            cluster.Thaw();
        }

        await cluster.StopServerAsync();
        var stopped = await AnswersAsync();

        Assert.Equal(operations.Select(o => $"{o} 504 REPOSITORY_TIMEOUT"), frozen);
        Assert.Equal(operations.Select(o => $"{o} 503 REPOSITORY_UNAVAILABLE"), stopped);
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> attempt)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (await attempt())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
