namespace Customers.Server.Storage;

public sealed record CustomerRecord(Guid Id, string? ExternalId, DateTimeOffset CreatedAt);

public sealed record CredentialRecord(Guid Id, string Username, DateTimeOffset CreatedAt);

public enum CreateOutcome
{
    Created,

    /// <summary>The Idempotency-Key was used before for the same request: the resource is the one created then.</summary>
    Replayed,

    /// <summary>The Idempotency-Key was used before for a different request; nothing was created.</summary>
    KeyReused,
    CustomerNotFound,
    UsernameTaken,

    /// <summary>The customer holds <see cref="StorageOptions.MaxCredentialsPerCustomer"/> credentials already; nothing was created.</summary>
    CredentialLimitReached,

    /// <summary>The organization holds <see cref="Limits.OrganizationLimitsOptions.MaxCustomers"/> customers already; nothing was created.</summary>
    CustomerLimitReached,
}

public sealed record CreateCustomerResult(CreateOutcome Outcome, CustomerRecord? Customer = null);

public sealed record CreateCredentialResult(CreateOutcome Outcome, CredentialRecord? Credential = null);

public enum DeleteCredentialOutcome
{
    Deleted,
    CustomerNotFound,
    CredentialNotFound,
}
