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
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.ConnectTimeout > TimeSpan.Zero, "Storage:Timeout and Storage:ConnectTimeout must be positive.")
            .ValidateOnStart();
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
        services.AddHealthChecks().AddCheck<RepositoryHealthCheck>("repository", tags: [RepositoryHealthCheck.ReadyTag]);
        return services;
    }

    private static StorageProvider Provider(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
}

/// <summary>Readiness: the repository answers a trivial query within the storage timeout.</summary>
public sealed class RepositoryHealthCheck(ICustomerStore store) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is RepositoryUnavailableException or RepositoryTimeoutException)
        {
            return HealthCheckResult.Unhealthy("The repository does not answer.", exception);
        }
    }
}
