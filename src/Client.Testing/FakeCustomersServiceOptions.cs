namespace Customers.Client.Testing;

/// <summary>How a <see cref="FakeCustomersService"/> behaves.</summary>
public sealed class FakeCustomersServiceOptions
{
    /// <summary>Roles granted every operation, as the real service grants <c>API_KEY</c> by default. Any other role answers 403.</summary>
    public ICollection<string> PermittedRoles { get; } = new List<string> { "API_KEY" };

    /// <summary>The clock that stamps <c>created_at</c>; by default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The most credentials one customer may hold, as the service's Storage:MaxCredentialsPerCustomer (25 by default); one more answers 409 CREDENTIAL_LIMIT_REACHED.</summary>
    public int MaxCredentialsPerCustomer { get; set; } = 25;

    /// <summary>The most customers one organization may hold, as the service's Limits:Organization:MaxCustomers (1,000,000 by default); one more answers 409 CUSTOMER_LIMIT_REACHED.</summary>
    public long MaxCustomersPerOrganization { get; set; } = 1_000_000;

    /// <summary>
    /// JWT mode, as a service configured with a token issuer: every call must carry
    /// <c>Authorization: Bearer</c> (else 401 MISSING_TOKEN), and x-auth-roles is ignored. The
    /// callback returns a token's roles, or null for a token it refuses (401 INVALID_TOKEN); the
    /// roles are then checked against <see cref="PermittedRoles"/>. Leave it null and set
    /// <see cref="JwtMode"/> to accept the tokens of <see cref="FakeCustomersService.IssueToken"/>.
    /// </summary>
    public Func<string, IReadOnlyCollection<string>?>? AccessTokenRoles { get; set; }

    /// <summary>JWT mode with the fake's own tokens (<see cref="FakeCustomersService.IssueToken"/>, <see cref="FakeCustomersService.RevokeToken"/>); implied by <see cref="AccessTokenRoles"/>.</summary>
    public bool JwtMode { get; set; }

    /// <summary>The seed of the draws of faults given as a share of the calls, so that a run can be repeated.</summary>
    public int FaultSeed { get; set; } = 1;

    /// <summary>How many requests the fake keeps for inspection; bounded so that a long test run does not fill memory.</summary>
    public int MaxRequestLogCount { get; set; } = 200;
}
