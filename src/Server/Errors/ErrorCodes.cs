namespace Customers.Server.Errors;

/// <summary>
/// The stable error codes. Each one is listed, with its status, in the description of
/// openapi/customers-v4.yaml; a test keeps the two lists equal.
/// </summary>
public static class ErrorCodes
{
    public const string InvalidJson = "INVALID_JSON";
    public const string InvalidFieldType = "INVALID_FIELD_TYPE";
    public const string UnknownField = "UNKNOWN_FIELD";
    public const string MissingField = "MISSING_FIELD";
    public const string FieldTooShort = "FIELD_TOO_SHORT";
    public const string FieldTooLong = "FIELD_TOO_LONG";
    public const string InvalidFieldFormat = "INVALID_FIELD_FORMAT";
    public const string InvalidParameter = "INVALID_PARAMETER";
    public const string InvalidUuid = "INVALID_UUID";
    public const string InvalidUsername = "INVALID_USERNAME";
    public const string DuplicateField = "DUPLICATE_FIELD";
    public const string MissingRoles = "MISSING_ROLES";
    public const string RoleNotPermitted = "ROLE_NOT_PERMITTED";
    public const string MissingToken = "MISSING_TOKEN";
    public const string InvalidToken = "INVALID_TOKEN";
    public const string CustomerNotFound = "CUSTOMER_NOT_FOUND";
    public const string CredentialNotFound = "CREDENTIAL_NOT_FOUND";
    public const string ResourceNotFound = "RESOURCE_NOT_FOUND";
    public const string UsernameTaken = "USERNAME_TAKEN";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string InternalError = "INTERNAL_ERROR";
    public const string RepositoryUnavailable = "REPOSITORY_UNAVAILABLE";
    public const string RepositoryTimeout = "REPOSITORY_TIMEOUT";
}
