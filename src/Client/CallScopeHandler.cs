namespace Customers.Client;

/// <summary>
/// Puts a call's extra headers (<see cref="CustomerCredentialsRequestOptions.Headers"/>) on its
/// requests. The facade sets them for the call's async flow; the generated interface has no place
/// for headers the contract does not name. A header the client sets itself is never replaced.
/// </summary>
internal sealed class CallHeadersHandler : DelegatingHandler
{
    private static readonly AsyncLocal<IReadOnlyDictionary<string, string>?> Current = new();

    /// <summary>Sets the call's headers for its flow; null when there is nothing to set or restore (most calls), so they pay nothing.</summary>
    public static IDisposable? Use(IDictionary<string, string>? headers)
    {
        var previous = Current.Value;
        if (headers is not { Count: > 0 } && previous is null)
        {
            return null; // Writing an AsyncLocal copies the execution context: skip it when nothing changes.
        }

        Current.Value = headers is { Count: > 0 } ? new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase) : null;
        return new Restore(previous);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Current.Value is not { } headers)
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

    private sealed class Restore(IReadOnlyDictionary<string, string>? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
