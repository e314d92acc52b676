using Customers.Server.Infrastructure;
using Customers.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customers.Server.Tests.Storage;

/// <summary>The background purge never stops the service: it backs off on failure and deletes in batches; a background failure that does stop the host exits non-zero.</summary>
public sealed class IdempotencyKeyPurgeTests
{
    [Fact]
    public async Task A_failing_purge_backs_off_doubling_and_then_deletes_every_batch()
    {
        var store = new ScriptedPurges([new TimeoutException("the repository did not answer"), new InvalidOperationException("disk I/O error"), 10, 10, 3]);
        var logs = new ListLogger();
        var purge = new IdempotencyKeyPurge(store, TimeProvider.System, Options.Create(new StorageOptions
        {
            KeyPurgeFirstDelay = TimeSpan.FromMilliseconds(10),
            KeyPurgeRetryDelay = TimeSpan.FromMilliseconds(20),
            KeyPurgeInterval = TimeSpan.FromHours(1),
            KeyPurgeBatchSize = 10,
        }), logs);

        await purge.StartAsync(default);
        await store.Done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        await purge.StopAsync(default);

        Assert.False(purge.ExecuteTask!.IsFaulted);
        Assert.Equal(
        [
            "Warning: Purging expired idempotency keys failed (1 in a row, TimeoutException: the repository did not answer); trying again in 00:00:00.0200000",
            "Warning: Purging expired idempotency keys failed (2 in a row, InvalidOperationException: disk I/O error); trying again in 00:00:00.0400000",
            "Information: Purged 23 expired idempotency keys",
        ], logs.Lines);
    }

    [Fact]
    public async Task A_background_failure_that_stops_the_host_makes_the_exit_code_non_zero()
    {
        Assert.Equal(HostExit.FailedCode, await ExitCodeAfterRunningAsync(new Failing()));
        Assert.Equal(0, await ExitCodeAfterRunningAsync(new Stopping()));
    }

    private static async Task<int> ExitCodeAfterRunningAsync(BackgroundService service)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IHostedService>(service);
        builder.Services.AddLogging();
        using var host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        if (service is Stopping stopping)
        {
            stopping.Lifetime = lifetime;
        }

        var watched = HostExit.Watch(host.Services);
        await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return HostExit.CodeFor(watched);
    }

    private sealed class Failing : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("fatal");
        }
    }

    private sealed class Stopping : BackgroundService
    {
        public IHostApplicationLifetime? Lifetime { get; set; }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            Lifetime!.StopApplication();
        }
    }

    /// <summary>Answers the purge calls in order: a number of deleted keys, or an exception to throw.</summary>
    private sealed class ScriptedPurges(object[] script) : ICustomerStore
    {
        private int _next;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<int> PurgeExpiredKeysAsync(int batchSize, CancellationToken cancellationToken)
        {
            var step = script[_next++];
            if (_next == script.Length)
            {
                Done.TrySetResult();
            }

            return step is Exception exception ? Task.FromException<int>(exception) : Task.FromResult((int)step);
        }

        public Task<CreateCustomerResult> CreateCustomerAsync(string orgId, string? externalId, IdempotencyKey? key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CustomerRecord?> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CreateCredentialResult> CreateCredentialAsync(string orgId, Guid customerId, string username, IdempotencyKey? key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<CredentialRecord>?> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DeleteCredentialOutcome> DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> EraseCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<Customers.Server.Audit.AuditEntry>> ReadAuditEventsAsync(string orgId, long after, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Customers.Server.Audit.AuditChainEnds> ReadAuditChainEndsAsync(string orgId, CancellationToken cancellationToken) => throw new NotSupportedException();

        // Nothing to purge: the audit purge runs in the same host as the key purge under test.
        public Task<int> PurgeAuditEventsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) => Task.FromResult(0);

        public Task PingAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class ListLogger : ILogger<IdempotencyKeyPurge>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " +exception")}");
            }
        }
    }
}
