using Customers.Server.Infrastructure;
using Customers.Server.Limits;
using Customers.Server.Storage.Postgres;
using Customers.Server.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Customers.Server.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the repository that Storage:Provider names, its migrations (applied before the
    /// first request) and its readiness check. The provider is read when the services are built,
    /// so every configuration source counts.
    /// </summary>
    public static IServiceCollection AddCustomerStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section).Bind(configuration.GetSection(StorageOptions.Section));
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsRules>();
        // The customer quota is the organization's, but the stores enforce it in the create's transaction.
        services.AddValidatedOptions<OrganizationLimitsOptions, OrganizationLimitsOptionsValidator>(OrganizationLimitsOptions.Section).Bind(configuration.GetSection(OrganizationLimitsOptions.Section));
        services.AddValidatedOptions<IdempotencyOptions, IdempotencyOptionsValidator>(IdempotencyOptions.Section).Bind(configuration.GetSection(IdempotencyOptions.Section));
        services.AddSingleton<IdempotencyFingerprints>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<SqliteCustomerStore>();
        services.AddSingleton<SqliteMigrator>();
        services.AddSingleton<PostgresDatabase>();
        services.AddSingleton<PostgresCustomerStore>();
        services.AddSingleton<PostgresMigrator>();
        services.AddSingleton<ICustomerStore>(provider => Provider(provider) == StorageProvider.Postgres
            ? provider.GetRequiredService<PostgresCustomerStore>()
            : provider.GetRequiredService<SqliteCustomerStore>());
        services.AddSingleton<IStorageMigrator>(provider => Provider(provider) == StorageProvider.Postgres
            ? provider.GetRequiredService<PostgresMigrator>()
            : provider.GetRequiredService<SqliteMigrator>());
        services.AddHostedService<StorageStartup>();
        services.AddHostedService<IdempotencyKeyPurge>();
        services.AddValidatedOptions<Audit.AuditOptions, AuditOptionsValidator>(Audit.AuditOptions.Section).Bind(configuration.GetSection(Audit.AuditOptions.Section));
        services.AddHostedService<Audit.AuditPurge>();
        services.AddSingleton<Audit.AuditSealer>();
        services.AddHostedService(provider => provider.GetRequiredService<Audit.AuditSealer>());
        services.AddValidatedOptions<SqliteBackupOptions, SqliteBackupOptionsValidator>(SqliteBackupOptions.Section).Bind(configuration.GetSection(SqliteBackupOptions.Section));
        services.AddSingleton<SqliteBackup>();
        services.AddHostedService(provider => provider.GetRequiredService<SqliteBackup>());
        services.AddSingleton<AdmissionGate>();
        services.AddSingleton<RepositoryHealthCheck>(); // one instance: it keeps the last probe
        services.AddHealthChecks().AddCheck<RepositoryHealthCheck>("repository", tags: [RepositoryHealthCheck.ReadyTag]);
        return services;
    }

    private static StorageProvider Provider(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
}

/// <summary>
/// Readiness: the repository answers a trivial query within the storage timeout. The answer is
/// kept for <see cref="CacheFor"/>, and callers that come while a probe runs share it, so that
/// /health/ready (which needs no roles) costs the database at most one query a second, however
/// often it is called.
/// </summary>
public sealed class RepositoryHealthCheck(ICustomerStore store, TimeProvider clock) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _probe;
    private long _probedAt;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> probe;
        lock (_lock)
        {
            if (_probe is null || (_probe.IsCompleted && clock.GetElapsedTime(_probedAt) >= CacheFor))
            {
                _probedAt = clock.GetTimestamp();
                _probe = ProbeAsync();
            }

            probe = _probe;
        }

        return probe.WaitAsync(cancellationToken);
    }

    // Not tied to one caller's cancellation: others share it. Storage:Timeout bounds it.
    private async Task<HealthCheckResult> ProbeAsync()
    {
        try
        {
            await store.PingAsync(CancellationToken.None);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is RepositoryUnavailableException or RepositoryTimeoutException or RepositoryOverloadedException)
        {
            return HealthCheckResult.Unhealthy("The repository does not answer.", exception);
        }
    }
}
