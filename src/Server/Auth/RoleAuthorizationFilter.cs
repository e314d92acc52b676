using Customers.Server.Errors;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace Customers.Server.Auth;

/// <summary>
/// Checks x-auth-roles, set by the gateway, against the configured grants before anything else
/// about the request is looked at: no roles is 401, roles without a grant for the operation is 403.
/// The operation is the route name, which the generated controller base sets to the operationId.
/// An endpoint without an operationId is granted to nobody.
/// </summary>
public sealed class RoleAuthorizationFilter(IOptionsMonitor<RoleGrantsOptions> grants) : IAuthorizationFilter
{
    public const string Header = "x-auth-roles";

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        var roles = ParseRoles(context.HttpContext.Request.Headers[Header]);
        if (roles.Count == 0)
        {
            context.Result = ErrorResponses.Result(Problems.MissingRoles());
            return;
        }

        var operationId = context.ActionDescriptor.AttributeRouteInfo?.Name;
        var options = grants.CurrentValue;
        if (operationId is null || !roles.Any(role => options.IsGranted(role, operationId)))
        {
            context.Result = ErrorResponses.Result(Problems.RoleNotPermitted(roles, operationId ?? "this operation"));
        }
    }

    public static IReadOnlyList<string> ParseRoles(IEnumerable<string?> headerValues) => headerValues
        .SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        .Distinct(StringComparer.Ordinal)
        .ToList();
}
