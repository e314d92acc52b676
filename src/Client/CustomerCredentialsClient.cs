using Customers.Client.Models;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>
    /// A client without a dependency-injection container, for console tools and scripts: the same
    /// pipeline as a registered client. Create one and keep it for the life of the program.
    /// </summary>
    /// <param name="configure">Sets the options, as <c>AddCustomerCredentialsClient</c> does.</param>
    /// <returns>The client; its options were validated.</returns>
    public static CustomerCredentialsClient Create(Action<CustomerCredentialsClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(configure);
        var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<CustomerCredentialsClientOptions>>().Value; // validates now
        return provider.GetRequiredService<CustomerCredentialsClient>();
    }

    /// <summary>Adds a login credential to a customer.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer that gets the credential.</param>
    /// <param name="username">The username (RFC 8265 UsernameCaseMapped, at most 82 characters).</param>
    /// <param name="options">This call's Idempotency-Key, timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The credential as the service stored it.</returns>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND, or 409 USERNAME_TAKEN when the organization already has the username in any letter case.</exception>
    public virtual async Task<CredentialCreated> CreateCredentialAsync(string orgId, Guid customerId, string username, CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        (await CreateCredentialWithResponseAsync(orgId, customerId, username, options, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>As <see cref="CreateCredentialAsync"/>, with the response's status, trace id and the Idempotency-Key sent.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer that gets the credential.</param>
    /// <param name="username">The username (RFC 8265 UsernameCaseMapped, at most 82 characters).</param>
    /// <param name="options">This call's Idempotency-Key, timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The credential and the response's metadata.</returns>
    public virtual async Task<CustomerCredentialsResponse<CredentialCreated>> CreateCredentialWithResponseAsync(string orgId, Guid customerId, string username,
        CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        var key = IdempotencyKeyFor(ContractOperations.CreateCredential, options);
        using var call = ClientCall.Start(ContractOperations.CreateCredential, orgId, key, options, cancellationToken);
        try
        {
            var response = ResponseReader.Read(await _api.CreateCredential(key, orgId, customerId, new Credential { Username = username }, call.Token).ConfigureAwait(false), call.Operation, key, call.Token);
            call.Succeeded();
            return response;
        }
        catch (Exception exception) when (call.Failed(exception) is var failure && failure != exception)
        {
            throw failure; // The call's own timeout; any other failure goes on as it was thrown, with its stack.
        }
    }

    /// <summary>Lists a customer's credentials, oldest first.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer whose credentials to list.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The credentials, oldest first; empty when the customer has none.</returns>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND.</exception>
    public virtual async Task<IReadOnlyList<CredentialResponse>> ListCredentialsAsync(string orgId, Guid customerId, CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        (await ListCredentialsWithResponseAsync(orgId, customerId, options, cancellationToken).ConfigureAwait(false)).Value.Credentials;

    /// <summary>As <see cref="ListCredentialsAsync"/>, with the response's status and trace id.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer whose credentials to list.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The list and the response's metadata.</returns>
    public virtual async Task<CustomerCredentialsResponse<CredentialList>> ListCredentialsWithResponseAsync(string orgId, Guid customerId,
        CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var call = ClientCall.Start(ContractOperations.ListCredentials, orgId, null, options, cancellationToken);
        try
        {
            var response = ResponseReader.Read(await _api.ListCredentials(orgId, customerId, call.Token).ConfigureAwait(false), call.Operation, null, call.Token);
            call.Succeeded();
            return response;
        }
        catch (Exception exception) when (call.Failed(exception) is var failure && failure != exception)
        {
            throw failure; // The call's own timeout; any other failure goes on as it was thrown, with its stack.
        }
    }

    /// <summary>Removes a credential from a customer. A retry that finds the credential already gone counts as success.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer that has the credential.</param>
    /// <param name="credentialId">The credential to remove.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the credential is gone.</returns>
    /// <exception cref="CustomerCredentialsException">For example 404 CREDENTIAL_NOT_FOUND.</exception>
    public virtual Task DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        DeleteCredentialWithResponseAsync(orgId, customerId, credentialId, options, cancellationToken);

    /// <summary>As <see cref="DeleteCredentialAsync"/>, with the response's status and trace id.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer that has the credential.</param>
    /// <param name="credentialId">The credential to remove.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response's metadata.</returns>
    public virtual async Task<CustomerCredentialsResponse> DeleteCredentialWithResponseAsync(string orgId, Guid customerId, Guid credentialId,
        CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var call = ClientCall.Start(ContractOperations.DeleteCredential, orgId, null, options, cancellationToken);
        try
        {
            var response = ResponseReader.Read(await _api.DeleteCredential(orgId, customerId, credentialId, call.Token).ConfigureAwait(false), call.Operation, call.Token);
            call.Succeeded();
            return response;
        }
        catch (Exception exception) when (call.Failed(exception) is var failure && failure != exception)
        {
            throw failure; // The call's own timeout; any other failure goes on as it was thrown, with its stack.
        }
    }

    /// <summary>Creates a customer (the minimal subset of the Customers API that credentials need).</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="externalId">The customer's identifier in another system, or null.</param>
    /// <param name="options">This call's Idempotency-Key, timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new customer's identifier.</returns>
    /// <exception cref="CustomerCredentialsException">For example 400 when <paramref name="externalId"/> breaks its rules.</exception>
    public virtual async Task<CustomerCreated> CreateCustomerAsync(string orgId, string? externalId = null, CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        (await CreateCustomerWithResponseAsync(orgId, externalId, options, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>As <see cref="CreateCustomerAsync"/>, with the response's status, trace id and the Idempotency-Key sent.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="externalId">The customer's identifier in another system, or null.</param>
    /// <param name="options">This call's Idempotency-Key, timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new customer's identifier and the response's metadata.</returns>
    public virtual async Task<CustomerCredentialsResponse<CustomerCreated>> CreateCustomerWithResponseAsync(string orgId, string? externalId = null,
        CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        var key = IdempotencyKeyFor(ContractOperations.CreateCustomer, options);
        using var call = ClientCall.Start(ContractOperations.CreateCustomer, orgId, key, options, cancellationToken);
        try
        {
            var response = ResponseReader.Read(await _api.CreateCustomer(key, orgId, new CustomerCreate { ExternalId = externalId }, call.Token).ConfigureAwait(false), call.Operation, key, call.Token);
            call.Succeeded();
            return response;
        }
        catch (Exception exception) when (call.Failed(exception) is var failure && failure != exception)
        {
            throw failure; // The call's own timeout; any other failure goes on as it was thrown, with its stack.
        }
    }

    /// <summary>
    /// Erases a customer and everything the service keeps about it: its credentials (their usernames
    /// are free again) and the records of their creation. It is not undone. A retry that finds the
    /// customer already gone counts as success.
    /// </summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer to erase.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the customer is erased.</returns>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND.</exception>
    public virtual Task EraseCustomerAsync(string orgId, Guid customerId, CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        EraseCustomerWithResponseAsync(orgId, customerId, options, cancellationToken);

    /// <summary>As <see cref="EraseCustomerAsync"/>, with the response's status and trace id.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer to erase.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response's metadata.</returns>
    public virtual async Task<CustomerCredentialsResponse> EraseCustomerWithResponseAsync(string orgId, Guid customerId,
        CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var call = ClientCall.Start(ContractOperations.EraseCustomer, orgId, null, options, cancellationToken);
        try
        {
            var response = ResponseReader.Read(await _api.EraseCustomer(orgId, customerId, call.Token).ConfigureAwait(false), call.Operation, call.Token);
            call.Succeeded();
            return response;
        }
        catch (Exception exception) when (call.Failed(exception) is var failure && failure != exception)
        {
            throw failure; // The call's own timeout; any other failure goes on as it was thrown, with its stack.
        }
    }

    /// <summary>
    /// The organization's audit events, oldest first: page after page, following the service's
    /// cursor until it has none, so every event is seen exactly once. Each page is one call (with
    /// its own retries and timeout); stop enumerating to stop reading.
    /// </summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="after">Start after this cursor (a <see cref="AuditEventPage.Next"/>, or an event's sequence), or null for the oldest event kept.</param>
    /// <param name="options">Each page's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The events, oldest first.</returns>
    /// <exception cref="CustomerCredentialsException">For example 403 when the caller's roles may not read the trail.</exception>
    public virtual async IAsyncEnumerable<AuditEvent> ListAuditEventsAsync(string orgId, string? after = null, CustomerCredentialsRequestOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var cursor = after;
        do
        {
            var page = (await ListAuditEventsWithResponseAsync(orgId, cursor, null, options, cancellationToken).ConfigureAwait(false)).Value;
            foreach (var auditEvent in page.Events)
            {
                yield return auditEvent;
            }

            cursor = page.Next;
        }
        while (cursor is not null);
    }

    /// <summary>One page of the organization's audit events, oldest first, with the response's metadata.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="after">Start after this cursor, or null for the oldest event kept.</param>
    /// <param name="limit">The most events on the page, 1 to 100, or null for the service's most.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page (its <see cref="AuditEventPage.Next"/> is null at the end) and the response's metadata.</returns>
    public virtual async Task<CustomerCredentialsResponse<AuditEventPage>> ListAuditEventsWithResponseAsync(string orgId, string? after = null, int? limit = null,
        CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var call = ClientCall.Start(ContractOperations.ListAuditEvents, orgId, null, options, cancellationToken);
        try
        {
            var response = ResponseReader.Read(await _api.ListAuditEvents(orgId, after, limit?.ToString(System.Globalization.CultureInfo.InvariantCulture), call.Token).ConfigureAwait(false),
                call.Operation, null, call.Token);
            call.Succeeded();
            return response;
        }
        catch (Exception exception) when (call.Failed(exception) is var failure && failure != exception)
        {
            throw failure; // The call's own timeout; any other failure goes on as it was thrown, with its stack.
        }
    }

    /// <summary>Has the service recompute the organization's audit hash chain.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the chain holds, how many events were checked, and the first that breaks it.</returns>
    public virtual async Task<AuditVerification> VerifyAuditTrailAsync(string orgId, CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        (await VerifyAuditTrailWithResponseAsync(orgId, options, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>As <see cref="VerifyAuditTrailAsync"/>, with the response's status and trace id.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The verification and the response's metadata.</returns>
    public virtual async Task<CustomerCredentialsResponse<AuditVerification>> VerifyAuditTrailWithResponseAsync(string orgId,
        CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var call = ClientCall.Start(ContractOperations.VerifyAuditTrail, orgId, null, options, cancellationToken);
        try
        {
            var response = ResponseReader.Read(await _api.VerifyAuditTrail(orgId, call.Token).ConfigureAwait(false), call.Operation, null, call.Token);
            call.Succeeded();
            return response;
        }
        catch (Exception exception) when (call.Failed(exception) is var failure && failure != exception)
        {
            throw failure; // The call's own timeout; any other failure goes on as it was thrown, with its stack.
        }
    }

    /// <summary>Returns a customer.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer to read.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The customer.</returns>
    /// <exception cref="CustomerCredentialsException">For example 404 CUSTOMER_NOT_FOUND.</exception>
    public virtual async Task<Customer> GetCustomerAsync(string orgId, Guid customerId, CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        (await GetCustomerWithResponseAsync(orgId, customerId, options, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>As <see cref="GetCustomerAsync"/>, with the response's status and trace id.</summary>
    /// <param name="orgId">The organization, for example <c>telco</c>.</param>
    /// <param name="customerId">The customer to read.</param>
    /// <param name="options">This call's timeout or extra headers; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The customer and the response's metadata.</returns>
    public virtual async Task<CustomerCredentialsResponse<Customer>> GetCustomerWithResponseAsync(string orgId, Guid customerId,
        CustomerCredentialsRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var call = ClientCall.Start(ContractOperations.GetCustomer, orgId, null, options, cancellationToken);
        try
        {
            var response = ResponseReader.Read(await _api.GetCustomer(orgId, customerId, call.Token).ConfigureAwait(false), call.Operation, null, call.Token);
            call.Succeeded();
            return response;
        }
        catch (Exception exception) when (call.Failed(exception) is var failure && failure != exception)
        {
            throw failure; // The call's own timeout; any other failure goes on as it was thrown, with its stack.
        }
    }

    // One key per logical call: the resilience pipeline resends the same request message, so a
    // retried POST carries the same key and the service answers it without creating twice.
    private static string IdempotencyKeyFor(OperationRule operation, CustomerCredentialsRequestOptions? options)
    {
        if (options?.IdempotencyKey is not { } key)
        {
            return Guid.NewGuid().ToString("N");
        }

        var rule = operation.Parameters.Single(p => string.Equals(p.Name, ContractHeaders.IdempotencyKey, StringComparison.OrdinalIgnoreCase));
        var valid = key.Length >= (rule.MinLength ?? 0) && key.Length <= (rule.MaxLength ?? int.MaxValue)
            && (rule.Pattern is null || System.Text.RegularExpressions.Regex.IsMatch(key, rule.Pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant));
        return valid
            ? key
            : throw new ArgumentException($"The Idempotency-Key must be {rule.MinLength} to {rule.MaxLength} printable ASCII characters ({rule.Pattern}).", nameof(options));
    }
}
