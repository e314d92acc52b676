namespace Customers.Server.Storage;

public sealed record CustomerRecord(Guid Id, string? ExternalId, DateTimeOffset CreatedAt);

public sealed record CredentialRecord(Guid Id, string Username, DateTimeOffset CreatedAt);

public enum CreateCredentialOutcome
{
    Created,
    CustomerNotFound,
    UsernameTaken,
}

public sealed record CreateCredentialResult(CreateCredentialOutcome Outcome, CredentialRecord? Credential = null);

public enum DeleteCredentialOutcome
{
    Deleted,
    CustomerNotFound,
    CredentialNotFound,
}
