using Customers.Client.Models;

namespace Customers.Client;

/// <summary>
/// The one exception that <see cref="CustomerCredentialsClient"/> throws for a failed call: an error
/// status from the service (with its ErrorResponse), a response that breaks the contract, or a
/// network failure or timeout (kept as <see cref="Exception.InnerException"/>, with <see cref="Status"/> 0).
/// </summary>
public sealed class CustomerCredentialsException : Exception
{
    /// <summary>Creates the exception; the client creates it, and tests of consumers may too (set the other members with an object initializer).</summary>
    public CustomerCredentialsException(string message, int status, IReadOnlyList<ErrorDetail>? errors = null, string? traceId = null, Exception? innerException = null,
        CustomerCredentialsFailureKind kind = CustomerCredentialsFailureKind.ServiceAnswered)
        : base(message, innerException)
    {
        Status = status;
        Errors = errors ?? [];
        TraceId = traceId;
        Kind = kind;
    }

    /// <summary>Where the call failed: the service answered an error, or a timeout, the network, the client's circuit breaker or limiter, or a contract violation.</summary>
    public CustomerCredentialsFailureKind Kind { get; }

    /// <summary>The HTTP status of the response, or 0 when no response was received.</summary>
    public int Status { get; }

    /// <summary>The stable code of the first error (for example <c>USERNAME_TAKEN</c>), or null when the response had no ErrorResponse (405, or no response).</summary>
    public string? ErrorCode => Errors.Count > 0 ? Errors[0].Code : null;

    /// <summary>The message of the first error, for people.</summary>
    public string? ErrorMessage => Errors.Count > 0 ? Errors[0].Message : null;

    /// <summary>Every error of the ErrorResponse, in order.</summary>
    public IReadOnlyList<ErrorDetail> Errors { get; }

    /// <summary>The trace id that the service returned (x-trace-id header); quote it when you report a problem.</summary>
    public string? TraceId { get; }

    /// <summary>
    /// For a create, the Idempotency-Key the call sent (yours, or the one the client generated);
    /// null for other operations. When <see cref="OutcomeUnknown"/> is true, send the create again
    /// with it: <c>new CustomerCredentialsRequestOptions { IdempotencyKey = e.IdempotencyKey }</c>.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// True when the create may have been applied although the call failed (a 500, 503
    /// REPOSITORY_UNAVAILABLE, 504, a timeout, or a connection lost after the request was sent):
    /// only a resend with <see cref="IdempotencyKey"/> tells, without creating twice.
    /// </summary>
    public bool OutcomeUnknown { get; init; }

    /// <summary>How long the service asked the caller to wait (Retry-After of a 429 or 503) before sending again; null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The response's headers (names case-insensitive, repeated values joined by ", "); empty when no response arrived.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = CustomerCredentialsResponse.NoHeaders;

    /// <summary>The response's body as received, for logs and for answers this client version cannot read; null when there was none.</summary>
    public string? RawBody { get; init; }

    /// <summary>The rate limit the service reported (RateLimit-Policy and RateLimit fields, sent with a 429); null when it sent none.</summary>
    public CustomerCredentialsRateLimit? RateLimit => CustomerCredentialsRateLimit.From(Headers);
}
