using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Customers.Client;

/// <summary>
/// The client's metrics: one histogram of call durations per operation (its count is the number of
/// calls), from a Meter named after the package. A failed call carries error.type, as the
/// OpenTelemetry semantic conventions name it: the error code, the failure kind, or the exception type.
/// </summary>
internal static class ClientMetrics
{
    private static readonly Meter Meter = new(ClientDiagnostics.MeterName, typeof(ClientMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "customers.client.operation.duration", unit: "s", description: "Duration of calls of the customers v4 API, retries included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    public static void Record(string operationId, long startedAt, Exception? failure)
    {
        var tags = new TagList { { "customers.operation", operationId } };
        if (failure is not null)
        {
            tags.Add("error.type", failure is CustomerCredentialsException e ? e.ErrorCode ?? e.Kind.ToString() : failure.GetType().FullName);
        }

        Duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags);
    }
}
