namespace Customers.Server.Storage;

/// <summary>The repository cannot be reached (answered as 503).</summary>
public sealed class RepositoryUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>The repository did not answer within <see cref="Timeout"/> (answered as 504).</summary>
public sealed class RepositoryTimeoutException(TimeSpan timeout, Exception inner)
    : Exception($"The repository did not answer within {timeout}.", inner)
{
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>
/// The repository's queue is full, or the organization holds its share of it: refused before
/// anything was done (answered as 503 SERVICE_OVERLOADED with Retry-After).
/// </summary>
public sealed class RepositoryOverloadedException(string message) : Exception(message)
{
    /// <summary>A queue drains in well under a second; a caller that waits one second finds room again.</summary>
    public const int RetryAfterSeconds = 1;
}
