namespace Customers.Server.Storage;

/// <summary>
/// Deletes expired idempotency keys every hour. An expired key is otherwise only replaced when the
/// same key comes again, and the client package sends a new key with every create, so the table
/// would grow without end. A failed purge is logged and tried again at the next tick.
/// </summary>
public sealed partial class IdempotencyKeyPurge(ICustomerStore store, TimeProvider clock, ILogger<IdempotencyKeyPurge> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                LogPurged(logger, await store.PurgeExpiredKeysAsync(stoppingToken));
            }
            catch (Exception exception) when (exception is RepositoryUnavailableException or RepositoryTimeoutException)
            {
                LogFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency keys")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging expired idempotency keys failed; trying again in an hour")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
