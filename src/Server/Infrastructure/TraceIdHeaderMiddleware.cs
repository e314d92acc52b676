using System.Diagnostics;

namespace Customers.Server.Infrastructure;

/// <summary>Every response carries x-trace-id, the id that the logs and a 500's message use, so a caller can quote it.</summary>
public sealed class TraceIdHeaderMiddleware(RequestDelegate next)
{
    public const string Header = Contract.ContractHeaders.TraceId;

    public Task InvokeAsync(HttpContext context)
    {
        var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        // Set when the response starts: the exception handler clears headers before it answers.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = traceId;
            return Task.CompletedTask;
        });
        return next(context);
    }
}
