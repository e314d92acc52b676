using Customers.Server.Errors;

namespace Customers.Server.Infrastructure;

/// <summary>
/// The outermost middleware of every request, ahead of what the framework puts first (host
/// filtering, forwarded headers, authentication): the trace id, the exception handler and the
/// ErrorResponse for the framework's own empty error answers. So an exception anywhere in the
/// pipeline, or a refused Host, still answers inside the contract.
/// </summary>
public sealed class ResponseEdgeStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<TraceIdHeaderMiddleware>();
        app.UseContractExceptionHandler();
        app.UseMiddleware<EmptyErrorBodyMiddleware>();
        next(app);
    };
}
