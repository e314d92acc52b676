using System.Collections.Frozen;

namespace Customers.Server.Auth;

/// <summary>
/// <see cref="RoleGrantsOptions"/> compiled into lookups once per configuration change, so that a
/// request's check is two set lookups per role and allocates nothing.
/// </summary>
public sealed class RoleGrants
{
    private readonly FrozenDictionary<string, FrozenSet<string>> _operations;
    private readonly FrozenDictionary<string, FrozenSet<string>> _orgs;

    private RoleGrants(FrozenDictionary<string, FrozenSet<string>> operations, FrozenDictionary<string, FrozenSet<string>> orgs) =>
        (_operations, _orgs) = (operations, orgs);

    public static RoleGrants From(RoleGrantsOptions options)
    {
        var grants = options.Grants.Count == 0
            ? new Dictionary<string, string[]> { [RoleGrantsOptions.DefaultRole] = [RoleGrantsOptions.AnyOperation] }
            : options.Grants;
        return new RoleGrants(
            grants.ToFrozenDictionary(g => g.Key, g => g.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal),
            options.Orgs.ToFrozenDictionary(o => o.Key, o => o.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal));
    }

    public bool IsGranted(string role, string operationId) =>
        _operations.TryGetValue(role, out var operations)
        && (operations.Contains(RoleGrantsOptions.AnyOperation) || operations.Contains(operationId));

    /// <summary>
    /// Whether the role's grant reaches <paramref name="orgId"/>: the organizations of its Orgs entry
    /// ("*" for all). A role without one covers every organization; only a development instance
    /// starts with such a role (ConfigurationProblems).
    /// </summary>
    public bool Covers(string role, string orgId) =>
        !_orgs.TryGetValue(role, out var orgs) || orgs.Contains(RoleGrantsOptions.AnyOrganization) || orgs.Contains(orgId);
}
