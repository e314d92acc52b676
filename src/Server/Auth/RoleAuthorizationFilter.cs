using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Customers.Server.Auth;

/// <summary>MVC's entry to <see cref="RoleAuthorization"/>, while the controller still serves requests; goes with MVC.</summary>
public sealed class RoleAuthorizationFilter(RoleAuthorization roles) : IAsyncAuthorizationFilter
{
    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var org = context.RouteData.Values.TryGetValue(ContractTenancy.Parameter, out var value) ? value as string : null;
        if (await roles.AuthorizeAsync(context.HttpContext, context.ActionDescriptor.AttributeRouteInfo?.Name ?? "this operation", org) is { } refused)
        {
            context.Result = ErrorResponses.Result(refused);
        }
    }
}
