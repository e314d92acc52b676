using Customers.Server.Auth;
using Customers.Server.Storage;
using Customers.Server.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Customers.Server.Infrastructure;

/// <summary>
/// What the options' validators cannot judge, because it depends on more than the values: this
/// host (usernames compare the same everywhere), the environment (what Development allows, the
/// addresses it listens on: <see cref="TrustProblems"/>), and the files and connection strings the
/// storage provider will open. Runs after the options are valid (<see cref="StartupValidation"/>).
/// </summary>
public static class ConfigurationProblems
{
    /// <summary>The first problem found, or null when the settings are usable.</summary>
    public static string? Find(IConfiguration configuration, IHostEnvironment environment, IServiceProvider services)
    {
        // Username keys must be the same on every host (Usernames in the contract).
        if (Customers.Precis.UsernameCaseMapped.HostProblem() is { } host)
        {
            return host;
        }

        var jwt = services.GetRequiredService<IOptions<JwtBearerModeOptions>>().Value;
        var grants = services.GetRequiredService<IOptions<RoleGrantsOptions>>().Value;
        var gateway = services.GetRequiredService<GatewayOptions>();
        var idempotency = services.GetRequiredService<IOptions<IdempotencyOptions>>().Value;
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var problem = TrustProblems.Find(configuration, environment, jwt, grants, gateway) ?? IdempotencyProblem(idempotency, environment);
        if (problem is not null)
        {
            return problem;
        }

        return storage.Provider == StorageProvider.Postgres
            ? PostgresProblem(configuration.GetConnectionString("Postgres"))
            : SqliteProblem(configuration, environment.ContentRootPath);
    }

    // Development uses IdempotencyFingerprints.DevelopmentKey without one; a deployed instance needs its own secret.
    private static string? IdempotencyProblem(IdempotencyOptions idempotency, IHostEnvironment environment) =>
        idempotency.FingerprintKey is null && !environment.IsDevelopment()
            ? $"{IdempotencyOptions.Section}:{nameof(IdempotencyOptions.FingerprintKey)} is required outside Development: base64 of at least {IdempotencyOptions.MinimumKeyBytes} random bytes (head -c 32 /dev/urandom | base64), from a secret store."
            : null;

    private static string? PostgresProblem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "Storage:Provider is Postgres but ConnectionStrings:Postgres is empty.";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "ConnectionStrings:Postgres names no Host." : null;
        }
        catch (ArgumentException exception)
        {
            return $"ConnectionStrings:Postgres is not a valid connection string: {exception.Message}";
        }
    }

    private static string? SqliteProblem(IConfiguration configuration, string contentRoot)
    {
        string path;
        try
        {
            path = SqliteDatabase.FileConnection(configuration, contentRoot).DataSource;
        }
        catch (InvalidOperationException exception)
        {
            return exception.Message;
        }
        catch (ArgumentException exception)
        {
            return $"ConnectionStrings:Sqlite is not a valid connection string: {exception.Message}";
        }

        try
        {
            SqliteFiles.CreateOwnerOnly(path);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"ConnectionStrings:Sqlite names {path}, which cannot be written: {exception.Message}";
        }
    }
}
