namespace Customers.Server.Storage;

/// <summary>The repository cannot be reached (answered as 503).</summary>
public sealed class RepositoryUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>The repository did not answer within <see cref="Timeout"/> (answered as 504).</summary>
public sealed class RepositoryTimeoutException(TimeSpan timeout, Exception inner)
    : Exception($"The repository did not answer within {timeout}.", inner)
{
    public TimeSpan Timeout { get; } = timeout;
}
