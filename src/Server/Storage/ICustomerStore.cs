namespace Customers.Server.Storage;

/// <summary>
/// The repository of customers and their credentials. Every call is scoped to one organization:
/// a customer of another organization does not exist for it.
/// Implementations throw <see cref="RepositoryUnavailableException"/> when the database cannot be
/// reached and <see cref="RepositoryTimeoutException"/> when it does not answer in time; they
/// never leave a half-done change behind.
/// </summary>
public interface ICustomerStore
{
    Task<CustomerRecord> CreateCustomerAsync(string orgId, string? externalId, CancellationToken cancellationToken);

    Task<CustomerRecord?> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken);

    /// <summary>Adds a credential; usernames are unique per organization after <see cref="UsernameKey.From"/>.</summary>
    Task<CreateCredentialResult> CreateCredentialAsync(string orgId, Guid customerId, string username, CancellationToken cancellationToken);

    /// <summary>The customer's credentials, oldest first, or null when the customer does not exist.</summary>
    Task<IReadOnlyList<CredentialRecord>?> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken);

    Task<DeleteCredentialOutcome> DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken);
}
