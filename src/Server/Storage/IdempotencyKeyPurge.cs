using Microsoft.Extensions.Options;

namespace Customers.Server.Storage;

/// <summary>
/// Deletes expired idempotency keys soon after the start and then every hour. An expired key is
/// otherwise only replaced when the same key comes again, and the client package sends a new key
/// with every create, so the table would grow without end. Keys go in batches, each its own short
/// statement, until none is left. Nothing here stops the service: any failure is logged in one
/// line and the purge tries again after a back-off that doubles up to the interval.
/// </summary>
public sealed partial class IdempotencyKeyPurge(ICustomerStore store, TimeProvider clock, IOptions<StorageOptions> options, ILogger<IdempotencyKeyPurge> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var wait = settings.KeyPurgeFirstDelay;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, clock, stoppingToken);
                LogPurged(logger, await PurgeAllAsync(settings.KeyPurgeBatchSize, stoppingToken));
                failures = 0;
                wait = settings.KeyPurgeInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                var backOff = settings.KeyPurgeRetryDelay * Math.Pow(2, Math.Min(failures - 1, 16));
                wait = backOff < settings.KeyPurgeInterval ? backOff : settings.KeyPurgeInterval;
                LogFailed(logger, failures, exception.GetType().Name, exception.Message, wait);
            }
        }
    }

    private async Task<int> PurgeAllAsync(int batchSize, CancellationToken cancellationToken)
    {
        var purged = 0;
        int batch;
        do
        {
            batch = await store.PurgeExpiredKeysAsync(batchSize, cancellationToken);
            purged += batch;
        }
        while (batch == batchSize);

        return purged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency keys")]
    private static partial void LogPurged(ILogger logger, int count);

    // The reason in one line, no stack trace: a repository outage must not fill the log.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging expired idempotency keys failed ({Failures} in a row, {Kind}: {Reason}); trying again in {Wait}")]
    private static partial void LogFailed(ILogger logger, int failures, string kind, string reason, TimeSpan wait);
}
