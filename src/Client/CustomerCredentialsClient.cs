using Customers.Client.Models;

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

    /// <summary>For mocking frameworks only: an instance made this way has no connection.</summary>
    protected CustomerCredentialsClient()
    {
    }

    internal CustomerCredentialsClient(ICustomersApi api)
    {
        _api = api;
    }

    // One key per logical call: the resilience pipeline resends the same request message, so a
    // retried POST carries the same key and the service answers it without creating twice.
    private static string NewIdempotencyKey() => Guid.NewGuid().ToString("N");

    /// <summary>Adds a login credential to a customer.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer that gets the credential.</param>
    /// <param name="username">The username: 1 to 82 characters, no leading or trailing white space, no control characters.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The credential as the service stored it.</returns>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND, or 409 USERNAME_TAKEN when the organization already has the username in any letter case.</exception>
    public virtual Task<CredentialCreated> CreateCredentialAsync(string orgId, Guid customerId, string username, CancellationToken cancellationToken = default) =>
        CallAsync(ContractOperations.CreateCredential.Id, orgId, token => _api.CreateCredential(NewIdempotencyKey(), orgId, customerId, new Credential { Username = username }, token), cancellationToken);

    /// <summary>Lists a customer's credentials, oldest first.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer whose credentials to list.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The credentials, oldest first; empty when the customer has none.</returns>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND.</exception>
    public virtual async Task<IReadOnlyList<CredentialResponse>> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken = default) =>
        (await CallAsync(ContractOperations.ListCredentials.Id, orgId, token => _api.ListCredentials(orgId, customerId, token), cancellationToken).ConfigureAwait(false)).Credentials;

    /// <summary>Removes a credential from a customer. A retry that finds the credential already gone counts as success.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer that has the credential.</param>
    /// <param name="credentialId">The credential to remove.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the credential is gone.</returns>
    /// <exception cref="CustomerCredentialsException">For example 404 CREDENTIAL_NOT_FOUND.</exception>
    public virtual Task DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken = default) =>
        TracedAsync(ContractOperations.DeleteCredential.Id, orgId, async () =>
        {
            ResponseReader.Success(await _api.DeleteCredential(orgId, customerId, credentialId, cancellationToken).ConfigureAwait(false), cancellationToken);
            return true;
        });

    /// <summary>Creates a customer (the minimal subset of the Customers API that credentials need).</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="externalId">The customer's identifier in another system, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new customer's identifier.</returns>
    /// <exception cref="CustomerCredentialsException">For example 400 when <paramref name="externalId"/> breaks its rules.</exception>
    public virtual Task<CustomerCreated> CreateCustomerAsync(string orgId, string? externalId = null, CancellationToken cancellationToken = default) =>
        CallAsync(ContractOperations.CreateCustomer.Id, orgId, token => _api.CreateCustomer(NewIdempotencyKey(), orgId, new CustomerCreate { ExternalId = externalId }, token), cancellationToken);

    /// <summary>Returns a customer.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The customer.</returns>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND.</exception>
    public virtual Task<Customer> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken = default) =>
        CallAsync(ContractOperations.GetCustomer.Id, orgId, token => _api.GetCustomer(orgId, customerId, token), cancellationToken);

    private static Task<T> CallAsync<T>(string operationId, string orgId, Func<CancellationToken, Task<Refit.IApiResponse<T>>> call, CancellationToken cancellationToken) =>
        TracedAsync(operationId, orgId, async () => ResponseReader.Content(await call(cancellationToken).ConfigureAwait(false), cancellationToken));

    private static async Task<T> TracedAsync<T>(string operationId, string orgId, Func<Task<T>> call)
    {
        using var activity = ClientDiagnostics.Start(operationId, orgId);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            ClientDiagnostics.Failed(activity, exception);
            throw;
        }
    }
}
