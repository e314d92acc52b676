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
/// One instance serves every request (registered as a singleton and added as a reusable filter),
/// so MVC caches the filter pipeline; the grants are compiled once per configuration change.
/// </summary>
public sealed partial class RoleAuthorizationFilter : IAsyncAuthorizationFilter
{
    public const string Header = ContractHeaders.Roles;

    private readonly JwtBearerModeOptions _jwt;
    private readonly GatewayOptions _gateway;
    private readonly ILogger<RoleAuthorizationFilter> _logger;
    private volatile RoleGrants _grants;

    public RoleAuthorizationFilter(IOptionsMonitor<RoleGrantsOptions> grants, JwtBearerModeOptions jwt, GatewayOptions gateway, ILogger<RoleAuthorizationFilter> logger)
    {
        (_jwt, _gateway, _logger) = (jwt, gateway, logger);
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
                context.Result = ErrorResponses.Result(Problems.MissingToken());
                return;
            }

            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (!result.Succeeded)
            {
                LogRejectedToken(_logger, result.Failure?.Message ?? "no principal");
                context.Result = ErrorResponses.Result(Problems.InvalidToken());
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
                LogUntrustedPeer(_logger, http.Connection.ClientCertificate?.Subject ?? "none", http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                context.Result = ErrorResponses.Result(Problems.UntrustedGateway());
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
                context.Result = ErrorResponses.Result(Problems.MissingRoles());
                return;
            }

            reference = "header." + Header;
        }

        var operationId = context.ActionDescriptor.AttributeRouteInfo?.Name;
        var grants = _grants;
        var org = context.RouteData.Values.TryGetValue(ContractTenancy.Parameter, out var value) ? value as string : null;
        bool anyGranted = false, orgCovered = org is null;
        for (var i = 0; i < roles.Count && operationId is not null; i++)
        {
            if (grants.IsGranted(roles[i], operationId))
            {
                anyGranted = true;
                orgCovered |= org is not null && grants.Covers(roles[i], org);
            }
        }

        if (!anyGranted)
        {
            context.Result = ErrorResponses.Result(Problems.RoleNotPermitted(roles, operationId ?? "this operation", reference));
            return;
        }

        if (org is not null && (tokenOrgs?.Contains(org) == false || !orgCovered))
        {
            context.Result = ErrorResponses.Result(Problems.OrgNotPermitted());
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "x-auth-roles refused: the peer {Peer} presented no client certificate of the gateway's CA (subject: {Subject})")]
    private static partial void LogUntrustedPeer(ILogger logger, string subject, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bearer token rejected: {Reason}")]
    private static partial void LogRejectedToken(ILogger logger, string reason);
}
