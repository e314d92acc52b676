using Microsoft.AspNetCore.Diagnostics;

namespace Customers.Server.Errors;

/// <summary>The exception handler that answers inside the contract.</summary>
public static class ContractExceptionHandler
{
    /// <summary>An unexpected exception answers 500 INTERNAL_ERROR (repository failures 503/504), never a stack trace.</summary>
    public static IApplicationBuilder UseContractExceptionHandler(this IApplicationBuilder app) => app.UseExceptionHandler(new ExceptionHandlerOptions
    {
        ExceptionHandler = ExceptionResponder.RespondAsync,
        // Expected failures are logged once, as one line, by ExpectedFailures; the rest with their stack trace.
        SuppressDiagnosticsCallback = context => ExpectedFailures.Are(context.Exception),
    });
}
