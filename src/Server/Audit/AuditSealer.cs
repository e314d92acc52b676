using System.Collections.Concurrent;
using System.Threading.Channels;
using Customers.Server.Storage;
using Customers.Server.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace Customers.Server.Audit;

/// <summary>
/// Seals PostgreSQL's pending audit events (<see cref="PostgresAuditLog.SealAsync"/>) in the background:
/// right after a change commits (<see cref="Request"/>: coalesced per organization, so a burst of
/// changes is sealed in a few batches, one organization at a time), and every
/// <see cref="AuditOptions.SealSweepInterval"/> for every organization with pending events, so that
/// events left by an instance that stopped between its commit and its seal are sealed by any other
/// instance, or by itself after a restart. A reader never waits for either: reading the trail seals
/// the organization's pending events first. A failure here is only a late seal, retried by the
/// next request or sweep. SQLite seals in the change's transaction and never uses this.
/// </summary>
public sealed partial class AuditSealer(IServiceProvider services, IOptions<StorageOptions> storage, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditSealer> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, byte> _due = new(StringComparer.Ordinal);
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Asks for the organization's pending events to be sealed soon; returns at once. A request already queued covers this one.</summary>
    public void Request(string orgId)
    {
        if (_due.TryAdd(orgId, 0))
        {
            _queue.Writer.TryWrite(orgId);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (storage.Value.Provider != StorageProvider.Postgres)
        {
            return Task.CompletedTask;
        }

        var database = services.GetRequiredService<PostgresDatabase>();
        return Task.WhenAll(SealRequestedAsync(database, stoppingToken), SweepAsync(database, stoppingToken));
    }

    private async Task SealRequestedAsync(PostgresDatabase database, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var org in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                // Off the list before sealing: a change that commits during the seal asks again.
                _due.TryRemove(org, out _);
                try
                {
                    await database.RunAsync(null, (connection, token) => PostgresAuditLog.SealPendingAsync(connection, org, token), stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogSealFailed(logger, exception.GetType().Name, exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(PostgresDatabase database, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SealSweepInterval, clock, stoppingToken);
                var sealedCount = await database.RunAsync(null, PostgresAuditLog.SealAllPendingAsync, stoppingToken);
                if (sealedCount > 0)
                {
                    LogSwept(logger, sealedCount);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogSweepFailed(logger, exception.GetType().Name, exception.Message, options.Value.SealSweepInterval);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sealing audit events after a change failed ({Kind}: {Reason}); the next change or sweep seals them")]
    private static partial void LogSealFailed(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The sweep sealed {Count} pending audit events")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping pending audit events failed ({Kind}: {Reason}); trying again in {Wait}")]
    private static partial void LogSweepFailed(ILogger logger, string kind, string reason, TimeSpan wait);
}
