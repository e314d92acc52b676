using System.Diagnostics;

namespace Customers.Client;

/// <summary>
/// The client's tracing: one activity per call, from an ActivitySource named after the package.
/// HttpClient puts the W3C traceparent of the current activity on the request, so the service's
/// trace continues the caller's. Tags carry the operation and the organization, never a username
/// or roles.
/// </summary>
public static class ClientDiagnostics
{
    /// <summary>The name of the client's <see cref="ActivitySource"/>: add it to your tracer provider.</summary>
    public const string ActivitySourceName = "Customers.Client";

    /// <summary>The name of the client's Meter (histogram customers.client.operation.duration): add it to your meter provider.</summary>
    public const string MeterName = "Customers.Client";

    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(ClientDiagnostics).Assembly.GetName().Version?.ToString());

    internal static Activity? Start(string operationId, string orgId)
    {
        if (!Source.HasListeners())
        {
            return null; // Nobody traces: not even the activity's name is built.
        }

        var activity = Source.StartActivity($"Customers {operationId}", ActivityKind.Internal);
        activity?.SetTag("customers.operation", operationId);
        activity?.SetTag("customers.org_id", orgId);
        return activity;
    }

    internal static void Failed(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        if (exception is CustomerCredentialsException failure)
        {
            activity.SetTag("http.response.status_code", failure.Status);
            activity.SetTag("customers.error_code", failure.ErrorCode);
        }
    }
}
