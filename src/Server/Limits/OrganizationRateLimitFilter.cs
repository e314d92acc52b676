using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Customers.Server.Limits;

/// <summary>
/// Takes a token of the organization's bucket once the caller is known (after the roles check, so
/// that nobody spends an organization's rate without being allowed to act on it) and before the
/// body is read. Past the limit: 429 RATE_LIMITED with Retry-After and the RateLimit fields.
/// </summary>
public sealed class OrganizationRateLimitFilter(OrganizationRateLimits limits) : IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        if (context.RouteData.Values[ContractTenancy.Parameter] is not string org)
        {
            return;
        }

        var write = !HttpMethods.IsGet(context.HttpContext.Request.Method) && !HttpMethods.IsHead(context.HttpContext.Request.Method);
        if (limits.TryAcquire(org, write) is not { } refusal)
        {
            return;
        }

        var headers = context.HttpContext.Response.Headers;
        headers[ContractHeaders.RetryAfter] = refusal.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers[ContractHeaders.RateLimitPolicy] = refusal.Policy.Field;
        headers[ContractHeaders.RateLimit] = refusal.StateField;
        context.Result = ErrorResponses.Result(Problems.RateLimited(org, refusal.Policy.Name, refusal.Policy.PerSecond, refusal.RetryAfterSeconds));
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
