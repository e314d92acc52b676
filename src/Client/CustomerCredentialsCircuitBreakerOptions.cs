namespace Customers.Client;

/// <summary>
/// The client's circuit breaker: after too many failures among recent calls it stops sending for a
/// while and fails calls at once as <see cref="CustomerCredentialsFailureKind.CircuitOpen"/>, so a
/// service in trouble is not flooded. The defaults are Microsoft.Extensions.Http.Resilience's.
/// </summary>
public sealed class CustomerCredentialsCircuitBreakerOptions
{
    /// <summary>False turns the breaker off: every call is sent, however many fail (a batch job that prefers its own backoff, say).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The share of failed attempts (0 to 1) in <see cref="SamplingDuration"/> that opens the breaker.</summary>
    public double FailureRatio { get; set; } = 0.1;

    /// <summary>The fewest attempts in <see cref="SamplingDuration"/> before the ratio counts.</summary>
    public int MinimumThroughput { get; set; } = 100;

    /// <summary>The window the ratio is measured over; null means 30 s, or twice AttemptTimeout when that is longer (the pipeline requires it).</summary>
    public TimeSpan? SamplingDuration { get; set; }

    /// <summary>How long the breaker stays open before it lets a trial call through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
