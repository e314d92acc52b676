using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace Customers.Server.Auth;

/// <summary>
/// Checks the caller before anything else about the request is looked at: no roles (or, in JWT
/// mode, no valid token) is 401, roles without a grant for the operation 403 ROLE_NOT_PERMITTED,
/// an organization the caller is not bound to 403 ORG_NOT_PERMITTED. The roles come from
/// x-auth-roles, set by the gateway, or in JWT mode from the token, which also names the caller's
/// organizations; in both modes a role may be limited to organizations in configuration. The
/// operation is the route name, which the generated controller base sets to the operationId. An
/// endpoint without an operationId is granted to nobody.
/// </summary>
public sealed partial class RoleAuthorizationFilter(IOptionsMonitor<RoleGrantsOptions> grants, JwtBearerModeOptions jwt, ILogger<RoleAuthorizationFilter> logger)
    : IAsyncAuthorizationFilter
{
    public const string Header = ContractHeaders.Roles;

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        IReadOnlyList<string> roles;
        IReadOnlySet<string>? tokenOrgs = null;
        string reference;
        if (jwt.IsConfigured)
        {
            if (!http.Request.Headers.Authorization.Any(value => value?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true))
            {
                context.Result = ErrorResponses.Result(Problems.MissingToken());
                return;
            }

            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (!result.Succeeded)
            {
                LogRejectedToken(logger, result.Failure?.Message ?? "no principal");
                context.Result = ErrorResponses.Result(Problems.InvalidToken());
                return;
            }

            http.User = result.Principal;
            roles = result.Principal.FindAll(jwt.RolesClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
            tokenOrgs = result.Principal.FindAll(jwt.OrgsClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
            reference = "header.authorization";
        }
        else
        {
            roles = ParseRoles(http.Request.Headers[Header]);
            if (roles.Count == 0)
            {
                context.Result = ErrorResponses.Result(Problems.MissingRoles());
                return;
            }

            reference = "header." + Header;
        }

        var operationId = context.ActionDescriptor.AttributeRouteInfo?.Name;
        var options = grants.CurrentValue;
        var granted = operationId is null ? [] : roles.Where(role => options.IsGranted(role, operationId)).ToList();
        if (granted.Count == 0)
        {
            context.Result = ErrorResponses.Result(Problems.RoleNotPermitted(roles, operationId ?? "this operation", reference));
            return;
        }

        if (context.RouteData.Values.TryGetValue(ContractTenancy.Parameter, out var value) && value is string org
            && (tokenOrgs?.Contains(org) == false || !granted.Any(role => options.Covers(role, org))))
        {
            context.Result = ErrorResponses.Result(Problems.OrgNotPermitted());
        }
    }

    public static IReadOnlyList<string> ParseRoles(IEnumerable<string?> headerValues) => headerValues
        .SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        .Distinct(StringComparer.Ordinal)
        .ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Bearer token rejected: {Reason}")]
    private static partial void LogRejectedToken(ILogger logger, string reason);
}
