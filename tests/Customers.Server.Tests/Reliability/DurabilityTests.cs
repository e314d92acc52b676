using Customers.Server.Tests.Postgres;
using Customers.Server.Tests.Processes;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Reliability;

/// <summary>
/// SIGKILL the service (or PostgreSQL) in the middle of concurrent writes, start it again on the
/// same store: every credential whose 201 reached a client is there, whole, once.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class DurabilityTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Processes")]
    public async Task Sqlite_keeps_every_acknowledged_write_across_a_sigkill() =>
        await KillDuringWritesAsync("SQLite", new Dictionary<string, string>(), crashDatabase: null);

    [SkippableFact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "PostgreSQL")]
    [Trait("Needs", "Processes")]
    public async Task Postgres_keeps_every_acknowledged_write_across_a_sigkill()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync();
        await KillDuringWritesAsync("PostgreSQL", new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = connectionString,
        }, crashDatabase: null);
    }

    /// <summary>
    /// PostgreSQL with its real durability (fsync on) loses every backend and the postmaster at once,
    /// mid-commit, and recovers from its WAL; the service, never restarted, serves again.
    /// </summary>
    [SkippableFact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "PostgreSQL")]
    [Trait("Needs", "Processes")]
    public async Task Postgres_keeps_every_acknowledged_write_across_a_kill_of_the_database_server()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var cluster = await PostgresCluster.StartAsync(new PostgresServerSettings(Durable: true));
        var connectionString = await cluster.CreateDatabaseAsync();
        await KillDuringWritesAsync("PostgreSQL, server killed", new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = connectionString,
        }, crashDatabase: async () =>
        {
            cluster.Kill();
            await Task.Delay(200);
            await cluster.StartServerAsync();
        });
    }

    // crashDatabase null: the service is killed and started again; else the database is, and the
    // same service process is asked afterwards.
    private async Task KillDuringWritesAsync(string provider, Dictionary<string, string> settings, Func<Task>? crashDatabase)
    {
        var data = Directory.CreateTempSubdirectory("customers-durability-").FullName;
        List<Guid> customers = [];
        Writers writers;
        Dictionary<Guid, (Guid Customer, string Username)> stored = [];
        (List<Guid> Credentials, bool Verified) audit = ([], false);
        settings[ServiceProcess.UnlimitedCredentials.Key] = ServiceProcess.UnlimitedCredentials.Value;
        await using (var service = await ServiceProcess.StartAsync(data, settings))
        {
            using var client = service.CreateClient();
            for (var i = 0; i < 4; i++)
            {
                customers.Add(await Api.CreateCustomerAsync(client));
            }

            writers = new Writers(client, customers);
            using var stop = new CancellationTokenSource();
            var load = writers.RunAsync(8, stop.Token);
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); writers.Acknowledged.Count < 200; await Task.Delay(20))
            {
                Assert.False(load.IsCompleted || waited.Elapsed > TimeSpan.FromSeconds(60),
                    $"The writers got {writers.Acknowledged.Count} creates acknowledged before stopping or timing out ({writers.Failed} refused).");
            }

            if (crashDatabase is null)
            {
                await service.CrashAsync();
                stop.Cancel();
                await load;
            }
            else
            {
                await crashDatabase();
                stop.Cancel();
                await load;
                stored = await EventuallyListAllAsync(service, customers);
                using var auditor = service.CreateClient();
                audit = await AuditedCredentialsAsync(auditor);
            }
        }

        if (crashDatabase is null)
        {
            await using var restarted = await ServiceProcess.StartAsync(data, settings);
            using var check = restarted.CreateClient();
            stored = await Writers.ListAllAsync(check, customers);
            audit = await AuditedCredentialsAsync(check);
        }

        var missing = writers.Acknowledged.Where(a => !stored.TryGetValue(a.Key, out var row) || row != a.Value).ToList();
        var usernames = stored.Values.Select(v => v.Username.ToUpperInvariant()).ToList();
        Figures.Report(output, $"{nameof(DurabilityTests)} ({provider})", $"{writers.Acknowledged.Count} writes acknowledged before SIGKILL, " +
            $"{writers.Acknowledged.Count - missing.Count} found after restart, {stored.Count} rows in all " +
            $"({stored.Count - writers.Acknowledged.Count} committed but never acknowledged), {writers.Taken} creates of a shared username refused as taken, " +
            $"{usernames.Count - usernames.Distinct().Count()} duplicates");
        Figures.Report(output, $"{nameof(DurabilityTests)} ({provider}, audit trail)", $"{audit.Credentials.Count} createCredential events for {stored.Count} stored credentials, " +
            $"{writers.Acknowledged.Keys.Count(audit.Credentials.Contains)} of {writers.Acknowledged.Count} acknowledged creates with their event, chain verified: {audit.Verified}");
        Assert.Empty(missing);
        Assert.Equal(usernames.Count, usernames.Distinct().Count());
        // The event commits with its change: every credential there (acknowledged or not) has exactly one, and no event lacks its credential.
        Assert.Equal(stored.Keys.Order(), audit.Credentials.Order());
        Assert.True(audit.Verified, "The audit chain does not verify after the crash.");
        if (crashDatabase is null)
        {
            Assert.Equal(0, writers.Failed); // while the database was down, 503s are the right answer
        }
    }

    private static async Task<(List<Guid> Credentials, bool Verified)> AuditedCredentialsAsync(HttpClient client)
    {
        var events = await Audit.AuditTrail.AllAsync(client);
        var verification = await Audit.AuditTrail.VerifyAsync(client);
        return (events.Where(e => e.GetProperty("operation").GetString() == "createCredential").Select(e => e.GetProperty("credential_id").GetGuid()).ToList(),
            verification.GetProperty("verified").GetBoolean());
    }

    // The service answers 503 until PostgreSQL has replayed its WAL and takes connections again.
    private static async Task<Dictionary<Guid, (Guid Customer, string Username)>> EventuallyListAllAsync(ServiceProcess service, List<Guid> customers)
    {
        using var client = service.CreateClient();
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(200))
        {
            try
            {
                return await Writers.ListAllAsync(client, customers);
            }
            catch (Exception) when (waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                // Not serving yet.
            }
        }
    }
}
