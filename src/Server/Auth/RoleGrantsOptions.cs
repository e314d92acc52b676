namespace Customers.Server.Auth;

/// <summary>
/// Which role may call which operation, and on which organizations. Keys are role names as the
/// gateway sends them in x-auth-roles (or as a token's roles claim has them); values of
/// <see cref="Grants"/> are operationIds from the contract, or "*" for every operation. When nothing
/// is configured, API_KEY is granted every operation (a development instance only: elsewhere the
/// service does not start without grants).
/// Configuration: Authorization:Grants:ROLE:0=operationId (env: Authorization__Grants__ROLE__0),
/// Authorization:Orgs:ROLE:0=telco to bind a role to organizations, "*" for every organization.
/// Outside Development every granted role needs its Orgs entry.
/// </summary>
public sealed class RoleGrantsOptions
{
    public const string Section = "Authorization";
    public const string DefaultRole = "API_KEY";
    public const string AnyOperation = "*";
    public const string AnyOrganization = "*";

    public Dictionary<string, string[]> Grants { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string[]> Orgs { get; set; } = new(StringComparer.Ordinal);
}
