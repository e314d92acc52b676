using Customers.Client.Models;
using Microsoft.Extensions.Options;

namespace Customers.Client;

/// <summary>
/// Calls the customers v4 API: the credentials of a customer, and the minimal customer operations
/// that credentials need. Register it with
/// <see cref="CustomerCredentialsServiceCollectionExtensions.AddCustomerCredentialsClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{CustomerCredentialsClientOptions})"/>.
/// Every failure is a <see cref="CustomerCredentialsException"/>. Creations send an Idempotency-Key,
/// so they are retried safely after a lost response.
/// </summary>
public class CustomerCredentialsClient
{
    private readonly ICustomersApi _api = null!;
    private readonly IOptionsMonitor<CustomerCredentialsClientOptions> _options = null!;

    /// <summary>For mocking frameworks only: an instance made this way has no connection.</summary>
    protected CustomerCredentialsClient()
    {
    }

    internal CustomerCredentialsClient(ICustomersApi api, IOptionsMonitor<CustomerCredentialsClientOptions> options)
    {
        _api = api;
        _options = options;
    }

    private string Roles => _options.CurrentValue.Roles;

    // One key per logical call: the resilience pipeline resends the same request message, so a
    // retried POST carries the same key and the service answers it without creating twice.
    private static string NewIdempotencyKey() => Guid.NewGuid().ToString("N");

    /// <summary>Adds a login credential to a customer.</summary>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND, or 409 USERNAME_TAKEN when the organization already has the username in any letter case.</exception>
    public virtual async Task<CredentialCreated> CreateCredentialAsync(string orgId, Guid customerId, string username, CancellationToken cancellationToken = default) =>
        ResponseReader.Content(await _api.CreateCredential(Roles, NewIdempotencyKey(), orgId, customerId, new Credential { Username = username }, cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <summary>Lists a customer's credentials, oldest first.</summary>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND.</exception>
    public virtual async Task<IReadOnlyList<CredentialResponse>> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken = default) =>
        ResponseReader.Content(await _api.ListCredentials(Roles, orgId, customerId, cancellationToken).ConfigureAwait(false), cancellationToken).Credentials;

    /// <summary>Removes a credential from a customer.</summary>
    /// <exception cref="CustomerCredentialsException">For example 404 CREDENTIAL_NOT_FOUND.</exception>
    public virtual async Task DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken = default) =>
        ResponseReader.Success(await _api.DeleteCredential(Roles, orgId, customerId, credentialId, cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <summary>Creates a customer (the minimal subset of the Customers API that credentials need).</summary>
    public virtual async Task<CustomerCreated> CreateCustomerAsync(string orgId, string? externalId = null, CancellationToken cancellationToken = default) =>
        ResponseReader.Content(await _api.CreateCustomer(Roles, NewIdempotencyKey(), orgId, new CustomerCreate { ExternalId = externalId }, cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <summary>Returns a customer.</summary>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND.</exception>
    public virtual async Task<Customer> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken = default) =>
        ResponseReader.Content(await _api.GetCustomer(Roles, orgId, customerId, cancellationToken).ConfigureAwait(false), cancellationToken);
}
