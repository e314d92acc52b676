using System.Net.Http.Headers;

namespace Customers.Client;

/// <summary>What a successful call answered besides its value: the status, the service's trace id, the Idempotency-Key sent, the headers.</summary>
public class CustomerCredentialsResponse
{
    internal static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>(0, StringComparer.OrdinalIgnoreCase);

    private HttpResponseHeaders? _received;
    private HttpContentHeaders? _receivedContent;
    private IReadOnlyDictionary<string, string>? _headers;

    /// <summary>Creates a response; the client creates them, and tests of consumers may too.</summary>
    public CustomerCredentialsResponse(int status, string? traceId, string? idempotencyKey)
    {
        Status = status;
        TraceId = traceId;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The HTTP status, for example 201.</summary>
    public int Status { get; }

    /// <summary>The service's trace id (x-trace-id): quote it when a call "worked but did the wrong thing".</summary>
    public string? TraceId { get; }

    /// <summary>For a create, the Idempotency-Key that was sent (yours, or the one the client generated); send it again to retry safely.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>The response's headers (names case-insensitive, repeated values joined by ", ").</summary>
    public IReadOnlyDictionary<string, string> Headers
    {
        get => _headers ??= _received is null ? NoHeaders : ResponseHeaders.Of(_received, _receivedContent);
        init => _headers = value;
    }

    /// <summary>The rate limit the service reported (RateLimit-Policy and RateLimit fields); null when it sent none.</summary>
    public CustomerCredentialsRateLimit? RateLimit => CustomerCredentialsRateLimit.From(Headers);

    // Most callers never read the headers: they are copied into a dictionary on first use only.
    internal void Received(HttpResponseHeaders headers, HttpContentHeaders? contentHeaders) => (_received, _receivedContent) = (headers, contentHeaders);
}

/// <summary>A successful call's value with what the response said about it.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class CustomerCredentialsResponse<T> : CustomerCredentialsResponse
{
    /// <summary>Creates a response; the client creates them, and tests of consumers may too.</summary>
    public CustomerCredentialsResponse(T value, int status, string? traceId, string? idempotencyKey)
        : base(status, traceId, idempotencyKey) => Value = value;

    /// <summary>What the service returned.</summary>
    public T Value { get; }
}
