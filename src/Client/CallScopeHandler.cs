using System.Diagnostics;

namespace Customers.Client;

/// <summary>
/// Carries what one call sets for itself down to its requests: its extra headers
/// (<see cref="CustomerCredentialsRequestOptions.Headers"/>) and its deadline, the earlier of the
/// client's TotalTimeout and the call's own Timeout. The facade sets them for the call's async flow
/// (the generated interface has no place for them); the retry reads the deadline from the request
/// to decide whether a Retry-After still fits. A header the client sets itself is never replaced.
/// </summary>
internal sealed class CallScopeHandler(Func<CustomerCredentialsClientOptions> options) : DelegatingHandler
{
    /// <summary>The Stopwatch timestamp by which the call must end.</summary>
    internal static readonly HttpRequestOptionsKey<long> Deadline = new("Customers.Client.Deadline");

    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>Sets the call's headers and deadline for its flow; null when there is nothing to set or restore (most calls), so they pay nothing.</summary>
    public static IDisposable? Use(IDictionary<string, string>? headers, TimeSpan? timeout)
    {
        var previous = Current.Value;
        if (headers is not { Count: > 0 } && timeout is null && previous is null)
        {
            return null; // Writing an AsyncLocal copies the execution context: skip it when nothing changes.
        }

        Current.Value = headers is { Count: > 0 } || timeout is not null
            ? new Scope(headers is { Count: > 0 } ? new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase) : null,
                timeout is { } t ? Stopwatch.GetTimestamp() + (long)(t.TotalSeconds * Stopwatch.Frequency) : null)
            : null;
        return new Restore(previous);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var scope = Current.Value;
        var deadline = Stopwatch.GetTimestamp() + (long)(options().TotalTimeout.TotalSeconds * Stopwatch.Frequency);
        request.Options.Set(Deadline, scope?.Deadline is { } own && own < deadline ? own : deadline);
        if (scope?.Headers is not { } headers)
        {
            return base.SendAsync(request, cancellationToken);
        }

        foreach (var (name, value) in headers)
        {
            if (!request.Headers.Contains(name))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The time left before the request's call must end, or null when the request was not sent through this handler.</summary>
    public static TimeSpan? Remaining(HttpRequestMessage request) =>
        request.Options.TryGetValue(Deadline, out var deadline) ? Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline) : null;

    private sealed record Scope(IReadOnlyDictionary<string, string>? Headers, long? Deadline);

    private sealed class Restore(Scope? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
