namespace Customers.Server.Audit;

/// <summary>One stored audit event: a change, with ids only, and its link in the organization's hash chain.</summary>
public sealed record AuditEntry(
    string OrgId,
    long Sequence,
    DateTimeOffset OccurredAt,
    string Operation,
    Guid CustomerId,
    Guid? CredentialId,
    AuditCaller Caller,
    string? TraceId,
    string? IdempotencyKey,
    string PreviousHash,
    string Hash);

/// <summary>
/// The two ends of an organization's chain: the anchor (the last event removed by the retention, or
/// sequence 0 with <see cref="AuditChain.Genesis"/>) and the last event written.
/// </summary>
public sealed record AuditChainEnds(long AnchorSequence, string AnchorHash, long LastSequence, string LastHash)
{
    public static readonly AuditChainEnds Empty = new(0, AuditChain.Genesis, 0, AuditChain.Genesis);
}

/// <summary>The operations that change state, as the contract names them; the event's operation.</summary>
public static class AuditOperations
{
    public const string CreateCustomer = "createCustomer";
    public const string EraseCustomer = "eraseCustomer";
    public const string CreateCredential = "createCredential";
    public const string DeleteCredential = "deleteCredential";
}
