using Customers.Server.Storage;
using Microsoft.Extensions.Options;

namespace Customers.Server.Audit;

/// <summary>
/// Removes audit events older than <see cref="AuditOptions.Retention"/> soon after the start and then
/// every <see cref="AuditOptions.PurgeInterval"/>, as <see cref="IdempotencyKeyPurge"/> does for keys:
/// a batch per organization at a time, until none is left; a failure is one log line and a
/// back-off. Each batch keeps the hash of the last event it removed as its chain's anchor, so the
/// events kept still verify.
/// </summary>
public sealed partial class AuditPurge(ICustomerStore store, TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditPurge> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var wait = settings.PurgeFirstDelay;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, clock, stoppingToken);
                LogPurged(logger, await PurgeAllAsync(settings, stoppingToken));
                failures = 0;
                wait = settings.PurgeInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                var backOff = settings.PurgeRetryDelay * Math.Pow(2, Math.Min(failures - 1, 16));
                wait = backOff < settings.PurgeInterval ? backOff : settings.PurgeInterval;
                LogFailed(logger, failures, exception.GetType().Name, exception.Message, wait);
            }
        }
    }

    /// <summary>Purges every expired event, a batch at a time; returns how many.</summary>
    public async Task<int> PurgeAllAsync(AuditOptions settings, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - settings.Retention; // One cutoff for the whole pass: it ends.
        var purged = 0;
        int batch;
        do
        {
            batch = await store.PurgeAuditEventsAsync(cutoff, settings.PurgeBatchSize, cancellationToken);
            purged += batch;
        }
        while (batch > 0);

        return purged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} audit events past the retention")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging audit events failed ({Failures} in a row, {Kind}: {Reason}); trying again in {Wait}")]
    private static partial void LogFailed(ILogger logger, int failures, string kind, string reason, TimeSpan wait);
}
