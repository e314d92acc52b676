using Customers.Server.Audit;
using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc.Filters;
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
/// operation is the route name, which the generated controller base sets to the operationId. An
/// endpoint without an operationId is granted to nobody.
/// A refusal (401, 403) writes one rate-limited warning with what the caller presented
/// (<see cref="RefusalLog"/>); an accepted call leaves its <see cref="AuditCaller"/> for the audit trail.
/// One instance serves every request (registered as a singleton and added as a reusable filter),
/// so MVC caches the filter pipeline; the grants are compiled once per configuration change.
/// </summary>
public sealed partial class RoleAuthorizationFilter : IAsyncAuthorizationFilter
{
    public const string Header = ContractHeaders.Roles;

    private readonly JwtBearerModeOptions _jwt;
    private readonly GatewayOptions _gateway;
    private readonly RefusalLog _refusals;
    private volatile RoleGrants _grants;

    public RoleAuthorizationFilter(IOptionsMonitor<RoleGrantsOptions> grants, JwtBearerModeOptions jwt, GatewayOptions gateway, RefusalLog refusals)
    {
        (_jwt, _gateway, _refusals) = (jwt, gateway, refusals);
        _grants = RoleGrants.From(grants.CurrentValue);
        grants.OnChange(changed => _grants = RoleGrants.From(changed));
    }

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        IReadOnlyList<string> roles;
        IReadOnlySet<string>? tokenOrgs = null;
        string reference;
        if (_jwt.IsConfigured)
        {
            if (!http.Request.Headers.Authorization.Any(value => value?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true))
            {
                Refuse(context, Problems.MissingToken(), Presented.Peer(http));
                return;
            }

            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (!result.Succeeded)
            {
                Refuse(context, Problems.InvalidToken(), Presented.UnvalidatedToken(http, result.Failure?.Message ?? "no principal"));
                return;
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
                Refuse(context, Problems.UntrustedGateway(), Presented.Gateway(http, ParseRoles(http.Request.Headers[Header])));
                return;
            }

            var lines = http.Request.Headers[Header];
            if (lines.Count > 1)
            {
                context.Result = ErrorResponses.Result(Problems.DuplicateRolesHeader(lines.Count));
                return;
            }

            roles = ParseRoles(lines);
            if (roles.Count == 0)
            {
                Refuse(context, Problems.MissingRoles(), Presented.Gateway(http, roles));
                return;
            }

            reference = "header." + Header;
        }

        var operationId = context.ActionDescriptor.AttributeRouteInfo?.Name;
        var grants = _grants;
        var org = context.RouteData.Values.TryGetValue(ContractTenancy.Parameter, out var value) ? value as string : null;
        bool anyGranted = false, orgCovered = org is null;
        List<string>? allowing = null;
        for (var i = 0; i < roles.Count && operationId is not null; i++)
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
            Refuse(context, Problems.RoleNotPermitted(roles, operationId ?? "this operation", reference), Accepted(http, roles));
            return;
        }

        if (org is not null && (tokenOrgs?.Contains(org) == false || !orgCovered))
        {
            Refuse(context, Problems.OrgNotPermitted(), Accepted(http, roles));
            return;
        }

        if (!_jwt.IsConfigured && Presented.InvalidCaller(http) is { } invalidCaller)
        {
            context.Result = ErrorResponses.Result(invalidCaller);
            return;
        }

        allowing!.Sort(StringComparer.Ordinal); // One order, whatever order the caller listed them in: the event is hashed.
        http.Features.Set(_jwt.IsConfigured ? Presented.TokenCaller(http, allowing) : Presented.GatewayCaller(http, allowing, _gateway.RequiresClientCertificate));
    }

    // What an authenticated caller presented (a valid token, or the gateway's headers).
    private IEnumerable<(string, string?)> Accepted(HttpContext http, IReadOnlyList<string> roles) =>
        _jwt.IsConfigured ? Presented.Token(http, roles) : Presented.Gateway(http, roles);

    private void Refuse(AuthorizationFilterContext context, Errors.RequestError problem, IEnumerable<(string, string?)> presented)
    {
        context.Result = ErrorResponses.Result(problem);
        _refusals.Refused(problem.Status, problem.Code, context.ActionDescriptor.AttributeRouteInfo?.Name,
            context.RouteData.Values.TryGetValue(ContractTenancy.Parameter, out var org) ? org as string : null, presented);
    }

    /// <summary>The distinct roles of x-auth-roles: comma-separated (the filter refuses a second line before this).</summary>
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
