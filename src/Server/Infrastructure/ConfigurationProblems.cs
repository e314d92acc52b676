using System.Text;
using Customers.Server.Auth;
using Customers.Server.Storage;
using Customers.Server.Storage.Sqlite;
using Microsoft.IdentityModel.Tokens;
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
    public static string? Find(IConfiguration configuration, IHostEnvironment environment)
    {
        var contentRoot = environment.ContentRootPath;
        // Username keys must be the same on every host (Usernames in the contract).
        if (Customers.Precis.UsernameCaseMapped.HostProblem() is { } host)
        {
            return host;
        }

        StorageOptions storage;
        JwtBearerModeOptions jwt;
        LimitsOptions limits;
        RoleGrantsOptions grants;
        GatewayOptions gateway;
        Limits.OrganizationLimitsOptions organization;
        IdempotencyOptions idempotency;
        SqliteBackupOptions backup;
        Audit.AuditOptions audit;
        try
        {
            audit = configuration.GetSection(Audit.AuditOptions.Section).Get<Audit.AuditOptions>() ?? new Audit.AuditOptions();
            backup = configuration.GetSection(SqliteBackupOptions.Section).Get<SqliteBackupOptions>() ?? new SqliteBackupOptions();
            idempotency = configuration.GetSection(IdempotencyOptions.Section).Get<IdempotencyOptions>() ?? new IdempotencyOptions();
            organization = configuration.GetSection(Limits.OrganizationLimitsOptions.Section).Get<Limits.OrganizationLimitsOptions>() ?? new Limits.OrganizationLimitsOptions();
            storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            jwt = configuration.GetSection(JwtBearerModeOptions.Section).Get<JwtBearerModeOptions>() ?? new JwtBearerModeOptions();
            limits = configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
            grants = configuration.GetSection(RoleGrantsOptions.Section).Get<RoleGrantsOptions>() ?? new RoleGrantsOptions();
            gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
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

        if (storage.MaxCredentialsPerCustomer < 1 || storage.KeyPurgeBatchSize < 1 || storage.SqliteMaxWritesPerCommit < 1 || storage.KeyPurgeFirstDelay < TimeSpan.Zero
            || storage.KeyPurgeInterval <= TimeSpan.Zero || storage.KeyPurgeRetryDelay <= TimeSpan.Zero)
        {
            return "Storage:MaxCredentialsPerCustomer, Storage:KeyPurgeBatchSize and Storage:SqliteMaxWritesPerCommit must be at least 1, the KeyPurge intervals positive.";
        }

        if (limits.MaxRequestBodyBytes < 1 || limits.MaxRequestHeadersTotalBytes < 1 || limits.MaxRequestHeaderCount < 1 || limits.MaxRequestLineBytes < 1)
        {
            return "Limits:MaxRequestBodyBytes, MaxRequestHeadersTotalBytes, MaxRequestHeaderCount and MaxRequestLineBytes must be at least 1 (Kestrel refuses 0 or less).";
        }

        if (organization.ReadsPerSecond < 0 || organization.WritesPerSecond < 0 || organization.MaxCustomers < 0
            || organization.ReadsBurst < 1 || organization.WritesBurst < 1)
        {
            return "Limits:Organization:ReadsPerSecond, WritesPerSecond and MaxCustomers must be 0 (no limit) or more, ReadsBurst and WritesBurst at least 1.";
        }

        if (storage.MaxPendingCalls < 1 || storage.MaxPendingCallsPerOrganization < 1 || storage.MaxPendingCallsPerOrganization > storage.MaxPendingCalls)
        {
            return "Storage:MaxPendingCalls must be at least 1, and Storage:MaxPendingCallsPerOrganization from 1 to Storage:MaxPendingCalls.";
        }

        var problem = JwtProblem(jwt) ?? TrustProblems.Find(configuration, environment, jwt, grants, gateway) ?? idempotency.Problem(environment.IsDevelopment()) ?? backup.Problem() ?? audit.Problem();
        if (problem is not null)
        {
            return problem;
        }

        return storage.Provider == StorageProvider.Postgres
            ? PostgresProblem(configuration.GetConnectionString("Postgres"))
            : SqliteProblem(configuration, contentRoot);
    }

    // Half a JWT configuration must not fall back to trusting x-auth-roles, and a mistake must not
    // only show as every token refused.
    private static string? JwtProblem(JwtBearerModeOptions jwt)
    {
        if (!jwt.IsConfigured)
        {
            return null;
        }

        var key = !string.IsNullOrWhiteSpace(jwt.SigningKey);
        if (jwt.UsesIdentityProvider && key)
        {
            return "Authentication:Jwt takes an identity provider (Authority or MetadataAddress) or a SigningKey (development only), not both.";
        }

        if (!jwt.UsesIdentityProvider && !key)
        {
            return "Authentication:Jwt needs an identity provider: Authority (or MetadataAddress) of its OpenID Connect discovery document.";
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            return "Authentication:Jwt:Audience is required in JWT mode: the name of this API in the tokens' aud claim.";
        }

        if (jwt.UsesIdentityProvider)
        {
            var address = jwt.MetadataAddress ?? jwt.Authority!;
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && AuthenticationSetup.IsLoopback(address))))
            {
                return $"Authentication:Jwt:{(jwt.MetadataAddress is null ? "Authority" : "MetadataAddress")} must be an https URL (http only on a loopback address); it is '{address}'.";
            }
        }
        else if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            return "Authentication:Jwt:SigningKey needs Authentication:Jwt:Issuer too.";
        }
        else if (Encoding.UTF8.GetByteCount(jwt.SigningKey!) < 32)
        {
            return "Authentication:Jwt:SigningKey must be at least 32 bytes (HS256).";
        }

        // IdentityModel's ConfigurationManager throws on the first request below these (IDX10107, IDX10108).
        if (jwt.UsesIdentityProvider && (jwt.KeyRefreshInterval < BaseConfigurationManager.MinimumRefreshInterval
            || jwt.KeysMaxAge < BaseConfigurationManager.MinimumAutomaticRefreshInterval))
        {
            return $"Authentication:Jwt:KeyRefreshInterval must be at least {BaseConfigurationManager.MinimumRefreshInterval:c} and KeysMaxAge at least {BaseConfigurationManager.MinimumAutomaticRefreshInterval:c} (IdentityModel's lower bounds); they are {jwt.KeyRefreshInterval:c} and {jwt.KeysMaxAge:c}.";
        }

        return jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromMinutes(5)
            ? "Authentication:Jwt:ClockSkew must be from 0 to 00:05:00."
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
            SqliteFiles.CreateOwnerOnly(path);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"ConnectionStrings:Sqlite names {path}, which cannot be written: {exception.Message}";
        }
    }
}
