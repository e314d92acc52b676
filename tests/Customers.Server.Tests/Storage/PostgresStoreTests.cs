using System.Diagnostics;
using Customers.Server.Audit;
using Customers.Server.Tests.Postgres;
using Npgsql;

namespace Customers.Server.Tests.Storage;

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
public sealed class PostgresStoreTests(SharedPostgres postgres) : CustomerStoreContract
{
    protected override async Task<Dictionary<string, string?>> NewDatabaseAsync()
    {
        PostgresRequirement.SkipIfUnavailable();
        return new()
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(),
        };
    }

    /// <summary>
    /// A change whose instance stopped between its commit and its seal leaves its event in
    /// audit_pending. The sweep seals it without any reader asking, after the events already sealed,
    /// and the chain verifies.
    /// </summary>
    [SkippableFact]
    public async Task An_event_left_pending_is_sealed_by_the_sweep_and_the_chain_verifies()
    {
        var settings = await NewDatabaseAsync();
        settings["Audit:SealSweepInterval"] = "00:00:00.200";
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(host.Store, "telco");
        await WaitUntilNothingPendingAsync(settings); // sealed right after its commit
        await SqlAsync(settings, $"""
            INSERT INTO audit_pending (org_id, occurred_at, operation, customer_id, credential_id, actor_roles, trace_id)
            VALUES ('telco', now(), 'createCredential', '{customer}', '{Guid.CreateVersion7()}', '["API_KEY"]', '4bf92f3577b34da6a3ce929d0e0e4736');
            """);

        await WaitUntilNothingPendingAsync(settings); // no read of the trail in between: only the sweep seals it

        Assert.Equal(2L, await SqlAsync(settings, "SELECT COUNT(*) FROM audit_events WHERE org_id = 'telco';"));
        Assert.Equal(2L, await SqlAsync(settings, "SELECT last_sequence FROM audit_chains WHERE org_id = 'telco';"));
        var events = await host.Store.ReadAuditEventsAsync("telco", 0, 100, default);
        Assert.Equal([(1L, "createCustomer"), (2L, "createCredential")], events.Select(e => (e.Sequence, e.Operation)));
        Assert.Equal(events[0].Hash, events[1].PreviousHash);
        var verification = await new AuditVerifier(host.Store).VerifyAsync("telco", default);
        Assert.Equal((true, 2L, (long?)null), (verification.Verified, verification.EventsChecked, verification.FirstBroken));
    }

    /// <summary>A change whose event is pending is not in the trail's answer until sealed, and a read seals it: read-your-writes without the sweep.</summary>
    [SkippableFact]
    public async Task A_read_of_the_trail_seals_the_organization_s_pending_events_first()
    {
        var settings = await NewDatabaseAsync();
        settings["Audit:SealSweepInterval"] = "01:00:00";
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(host.Store, "telco");
        await WaitUntilNothingPendingAsync(settings);
        await SqlAsync(settings, $"""
            INSERT INTO audit_pending (org_id, occurred_at, operation, customer_id, actor_roles) VALUES ('telco', now(), 'eraseCustomer', '{customer}', '[]');
            INSERT INTO audit_pending (org_id, occurred_at, operation, customer_id, actor_roles) VALUES ('neighbour', now(), 'createCustomer', '{customer}', '[]');
            """);

        var events = await host.Store.ReadAuditEventsAsync("telco", 0, 100, default);

        Assert.Equal([(1L, "createCustomer"), (2L, "eraseCustomer")], events.Select(e => (e.Sequence, e.Operation)));
        Assert.Equal(1L, await SqlAsync(settings, "SELECT COUNT(*) FROM audit_pending WHERE org_id = 'neighbour';")); // only the organization read
        Assert.True((await new AuditVerifier(host.Store).VerifyAsync("neighbour", default)).Verified);
        Assert.Equal(0L, await SqlAsync(settings, "SELECT COUNT(*) FROM audit_pending;"));
    }

    private async Task WaitUntilNothingPendingAsync(Dictionary<string, string?> settings)
    {
        var waited = Stopwatch.StartNew();
        while ((long)(await SqlAsync(settings, "SELECT COUNT(*) FROM audit_pending;"))! > 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), "audit events still pending after 15 s");
            await Task.Delay(50);
        }
    }

    protected override async Task<IAsyncDisposable> HoldMigrationLockAsync(Dictionary<string, string?> settings)
    {
        // Not pooled: closing must end the session, which frees its advisory lock.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Postgres"]) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(4851875795134399826);", connection); // the migrator's 0x435553544F4D4552, "CUSTOMER"
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    protected override async Task<object?> SqlAsync(Dictionary<string, string?> settings, string sql)
    {
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Postgres"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
