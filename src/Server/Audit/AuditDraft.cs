namespace Customers.Server.Audit;

/// <summary>
/// A change about to be committed, as the store knows it; the audit log adds the request's
/// <see cref="AuditContext"/>, the time, the sequence and the hashes when it appends the event.
/// </summary>
public sealed record AuditDraft(string OrgId, string Operation, Guid CustomerId, Guid? CredentialId, string? IdempotencyKey, AuditContext Context)
{
    /// <summary>The draft for the current request's change (<see cref="AuditScope.Current"/>), taken before the store's work leaves the request's flow.</summary>
    public static AuditDraft For(string orgId, string operation, Guid customerId, Guid? credentialId = null, string? idempotencyKey = null) =>
        new(orgId, operation, customerId, credentialId, idempotencyKey, AuditScope.Current);

    /// <summary>The time of an event, to the microsecond that both databases keep; read once the organization's chain is held, so that it grows with the sequence.</summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
    }

    public AuditEntry Seal(long sequence, DateTimeOffset occurredAt, string previousHash)
    {
        var entry = new AuditEntry(OrgId, sequence, occurredAt, Operation, CustomerId, CredentialId, Context.Caller, Context.TraceId, IdempotencyKey, previousHash, Hash: "");
        return entry with { Hash = AuditChain.HashOf(entry, previousHash) };
    }
}
