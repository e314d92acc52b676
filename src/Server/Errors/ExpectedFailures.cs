using System.Diagnostics;
using System.Diagnostics.Metrics;
using Customers.Server.Storage;

namespace Customers.Server.Errors;

/// <summary>
/// Failures the service expects and answers as the contract says (the repository unavailable or
/// late, a body over the limit or cut short): one warning line each, with the trace id and no stack
/// trace, and a count per error code on the Meter "Customers.Server". During an outage that is
/// thousands of requests a second; a stack trace each would make the log volume the next outage.
/// Anything else keeps ASP.NET Core's error log with its stack trace.
/// </summary>
public static partial class ExpectedFailures
{
    public const string MeterName = "Customers.Server";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Count = Meter.CreateCounter<long>("customers.server.expected_failures",
        description: "Requests answered with an expected failure (503, 504, 413, 400 for a body cut short), by error code.");

    public static bool Are(Exception? exception) =>
        exception is RepositoryUnavailableException or RepositoryTimeoutException or RepositoryOverloadedException or BadHttpRequestException;

    public static void Record(HttpContext context, Exception exception, RequestError error)
    {
        Count.Add(1, new KeyValuePair<string, object?>("error.type", error.Code));
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExpectedFailures));
        Log(logger, context.Request.Method, context.Request.Path.Value ?? "", error.Status, error.Code, exception.Message,
            Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status} {Code}: {Reason} (trace {TraceId})")]
    private static partial void Log(ILogger logger, string method, string path, int status, string code, string reason, string traceId);
}
