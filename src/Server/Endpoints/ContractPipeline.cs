using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Customers.Server.Audit;
using Customers.Server.Auth;
using Customers.Server.Contract;
using Customers.Server.Errors;
using Customers.Server.Limits;

namespace Customers.Server.Endpoints;

/// <summary>
/// The steps every generated endpoint takes, in order: the caller (<see cref="RoleAuthorization"/>),
/// the organization's rate (<see cref="OrganizationRateLimits"/>: after the caller, so nobody spends an
/// organization's rate without being allowed to act on it, and before the body is read), then the
/// arguments (<see cref="RequestBinder"/>). Then the endpoint calls its operation inside
/// <see cref="BeginAudit"/> and answers with <see cref="AnswerAsync{T}"/>. Every refusal is written
/// by <see cref="ErrorResponses"/>.
/// </summary>
internal sealed class ContractPipeline(RoleAuthorization roles, OrganizationRateLimits rates, RequestBinder binder)
{
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>The request, bound and checked; null when it was refused, and the refusal answered.</summary>
    public async Task<BoundRequest?> AdmitAsync(HttpContext http, OperationRule operation, JsonTypeInfo? bodyType)
    {
        var org = http.Request.RouteValues[ContractTenancy.Parameter] as string;
        var refusal = await roles.AuthorizeAsync(http, operation.Id, org);
        if (refusal is null && org is not null)
        {
            refusal = await RateAsync(http, operation, org);
        }

        if (refusal is not null)
        {
            await ErrorResponses.WriteAsync(http, refusal);
            return null;
        }

        var (request, errors) = await binder.BindAsync(http, operation, bodyType);
        if (errors is not null)
        {
            await ErrorResponses.WriteAsync(http, errors);
        }

        return request;
    }

    /// <summary>
    /// Makes the request's <see cref="AuditContext"/> current while the operation runs: the caller
    /// that <see cref="RoleAuthorization"/> accepted and the trace id that x-trace-id carries.
    /// </summary>
    public IDisposable BeginAudit(HttpContext http) => AuditScope.Begin(new AuditContext(
        http.Features.Get<AuditCaller>() ?? AuditCaller.Nobody, Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier));

    /// <summary>The operation's success body with the contract's status, or its error.</summary>
    public Task AnswerAsync<T>(HttpContext http, ContractResult<T> result, int status, JsonTypeInfo<T> type)
        where T : class
    {
        if (result.Error is { } error)
        {
            return ErrorResponses.WriteAsync(http, error);
        }

        // Bytes first, then one write with a Content-Length: the bodies are a few hundred bytes, and
        // streaming them chunked costs more per response than the bytes themselves.
        var body = ResponseJson.Serialize(result.Value ?? throw new InvalidOperationException("An operation returned neither a value nor an error."), type);
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = JsonContentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask(); // A client gone meanwhile: Kestrel drops the bytes.
    }

    /// <summary>The operation's success status without a body, or its error.</summary>
    public Task AnswerAsync(HttpContext http, ContractResult result, int status)
    {
        if (result.Error is { } error)
        {
            return ErrorResponses.WriteAsync(http, error);
        }

        http.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    // A token of the organization's bucket; within a second it is waited for, past that 429 at once
    // with Retry-After and the RateLimit fields.
    private async Task<RequestError?> RateAsync(HttpContext http, OperationRule operation, string org)
    {
        var write = operation.Method is not ("GET" or "HEAD");
        if (await rates.AcquireAsync(org, write, http.RequestAborted) is not { } refusal)
        {
            return null;
        }

        var headers = http.Response.Headers;
        headers[ContractHeaders.RetryAfter] = refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        headers[ContractHeaders.RateLimitPolicy] = refusal.Policy.Field;
        headers[ContractHeaders.RateLimit] = refusal.StateField;
        return ServiceErrors.RateLimited(org, refusal.Policy.Name, refusal.Policy.PerSecond, refusal.RetryAfterSeconds);
    }
}
