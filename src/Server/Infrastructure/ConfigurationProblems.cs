using Customers.Server.Auth;
using Customers.Server.Storage;
using Customers.Server.Storage.Sqlite;
using Npgsql;

namespace Customers.Server.Infrastructure;

/// <summary>
/// Checks the settings before the host starts, so that a mistake stops the service with one line
/// that names the setting, rather than a stack trace from deep inside the first request.
/// </summary>
public static class ConfigurationProblems
{
    /// <summary>The exit code for invalid configuration (EX_CONFIG in sysexits.h).</summary>
    public const int ExitCode = 78;

    /// <summary>The first problem found, or null when the settings are usable.</summary>
    public static string? Find(IConfiguration configuration, string contentRoot)
    {
        // Username keys must be the same on every host (Usernames in the contract).
        if (Customers.Precis.UsernameCaseMapped.HostProblem() is { } host)
        {
            return host;
        }

        StorageOptions storage;
        JwtBearerModeOptions jwt;
        try
        {
            storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            jwt = configuration.GetSection(JwtBearerModeOptions.Section).Get<JwtBearerModeOptions>() ?? new JwtBearerModeOptions();
            _ = configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>();
            _ = configuration.GetSection(RoleGrantsOptions.Section).Get<RoleGrantsOptions>();
        }
        catch (InvalidOperationException exception)
        {
            // "Failed to convert configuration value 'x' at 'Storage:Provider' to type …": the setting and the value.
            return exception.Message.Split(" to type ")[0].Replace("Failed to convert", "Cannot read", StringComparison.Ordinal)
                + (exception.InnerException is { } inner ? $": {inner.Message}" : ".");
        }

        if (storage.Timeout <= TimeSpan.Zero || storage.ConnectTimeout <= TimeSpan.Zero)
        {
            return "Storage:Timeout and Storage:ConnectTimeout must be positive time spans such as 00:00:05.";
        }

        if (JwtProblem(jwt) is { } jwtProblem)
        {
            return jwtProblem;
        }

        return storage.Provider == StorageProvider.Postgres
            ? PostgresProblem(configuration.GetConnectionString("Postgres"))
            : SqliteProblem(configuration, contentRoot);
    }

    // Half a JWT configuration must not fall back to trusting x-auth-roles, and a short key would
    // only show as every token refused.
    private static string? JwtProblem(JwtBearerModeOptions jwt)
    {
        var issuer = !string.IsNullOrWhiteSpace(jwt.Issuer);
        var key = !string.IsNullOrWhiteSpace(jwt.SigningKey);
        if (issuer != key)
        {
            return "Authentication:Jwt needs both Issuer and SigningKey (or neither, for the x-auth-roles gateway mode); only "
                + (issuer ? "Issuer" : "SigningKey") + " is set.";
        }

        return key && System.Text.Encoding.UTF8.GetByteCount(jwt.SigningKey!) < 32
            ? "Authentication:Jwt:SigningKey must be at least 32 bytes (HS256)."
            : null;
    }

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
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var probe = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"ConnectionStrings:Sqlite names {path}, which cannot be written: {exception.Message}";
        }
    }
}
