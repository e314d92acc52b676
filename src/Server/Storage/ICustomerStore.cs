using Customers.Server.Audit;

namespace Customers.Server.Storage;

/// <summary>
/// The repository of customers and their credentials. Every call is scoped to one organization:
/// a customer of another organization does not exist for it.
/// Implementations throw <see cref="RepositoryUnavailableException"/> when the database cannot be
/// reached and <see cref="RepositoryTimeoutException"/> when it does not answer in time; they
/// never leave a half-done change behind. Every change writes its audit event (<see cref="AuditDraft"/>,
/// with the caller of <see cref="AuditScope.Current"/>) in its own transaction; a replay, a refusal
/// and a change that is not made write none.
/// </summary>
public interface ICustomerStore
{
    /// <summary>Creates a customer; with a key, a repeated request replays the first creation (see <see cref="IdempotencyKey"/>).</summary>
    Task<CreateCustomerResult> CreateCustomerAsync(string orgId, string? externalId, IdempotencyKey? key, CancellationToken cancellationToken);

    Task<CustomerRecord?> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a credential. Usernames are unique per organization after <see cref="UsernameKey.From"/>;
    /// the database decides, so two instances cannot both succeed. The key, when given, is stored
    /// in the same transaction as the credential.
    /// </summary>
    Task<CreateCredentialResult> CreateCredentialAsync(string orgId, Guid customerId, string username, IdempotencyKey? key, CancellationToken cancellationToken);

    /// <summary>The customer's credentials, oldest first, or null when the customer does not exist.</summary>
    Task<IReadOnlyList<CredentialRecord>?> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken);

    Task<DeleteCredentialOutcome> DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken);

    /// <summary>
    /// Erases the customer in one transaction: the customer, its credentials (their usernames are
    /// free again), the idempotency records of their creation, and the organization's count. The
    /// record of the customer's own creation keeps ids only (<see cref="IdempotencyKey.ErasedCustomer"/>).
    /// False when the customer does not exist.
    /// </summary>
    Task<bool> EraseCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="batchSize"/> idempotency keys older than <see cref="IdempotencyKey.Lifetime"/>
    /// in one short statement; returns how many. Fewer than the batch means none is left.
    /// </summary>
    Task<int> PurgeExpiredKeysAsync(int batchSize, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of the organization's audit events after sequence <paramref name="after"/>, in sequence order.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAuditEventsAsync(string orgId, long after, int limit, CancellationToken cancellationToken);

    /// <summary>The organization's chain anchor and last event (<see cref="AuditChainEnds.Empty"/> before its first change).</summary>
    Task<AuditChainEnds> ReadAuditChainEndsAsync(string orgId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes, in each organization, up to <paramref name="batchSize"/> of the oldest audit events
    /// older than <paramref name="cutoff"/> and keeps the last one's hash as the chain's anchor;
    /// returns how many went. None left when it returns 0.
    /// </summary>
    Task<int> PurgeAuditEventsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken);

    /// <summary>Throws as the other calls do when the repository cannot serve requests (readiness).</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
