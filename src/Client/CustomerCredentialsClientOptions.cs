namespace Customers.Client;

/// <summary>Settings of <see cref="CustomerCredentialsClient"/>; bind them from configuration or set them in code.</summary>
public sealed class CustomerCredentialsClientOptions
{
    /// <summary>The service's address, for example <c>https://customers.example.com/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// The value of the <c>x-auth-roles</c> header on every call (gateway mode): comma-separated role
    /// names. Not needed with <see cref="AccessTokenSource"/>: a service in JWT mode ignores it.
    /// </summary>
    public string Roles { get; set; } = "API_KEY";

    /// <summary>
    /// For a service in JWT mode: returns the Bearer token to send, called on every attempt, so that a
    /// retry sends a token that your source has refreshed (cache and refresh tokens in the source, as
    /// identity libraries do). Set it in code; it cannot come from configuration.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenSource { get; set; }

    /// <summary>
    /// JWT mode: called when the service refused a token of <see cref="AccessTokenSource"/> (401
    /// INVALID_TOKEN, an expired token say) with that token, before the source is asked once more
    /// and the request sent once more. Drop the token from your cache here. Optional: without it
    /// the source is still asked again.
    /// </summary>
    public Func<string, CancellationToken, ValueTask>? AccessTokenRefused { get; set; }

    /// <summary>How long one attempt may take before it is abandoned (and retried where that is safe).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a call may take in all, retries and their delays included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a failed call is tried again where that is safe (GET, DELETE, and POST with its Idempotency-Key). 0 turns retries off.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The delay before the first retry; later ones back off exponentially, with jitter. A Retry-After from the service takes precedence.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The circuit breaker's settings; see <see cref="CustomerCredentialsCircuitBreakerOptions"/>.</summary>
    public CustomerCredentialsCircuitBreakerOptions CircuitBreaker { get; } = new();

    /// <summary>
    /// The most calls of this client in flight at once; one more fails at once as
    /// <see cref="CustomerCredentialsFailureKind.Throttled"/> instead of queueing. 1000 by default,
    /// as Microsoft.Extensions.Http.Resilience's.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 1000;
}
