namespace Customers.Server.Audit;

/// <summary>
/// Who made a change, as the service authenticated it: ids, never names (an erasure must never have
/// to rewrite the trail). JWT mode: the token's sub, and its azp or client_id. Gateway mode: the
/// x-auth-caller the gateway passed, and the subject of the gateway's client certificate when mutual
/// TLS is on. Roles: those of the caller that are granted the operation on the organization.
/// </summary>
public sealed record AuditCaller(string? Subject, string? Client, IReadOnlyList<string> Roles)
{
    /// <summary>A change made outside a request (a tool, a test calling the store): still recorded, by nobody.</summary>
    public static readonly AuditCaller Nobody = new(null, null, []);
}
