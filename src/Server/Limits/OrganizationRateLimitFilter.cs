using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Customers.Server.Limits;

/// <summary>
/// Takes a token of the organization's bucket once the caller is known (after the roles check, so
/// that nobody spends an organization's rate without being allowed to act on it) and before the
/// body is read. A request whose token comes within a second waits for it; past that, 429
/// RATE_LIMITED at once with Retry-After and the RateLimit fields.
/// </summary>
public sealed class OrganizationRateLimitFilter(OrganizationRateLimits limits) : IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var write = !HttpMethods.IsGet(context.HttpContext.Request.Method) && !HttpMethods.IsHead(context.HttpContext.Request.Method);
        if (context.RouteData.Values[ContractTenancy.Parameter] is not string org
            || await limits.AcquireAsync(org, write, context.HttpContext.RequestAborted) is not { } refusal)
        {
            await next();
            return;
        }

        var headers = context.HttpContext.Response.Headers;
        headers[ContractHeaders.RetryAfter] = refusal.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers[ContractHeaders.RateLimitPolicy] = refusal.Policy.Field;
        headers[ContractHeaders.RateLimit] = refusal.StateField;
        context.Result = ErrorResponses.Result(Problems.RateLimited(org, refusal.Policy.Name, refusal.Policy.PerSecond, refusal.RetryAfterSeconds));
    }
}
