using Customers.Server.Auth;
using Customers.Server.Storage;
using Customers.Server.Storage.Postgres;
using Customers.Server.Storage.Sqlite;

namespace Customers.Server.Infrastructure;

/// <summary>
/// One warning line at start for each thing the configuration allows but an operator should know:
/// the open development default, a gateway that proves nothing, an unverified database connection.
/// </summary>
public static partial class StartupWarnings
{
    public static void Log(WebApplication app)
    {
        var configuration = app.Configuration;
        var jwt = app.Services.GetRequiredService<JwtBearerModeOptions>();
        var gateway = app.Services.GetRequiredService<GatewayOptions>();
        var grants = configuration.GetSection(RoleGrantsOptions.Section).Get<RoleGrantsOptions>() ?? new RoleGrantsOptions();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Customers.Server.Startup");
        if (TrustProblems.IsOpenDefault(jwt, grants))
        {
            LogOpenDevelopmentDefault(logger);
        }
        else if (!jwt.IsConfigured && !gateway.RequiresClientCertificate)
        {
            LogUnprovenGateway(logger);
        }

        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.Provider == StorageProvider.Postgres && configuration.GetConnectionString("Postgres") is { } postgres
            && PostgresConnectionSettings.NamesUnverifiedSslOffTheMachine(postgres))
        {
            LogUnverifiedDatabase(logger);
        }

        var backup = configuration.GetSection(SqliteBackupOptions.Section).Get<SqliteBackupOptions>() ?? new SqliteBackupOptions();
        if (storage.Provider == StorageProvider.Sqlite && !backup.IsEnabled && !app.Environment.IsDevelopment())
        {
            LogNoBackups(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development: API_KEY may call every operation of every organization (no Authorization configured); listening on loopback only.")]
    private static partial void LogOpenDevelopmentDefault(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway mode trusts x-auth-roles from any peer that reaches this port: set Authentication:Gateway:ClientCertificateAuthority (mutual TLS), or make sure only the gateway can connect.")]
    private static partial void LogUnprovenGateway(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SQLite database is not backed up: set Storage:Backup:Directory (best on another disk), or back the file up by other means.")]
    private static partial void LogNoBackups(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ConnectionStrings:Postgres names an SSL Mode that does not verify the server's certificate, for a host off this machine.")]
    private static partial void LogUnverifiedDatabase(ILogger logger);
}
