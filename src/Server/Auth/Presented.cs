using System.Security.Claims;
using Customers.Server.Audit;
using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Customers.Server.Auth;

/// <summary>
/// Who a request says it is: for the refusal log (what was presented, validated or not) and, once
/// the call is accepted, for the audit trail (<see cref="AuditCaller"/>). Ids only, never names.
/// </summary>
public static class Presented
{
    /// <summary>Gateway mode: the caller the gateway authenticated, recorded as the actor's subject (the contract's x-caller-header).</summary>
    public const string CallerHeader = ContractHeaders.Caller;

    public static IEnumerable<(string, string?)> Peer(HttpContext http) =>
        [("peer", http.Connection.RemoteIpAddress?.ToString())];

    /// <summary>A token that failed validation: what it claims (unverified, so said as such) and why it failed.</summary>
    public static IEnumerable<(string, string?)> UnvalidatedToken(HttpContext http, string reason)
    {
        string? subject = null, client = null, issuer = null;
        var value = http.Request.Headers.Authorization.ToString();
        try
        {
            var token = new JsonWebTokenHandler().ReadJsonWebToken(value["Bearer ".Length..].Trim());
            subject = Claim(token, "sub");
            client = Claim(token, "azp") ?? Claim(token, "client_id");
            issuer = token.Issuer;
        }
        catch (Exception exception) when (exception is ArgumentException or Microsoft.IdentityModel.Tokens.SecurityTokenMalformedException)
        {
            reason = "not a JWT: " + reason;
        }

        return [("claimed subject", subject), ("claimed client", client), ("claimed issuer", issuer), ("reason", reason), .. Peer(http)];
    }

    public static IEnumerable<(string, string?)> Token(HttpContext http, IReadOnlyList<string> roles) =>
        [("subject", http.User.FindFirstValue("sub")), ("client", ClientOf(http.User)), ("roles", string.Join(",", roles)), .. Peer(http)];

    public static IEnumerable<(string, string?)> Gateway(HttpContext http, IReadOnlyList<string> roles) =>
        [("caller", http.Request.Headers[CallerHeader].ToString() is { Length: > 0 } caller ? caller : null),
         ("certificate", http.Connection.ClientCertificate?.Subject), ("roles", roles.Count == 0 ? null : string.Join(",", roles)), .. Peer(http)];

    public static AuditCaller TokenCaller(HttpContext http, IReadOnlyList<string> allowing) =>
        new(http.User.FindFirstValue("sub"), ClientOf(http.User), allowing);

    /// <summary>The gateway's certificate subject counts only where mutual TLS is configured (then the filter has checked it).</summary>
    public static AuditCaller GatewayCaller(HttpContext http, IReadOnlyList<string> allowing, bool mutualTls) =>
        new(http.Request.Headers[CallerHeader].ToString() is { Length: > 0 } caller ? caller : null,
            mutualTls ? http.Connection.ClientCertificate?.Subject : null, allowing);

    /// <summary>x-auth-caller breaks its documented shape (x-caller-header in the contract): more than one line, longer than its maxLength, or not its pattern.</summary>
    public static RequestError? InvalidCaller(HttpContext http)
    {
        var lines = http.Request.Headers[CallerHeader];
        return ContractRules.GatewayCallerRule.Check(lines.Count == 1 ? lines[0] : null, lines.Count) is { } broken
            ? broken.Error.At(broken.Ref, broken.Message)
            : null;
    }

    private static string? ClientOf(ClaimsPrincipal user) => user.FindFirstValue("azp") ?? user.FindFirstValue("client_id");

    private static string? Claim(JsonWebToken token, string type) => token.TryGetClaim(type, out var claim) ? claim.Value : null;
}
