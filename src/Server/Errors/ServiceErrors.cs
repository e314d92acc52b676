using Customers.Server.Contract;

namespace Customers.Server.Errors;

/// <summary>
/// Each error the service decides itself (callers, limits, the store's outcomes, failures; the
/// request's shape is the shared rules'), as the <see cref="RequestError"/> it answers: where it
/// points and what it says. Code, status and title come from the contract (<see cref="ContractErrors"/>).
/// Not RFC 9457 problem details: the contract's answers are ErrorResponse.
/// </summary>
public static class ServiceErrors
{
    public static RequestError MissingRoles() => ContractErrors.MissingRoles.At(
        "header." + ContractHeaders.Roles, $"The {ContractHeaders.Roles} header is missing or empty.");

    public static RequestError DuplicateRolesHeader(int lines) => ContractErrors.DuplicateHeader.At(
        "header." + ContractHeaders.Roles, $"The {ContractHeaders.Roles} header came in {lines} lines; the gateway must send exactly one, replacing the caller's.");

    public static RequestError UntrustedGateway() => ContractErrors.UntrustedGateway.At(
        "header." + ContractHeaders.Roles, $"{ContractHeaders.Roles} is accepted only over a connection with a client certificate of the gateway's certificate authority.");

    public static RequestError InvalidHost() => ContractErrors.InvalidHost.At(
        "header.host", "This service does not serve the host that the Host header names.");

    public static RequestError MissingToken() => ContractErrors.MissingToken.At(
        "header.authorization", "The Authorization header with a Bearer token is missing.");

    // The validator's reason (issuer, key id, lifetime) is logged, not returned.
    public static RequestError InvalidToken() => ContractErrors.InvalidToken.At(
        "header.authorization", "The Bearer token is not valid: wrong signature or issuer, or expired.");

    public static RequestError RoleNotPermitted(IEnumerable<string> roles, string operationId, string reference) => ContractErrors.RoleNotPermitted.At(
        reference, $"None of the roles [{string.Join(", ", roles.Take(5).Select(r => r.Length > 32 ? r[..32] + "…" : r))}] is granted {operationId}.");

    // Says nothing about the organization: not whether it exists, nor who may act on it.
    public static RequestError OrgNotPermitted() => ContractErrors.OrgNotPermitted.At(
        "path." + ContractTenancy.Parameter, "The caller may not act on this organization.");

    public static RequestError CustomerNotFound(string orgId, Guid customerId) => ContractErrors.CustomerNotFound.At(
        "path.customer_id", $"Customer {customerId} does not exist in organization {orgId}.");

    public static RequestError CredentialNotFound(Guid customerId, Guid credentialId) => ContractErrors.CredentialNotFound.At(
        "path.credential_id", $"Credential {credentialId} does not exist for customer {customerId}.");

    public static RequestError ResourceNotFound() => ContractErrors.ResourceNotFound.At("path", "No operation of this API has this path.");

    public static RequestError UsernameTaken(string orgId) => ContractErrors.UsernameTaken.At(
        "body.username", $"The username is already used in organization {orgId}.");

    public static RequestError CredentialLimitReached(Guid customerId, int limit) => ContractErrors.CredentialLimitReached.At(
        "path.customer_id", $"Customer {customerId} holds {limit} credentials, the most a customer may hold; delete one first.");

    public static RequestError RateLimited(string orgId, string kind, double perSecond, int retryAfterSeconds) => ContractErrors.RateLimited.At(
        "path." + ContractTenancy.Parameter,
        $"Organization {orgId} sent more {kind} than its rate of {perSecond:0.##} per second allows; send it again after {retryAfterSeconds} second{(retryAfterSeconds == 1 ? "" : "s")}.");

    public static RequestError CustomerLimitReached(string orgId, long limit) => ContractErrors.CustomerLimitReached.At(
        "path." + ContractTenancy.Parameter, $"Organization {orgId} holds {limit} customers, the most an organization may hold.");

    public static RequestError ServiceOverloaded(int retryAfterSeconds) => ContractErrors.ServiceOverloaded.At(
        "server", $"The service is at capacity; nothing was done. Send the request again after {retryAfterSeconds} second{(retryAfterSeconds == 1 ? "" : "s")}.");

    public static RequestError IdempotencyKeyReused(string orgId) => ContractErrors.IdempotencyKeyReused.At(
        "header.idempotency-key", $"The Idempotency-Key was already used in organization {orgId} for a different request.");

    public static RequestError PayloadTooLarge(long limit) => ContractErrors.PayloadTooLarge.At("body", $"The request body is larger than {limit} bytes.");

    public static RequestError UnsupportedMediaType() => ContractErrors.UnsupportedMediaType.At(
        "header.content-type", "The request body must be sent with Content-Type application/json.");

    public static RequestError Internal(string traceId) => ContractErrors.InternalError.At(
        "server", $"The service failed unexpectedly. Quote trace id {traceId} when you report it.");

    public static RequestError RepositoryUnavailable() => ContractErrors.RepositoryUnavailable.At("server", "The repository cannot be reached. Try again later.");

    public static RequestError RepositoryTimeout(TimeSpan timeout) => ContractErrors.RepositoryTimeout.At(
        "server", $"The repository did not answer within {timeout.TotalSeconds:0.#} seconds. Try again later.");
}
