using System.Diagnostics;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Customers.Server.Audit;

/// <summary>
/// Makes the request's <see cref="AuditContext"/> current while its action runs: the caller that
/// <see cref="Auth.RoleAuthorizationFilter"/> authenticated (an <see cref="AuditCaller"/> feature)
/// and the trace id that x-trace-id carries.
/// </summary>
public sealed class AuditScopeFilter : IAsyncActionFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var http = context.HttpContext;
        var caller = http.Features.Get<AuditCaller>() ?? AuditCaller.Nobody;
        using (AuditScope.Begin(new AuditContext(caller, Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier)))
        {
            await next();
        }
    }
}
