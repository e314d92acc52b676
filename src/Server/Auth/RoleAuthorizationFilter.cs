using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace Customers.Server.Auth;

/// <summary>
/// Checks the caller's roles against the configured grants before anything else about the request
/// is looked at: no roles (or, in JWT mode, no valid token) is 401, roles without a grant for the
/// operation is 403. The roles come from x-auth-roles, set by the gateway, or in JWT mode from the
/// token. The operation is the route name, which the generated controller base sets to the
/// operationId. An endpoint without an operationId is granted to nobody.
/// </summary>
public sealed partial class RoleAuthorizationFilter(IOptionsMonitor<RoleGrantsOptions> grants, JwtBearerModeOptions jwt, ILogger<RoleAuthorizationFilter> logger)
    : IAsyncAuthorizationFilter
{
    public const string Header = ContractHeaders.Roles;

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        IReadOnlyList<string> roles;
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
        if (operationId is null || !roles.Any(role => options.IsGranted(role, operationId)))
        {
            context.Result = ErrorResponses.Result(Problems.RoleNotPermitted(roles, operationId ?? "this operation", reference));
        }
    }

    public static IReadOnlyList<string> ParseRoles(IEnumerable<string?> headerValues) => headerValues
        .SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        .Distinct(StringComparer.Ordinal)
        .ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Bearer token rejected: {Reason}")]
    private static partial void LogRejectedToken(ILogger logger, string reason);
}
