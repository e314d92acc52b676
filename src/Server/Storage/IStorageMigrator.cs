namespace Customers.Server.Storage;

/// <summary>Brings the database schema to the newest migration; safe to run again and from several instances.</summary>
public interface IStorageMigrator
{
    Task MigrateAsync(CancellationToken cancellationToken);
}

/// <summary>Migrates before the server accepts its first request.</summary>
public sealed class StorageStartup(IStorageMigrator migrator) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
