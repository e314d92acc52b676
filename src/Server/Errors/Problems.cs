namespace Customers.Server.Errors;

/// <summary>The errors that the service itself decides (not the request's shape).</summary>
public static class Problems
{
    public static RequestError MissingRoles() => new(401, ErrorCodes.MissingRoles, "Missing roles",
        "header.x-auth-roles", "The x-auth-roles header is missing or empty.");

    public static RequestError MissingToken() => new(401, ErrorCodes.MissingToken, "Missing token",
        "header.authorization", "The Authorization header with a Bearer token is missing.");

    // The validator's reason (issuer, key id, lifetime) is logged, not returned.
    public static RequestError InvalidToken() => new(401, ErrorCodes.InvalidToken, "Invalid token",
        "header.authorization", "The Bearer token is not valid: wrong signature or issuer, or expired.");

    public static RequestError RoleNotPermitted(IEnumerable<string> roles, string operationId, string reference = "header.x-auth-roles") => new(403,
        ErrorCodes.RoleNotPermitted, "Role not permitted", reference,
        $"None of the roles [{string.Join(", ", roles.Take(5).Select(r => r.Length > 32 ? r[..32] + "…" : r))}] is granted {operationId}.");

    public static RequestError CustomerNotFound(string orgId, Guid customerId) => new(404,
        ErrorCodes.CustomerNotFound, "Customer not found", "path.customer_id",
        $"Customer {customerId} does not exist in organization {orgId}.");

    public static RequestError CredentialNotFound(Guid customerId, Guid credentialId) => new(404,
        ErrorCodes.CredentialNotFound, "Credential not found", "path.credential_id",
        $"Credential {credentialId} does not exist for customer {customerId}.");

    public static RequestError ResourceNotFound() => new(404, ErrorCodes.ResourceNotFound, "Resource not found",
        "path", "No operation of this API has this path.");

    public static RequestError UsernameTaken(string orgId) => new(409, ErrorCodes.UsernameTaken, "Username taken",
        "body.username", $"The username is already used in organization {orgId}.");

    public static RequestError IdempotencyKeyReused(string orgId) => new(409, ErrorCodes.IdempotencyKeyReused,
        "Idempotency key reused", "header.idempotency-key",
        $"The Idempotency-Key was already used in organization {orgId} for a different request.");

    public static RequestError PayloadTooLarge(long limit) => new(413, ErrorCodes.PayloadTooLarge,
        "Payload too large", "body", $"The request body is larger than {limit} bytes.");

    public static RequestError UnsupportedMediaType() => new(415, ErrorCodes.UnsupportedMediaType,
        "Unsupported media type", "header.content-type",
        "The request body must be sent with Content-Type application/json.");

    public static RequestError Internal(string traceId) => new(500, ErrorCodes.InternalError, "Internal error",
        "server", $"The service failed unexpectedly. Quote trace id {traceId} when you report it.");

    public static RequestError RepositoryUnavailable() => new(503, ErrorCodes.RepositoryUnavailable,
        "Repository unavailable", "server", "The repository cannot be reached. Try again later.");

    public static RequestError RepositoryTimeout(TimeSpan timeout) => new(504, ErrorCodes.RepositoryTimeout,
        "Repository timeout", "server",
        $"The repository did not answer within {timeout.TotalSeconds:0.#} seconds. Try again later.");
}
