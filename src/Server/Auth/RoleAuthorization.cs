using Customers.Server.Audit;
using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Customers.Server.Auth;

/// <summary>
/// Checks the caller before anything else about the request is looked at: no roles (or, in JWT
/// mode, no valid token) is 401, roles without a grant for the operation 403 ROLE_NOT_PERMITTED,
/// an organization the caller is not bound to 403 ORG_NOT_PERMITTED. The roles come from
/// x-auth-roles, set by the gateway (in exactly one line, and with mutual TLS configured only over a
/// connection with the gateway's client certificate), or in JWT mode from the token, which also names the caller's
/// organizations; in both modes a role may be limited to organizations in configuration. The
/// operation is the contract's operationId, which the generated endpoint passes.
/// A refusal (401, 403) writes one rate-limited warning with what the caller presented
/// (<see cref="RefusalLog"/>); an accepted call leaves its <see cref="AuditCaller"/> for the audit trail.
/// The first step of <see cref="Endpoints.ContractPipeline"/>. One instance serves every request;
/// the grants are compiled once per configuration change.
/// </summary>
public sealed partial class RoleAuthorization
{
    public const string Header = ContractHeaders.Roles;

    private readonly JwtBearerModeOptions _jwt;
    private readonly GatewayOptions _gateway;
    private readonly RefusalLog _refusals;
    private volatile RoleGrants _grants;

    public RoleAuthorization(IOptionsMonitor<RoleGrantsOptions> grants, JwtBearerModeOptions jwt, GatewayOptions gateway, RefusalLog refusals)
    {
        (_jwt, _gateway, _refusals) = (jwt, gateway, refusals);
        _grants = RoleGrants.From(grants.CurrentValue);
        grants.OnChange(changed => _grants = RoleGrants.From(changed));
    }

    /// <summary>Null when the caller may call <paramref name="operationId"/> on <paramref name="org"/> (then the caller is the request's <see cref="AuditCaller"/>), else the refusal to answer.</summary>
    public async Task<RequestError?> AuthorizeAsync(HttpContext http, string operationId, string? org)
    {
        IReadOnlyList<string> roles;
        IReadOnlySet<string>? tokenOrgs = null;
        string reference;
        if (_jwt.IsConfigured)
        {
            if (!http.Request.Headers.Authorization.Any(value => value?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true))
            {
                return Refuse(ServiceErrors.MissingToken(), operationId, org, Presented.Peer(http));
            }

            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (!result.Succeeded)
            {
                return Refuse(ServiceErrors.InvalidToken(), operationId, org, Presented.UnvalidatedToken(http, result.Failure?.Message ?? "no principal"));
            }

            http.User = result.Principal;
            roles = result.Principal.FindAll(_jwt.RolesClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
            tokenOrgs = result.Principal.FindAll(_jwt.OrgsClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
            reference = "header.authorization";
        }
        else
        {
            if (_gateway.RequiresClientCertificate
                && !(await http.AuthenticateAsync(CertificateAuthenticationDefaults.AuthenticationScheme)).Succeeded)
            {
                return Refuse(ServiceErrors.UntrustedGateway(), operationId, org, Presented.Gateway(http, ParseRoles(http.Request.Headers[Header])));
            }

            var lines = http.Request.Headers[Header];
            if (lines.Count > 1)
            {
                return ServiceErrors.DuplicateRolesHeader(lines.Count);
            }

            roles = ParseRoles(lines);
            if (roles.Count == 0)
            {
                return Refuse(ServiceErrors.MissingRoles(), operationId, org, Presented.Gateway(http, roles));
            }

            reference = "header." + Header;
        }

        var grants = _grants;
        bool anyGranted = false, orgCovered = org is null;
        List<string>? allowing = null;
        for (var i = 0; i < roles.Count; i++)
        {
            if (grants.IsGranted(roles[i], operationId))
            {
                anyGranted = true;
                if (org is null || grants.Covers(roles[i], org))
                {
                    orgCovered = true;
                    (allowing ??= []).Add(roles[i]);
                }
            }
        }

        if (!anyGranted)
        {
            return Refuse(ServiceErrors.RoleNotPermitted(roles, operationId, reference), operationId, org, Accepted(http, roles));
        }

        if (org is not null && (tokenOrgs?.Contains(org) == false || !orgCovered))
        {
            return Refuse(ServiceErrors.OrgNotPermitted(), operationId, org, Accepted(http, roles));
        }

        if (!_jwt.IsConfigured && Presented.InvalidCaller(http) is { } invalidCaller)
        {
            return invalidCaller;
        }

        allowing!.Sort(StringComparer.Ordinal); // One order, whatever order the caller listed them in: the event is hashed.
        http.Features.Set(_jwt.IsConfigured ? Presented.TokenCaller(http, allowing) : Presented.GatewayCaller(http, allowing, _gateway.RequiresClientCertificate));
        return null;
    }

    // What an authenticated caller presented (a valid token, or the gateway's headers).
    private IEnumerable<(string, string?)> Accepted(HttpContext http, IReadOnlyList<string> roles) =>
        _jwt.IsConfigured ? Presented.Token(http, roles) : Presented.Gateway(http, roles);

    private RequestError Refuse(RequestError problem, string operationId, string? org, IEnumerable<(string, string?)> presented)
    {
        _refusals.Refused(problem.Status, problem.Code, operationId, org, presented);
        return problem;
    }

    /// <summary>The distinct roles of x-auth-roles: comma-separated (a second line is refused before this).</summary>
    public static IReadOnlyList<string> ParseRoles(StringValues headerValues)
    {
        // The gateway sends one role in one line almost always: that needs no splitting.
        if (headerValues.Count == 1 && headerValues[0] is { Length: > 0 } single && !single.Contains(',')
            && !char.IsWhiteSpace(single[0]) && !char.IsWhiteSpace(single[^1]))
        {
            return [single];
        }

        var roles = new List<string>();
        foreach (var value in headerValues)
        {
            foreach (var role in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!roles.Contains(role, StringComparer.Ordinal))
                {
                    roles.Add(role);
                }
            }
        }

        return roles;
    }
}
