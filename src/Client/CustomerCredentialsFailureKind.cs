namespace Customers.Client;

/// <summary>Where a call failed, so that a caller can tell failures apart without Polly or HttpClient types.</summary>
public enum CustomerCredentialsFailureKind
{
    /// <summary>The service answered with an error status (400 to 599, except 429); see Status and ErrorCode.</summary>
    ServiceAnswered,

    /// <summary>No answer within the attempt, the call's or the client's total timeout.</summary>
    Timeout,

    /// <summary>The request or its response was lost on the way: a refused or reset connection, a DNS failure.</summary>
    Network,

    /// <summary>The client did not send the request: too many recent calls failed and its circuit breaker is open.</summary>
    CircuitOpen,

    /// <summary>The client did not send the request: its own concurrency limit was reached.</summary>
    Throttled,

    /// <summary>The service answered success with a body that breaks the contract.</summary>
    ContractViolation,

    /// <summary>
    /// The service answered 429: the organization used up its rate. Nothing was done. Send it again
    /// after <see cref="CustomerCredentialsException.RetryAfter"/>; see also <see cref="CustomerCredentialsException.RateLimit"/>.
    /// </summary>
    RateLimited,

    /// <summary>The client did not send the request: <see cref="CustomerCredentialsClientOptions.AccessTokenSource"/> threw (kept as the inner exception).</summary>
    TokenSourceFailed,
}
