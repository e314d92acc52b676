namespace Customers.Server.Auth;

/// <summary>
/// Which role may call which operation. Keys are role names as the gateway sends them in
/// x-auth-roles; values are operationIds from the contract, or "*" for every operation.
/// When nothing is configured, API_KEY is granted every operation.
/// Configuration: Authorization:Grants:ROLE:0=operationId (env: Authorization__Grants__ROLE__0).
/// </summary>
public sealed class RoleGrantsOptions
{
    public const string Section = "Authorization";
    public const string DefaultRole = "API_KEY";
    public const string AnyOperation = "*";

    public Dictionary<string, string[]> Grants { get; set; } = new(StringComparer.Ordinal);

    public bool IsGranted(string role, string operationId)
    {
        if (Grants.Count == 0)
        {
            return role == DefaultRole;
        }

        return Grants.TryGetValue(role, out var operations)
            && operations.Any(o => o == AnyOperation || string.Equals(o, operationId, StringComparison.Ordinal));
    }
}
