using Customers.Server.Contract;
using System.Diagnostics;
using Customers.Server.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace Customers.Server.Errors;

/// <summary>
/// The exception handler and its answer: repository failures become 503/504 (a shed call 503 with
/// Retry-After), an over-large body 413,
/// and anything else 500 with a trace id to quote and nothing about the failure itself.
/// </summary>
public static class ExceptionResponder
{
    /// <summary>An unexpected exception answers 500 INTERNAL_ERROR (repository failures 503/504), never a stack trace.</summary>
    public static IApplicationBuilder UseContractExceptionHandler(this IApplicationBuilder app) => app.UseExceptionHandler(new ExceptionHandlerOptions
    {
        ExceptionHandler = RespondAsync,
        // Expected failures are logged once, as one line, by ExpectedFailures; the rest with their stack trace.
        SuppressDiagnosticsCallback = context => ExpectedFailures.Are(context.Exception),
    });

    public static Task RespondAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (context.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask; // The caller is gone; there is nobody to answer.
        }

        var error = exception switch
        {
            RepositoryTimeoutException timeout => ServiceErrors.RepositoryTimeout(timeout.Timeout),
            RepositoryUnavailableException => ServiceErrors.RepositoryUnavailable(),
            RepositoryOverloadedException => Overloaded(context),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                ServiceErrors.PayloadTooLarge(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0),
            BadHttpRequestException => ContractErrors.InvalidJson.At("body",
                "The request body could not be read completely."),
            _ => ServiceErrors.Internal(Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier),
        };
        if (exception is not null && ExpectedFailures.Are(exception))
        {
            ExpectedFailures.Record(context, exception, error);
        }

        return ErrorResponses.WriteAsync(context, error);
    }

    // Set after the exception handler cleared the headers, before the answer starts.
    private static RequestError Overloaded(HttpContext context)
    {
        context.Response.Headers[ContractHeaders.RetryAfter] = RepositoryOverloadedException.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ServiceErrors.ServiceOverloaded(RepositoryOverloadedException.RetryAfterSeconds);
    }
}
