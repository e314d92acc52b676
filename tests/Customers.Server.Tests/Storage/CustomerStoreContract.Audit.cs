using System.Globalization;
using Customers.Server.Audit;
using Customers.Server.Storage;

namespace Customers.Server.Tests.Storage;

/// <summary>The audit trail on every provider: one event per change, none otherwise, a chain that finds tampering, retention with an anchor.</summary>
public abstract partial class CustomerStoreContract
{
    private static readonly AuditCaller Auditor = new("user-7f3a", "crm-backend", ["API_KEY"]);

    [SkippableFact]
    public async Task Every_change_writes_one_event_and_a_replay_or_a_change_not_made_writes_none()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        using var scope = AuditScope.Begin(new AuditContext(Auditor, "4bf92f3577b34da6a3ce929d0e0e4736"));
        var customerKey = Fingerprints.For("audit-customer", "createCustomer", "CRM-audit");
        var customer = (await store.CreateCustomerAsync("telco", "CRM-audit", customerKey, default)).Customer!.Id;
        Assert.Equal(CreateOutcome.Replayed, (await store.CreateCustomerAsync("telco", "CRM-audit", customerKey, default)).Outcome);
        var credentialKey = Fingerprints.For("audit-credential", "createCredential", customer.ToString(), "audited@example.com");
        var credential = (await store.CreateCredentialAsync("telco", customer, "audited@example.com", credentialKey, default)).Credential!.Id;
        Assert.Equal(CreateOutcome.Replayed, (await store.CreateCredentialAsync("telco", customer, "audited@example.com", credentialKey, default)).Outcome);
        Assert.Equal(CreateOutcome.UsernameTaken, (await store.CreateCredentialAsync("telco", customer, "AUDITED@example.com", null, default)).Outcome);
        Assert.Equal(CreateOutcome.CustomerNotFound, (await store.CreateCredentialAsync("telco", Guid.NewGuid(), "nobody@example.com", null, default)).Outcome);
        var second = await CreateCredentialAsync(store, "telco", customer, "second@example.com");
        Assert.Equal(DeleteCredentialOutcome.Deleted, await store.DeleteCredentialAsync("telco", customer, credential, default));
        Assert.Equal(DeleteCredentialOutcome.CredentialNotFound, await store.DeleteCredentialAsync("telco", customer, credential, default));
        Assert.True(await store.EraseCustomerAsync("telco", customer, default));
        Assert.False(await store.EraseCustomerAsync("telco", customer, default));

        var events = await store.ReadAuditEventsAsync("telco", 0, 100, default);

        Assert.Equal(
            [(1L, "createCustomer", (Guid?)null, "audit-customer"), (2L, "createCredential", credential, "audit-credential"),
             (3L, "createCredential", second.Id, null), (4L, "deleteCredential", credential, null), (5L, "eraseCustomer", null, null)],
            events.Select(e => (e.Sequence, e.Operation, e.CredentialId, e.IdempotencyKey)));
        Assert.All(events, e => Assert.Equal((customer, Auditor.Subject, Auditor.Client, "4bf92f3577b34da6a3ce929d0e0e4736"), (e.CustomerId, e.Caller.Subject, e.Caller.Client, e.TraceId)));
        Assert.All(events, e => Assert.Equal(Auditor.Roles, e.Caller.Roles));
        Assert.Empty(await store.ReadAuditEventsAsync("other-org", 0, 100, default));
        var verification = await new AuditVerifier(store).VerifyAsync("telco", default);
        Assert.Equal((true, 5L), (verification.Verified, verification.EventsChecked));
    }

    [SkippableFact]
    public async Task Events_hold_no_username()
    {
        var settings = await NewDatabaseAsync();
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(host.Store, "telco", "CRM-private");
        await CreateCredentialAsync(host.Store, "telco", customer, "someone.private@example.com");
        await host.Store.ReadAuditEventsAsync("telco", 0, 100, default); // PostgreSQL seals its pending events before a read.

        var rows = await SqlAsync(settings, "SELECT COUNT(*) FROM audit_events WHERE "
            + "(COALESCE(actor_subject, '') || COALESCE(actor_client, '') || actor_roles || COALESCE(idempotency_key, '') || operation) LIKE '%private%';");

        Assert.Equal(0L, Convert.ToInt64(rows, CultureInfo.InvariantCulture));
        Assert.Equal(2L, Convert.ToInt64(await SqlAsync(settings, "SELECT COUNT(*) FROM audit_events;"), CultureInfo.InvariantCulture));
    }

    [SkippableTheory]
    [InlineData("changed", 3, "UPDATE audit_events SET operation = 'deleteCredential' WHERE sequence = 3;")]
    [InlineData("deleted", 3, "DELETE FROM audit_events WHERE sequence = 3;")]
    [InlineData("deleted last", 5, "DELETE FROM audit_events WHERE sequence = 5;")]
    [InlineData("swapped", 2, "UPDATE audit_events SET sequence = -sequence WHERE sequence IN (2, 3); UPDATE audit_events SET sequence = CASE WHEN sequence = -2 THEN 3 ELSE 2 END WHERE sequence < 0;")]
    [InlineData("inserted", 4, "UPDATE audit_events SET sequence = sequence + 100 WHERE sequence >= 4; UPDATE audit_events SET sequence = sequence - 99 WHERE sequence >= 100; "
        + "INSERT INTO audit_events (org_id, sequence, occurred_at, operation, customer_id, credential_id, actor_subject, actor_client, actor_roles, trace_id, idempotency_key, previous_hash, hash) "
        + "SELECT org_id, 4, occurred_at, operation, customer_id, credential_id, actor_subject, actor_client, actor_roles, trace_id, idempotency_key, hash, hash FROM audit_events WHERE sequence = 3;")]
    public async Task Verification_names_the_first_event_of_a_tampered_trail(string tampering, long firstBroken, string sql)
    {
        var settings = await NewDatabaseAsync();
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(host.Store, "telco");
        for (var i = 0; i < 4; i++)
        {
            await CreateCredentialAsync(host.Store, "telco", customer, $"tamper-{i}@example.com");
        }

        await CreateCustomerAsync(host.Store, "neighbour");
        var untouched = await new AuditVerifier(host.Store).VerifyAsync("telco", default);
        await SqlAsync(settings, sql.Replace("WHERE", "WHERE org_id = 'telco' AND", StringComparison.Ordinal));

        var result = await new AuditVerifier(host.Store).VerifyAsync("telco", default);

        Assert.Equal((true, 5L, (long?)null), (untouched.Verified, untouched.EventsChecked, untouched.FirstBroken));
        Assert.False(result.Verified, tampering);
        Assert.Equal(firstBroken, result.FirstBroken);
        Assert.True((await new AuditVerifier(host.Store).VerifyAsync("neighbour", default)).Verified);
    }

    [SkippableFact]
    public async Task Retention_removes_old_events_and_the_rest_still_verifies_from_the_anchor()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        var customer = await CreateCustomerAsync(store, "telco");
        for (var i = 0; i < 4; i++)
        {
            await CreateCredentialAsync(store, "telco", customer, $"old-{i}@example.com");
        }

        Clock.Advance(TimeSpan.FromDays(401));
        await CreateCredentialAsync(store, "telco", customer, "recent@example.com");
        var cutoff = Clock.GetUtcNow() - TimeSpan.FromDays(400);

        var purged = 0;
        int batch;
        while ((batch = await store.PurgeAuditEventsAsync(cutoff, 2, default)) > 0)
        {
            purged += batch;
        }

        var kept = await store.ReadAuditEventsAsync("telco", 0, 100, default);
        Assert.Equal(5, purged);
        Assert.Equal([6L], kept.Select(e => e.Sequence));
        var verification = await new AuditVerifier(store).VerifyAsync("telco", default);
        Assert.Equal((true, 1L), (verification.Verified, verification.EventsChecked));
        await CreateCredentialAsync(store, "telco", customer, "after-purge@example.com");
        var again = await new AuditVerifier(store).VerifyAsync("telco", default);
        Assert.Equal((true, 2L), (again.Verified, again.EventsChecked));
    }
}
