using System.Data.Common;
using Npgsql;

namespace Customers.Server.Storage.Postgres;

/// <summary>
/// What the service adds to the operator's connection string (README, "PostgreSQL"). Each default
/// applies only where the connection string does not name that setting itself.
/// </summary>
internal static class PostgresConnectionSettings
{
    /// <summary>
    /// Busy backends beyond about two per core only queue inside PostgreSQL (bench/RESULTS.md,
    /// PostgreSQL tuning). Per instance: instances × this must stay
    /// under the server's max_connections.
    /// </summary>
    public static int DefaultPoolSize => Math.Max(4, 2 * Environment.ProcessorCount);

    // The service runs about a dozen distinct statements: all of them stay prepared on each connection.
    private const int MaxAutoPrepare = 32;
    private const int AutoPrepareMinUsages = 2;

    // How long Npgsql trusts what it last saw of a host (primary, standby, down). Npgsql's default
    // of 10 s kept the service answering 503 for 10 s after a standby was promoted.
    private const int HostRecheckSeconds = 1;

    /// <summary>The pooled connections that serve requests, with the request timeout enforced by the server too.</summary>
    public static string ForRequests(string connectionString, StorageOptions settings)
    {
        var named = NamedSettings(connectionString);
        var timeoutMs = (long)settings.Timeout.TotalMilliseconds;
        var builder = Common(connectionString, settings, named);
        builder.Pooling = true;
        if (!named.Overlaps(["maximumpoolsize", "maxpoolsize"]))
        {
            builder.MaxPoolSize = DefaultPoolSize;
        }

        if (!named.Contains("maxautoprepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }

        if (!named.Contains("autoprepareminusages"))
        {
            builder.AutoPrepareMinUsages = AutoPrepareMinUsages;
        }

        // No session state is ever changed on a request connection (the session settings below come
        // with the startup packet), so the reset round trip on each reuse buys nothing.
        if (!named.Contains("noresetonclose"))
        {
            builder.NoResetOnClose = true;
        }

        builder.Options = string.Join(' ', new[]
        {
            builder.Options,
            $"-c statement_timeout={timeoutMs}",
            $"-c lock_timeout={timeoutMs}",
            $"-c idle_in_transaction_session_timeout={timeoutMs * 2}",
        }.Where(o => !string.IsNullOrWhiteSpace(o)));
        return builder.ConnectionString;
    }

    /// <summary>
    /// Connections for migrations: not pooled, so the session settings a migration changes never
    /// reach a request, and without the request timeouts (a migration may wait for another
    /// instance's lock, or run long).
    /// </summary>
    public static string ForMigrations(string connectionString, StorageOptions settings)
    {
        var builder = Common(connectionString, settings, NamedSettings(connectionString));
        builder.Pooling = false;
        builder.CommandTimeout = 0;
        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder Common(string connectionString, StorageOptions settings, HashSet<string> named)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = Seconds(settings.ConnectTimeout),
            CommandTimeout = BackstopCommandTimeout(settings),
            CancellationTimeout = (int)PostgresDatabase.CancellationWait.TotalMilliseconds,
        };
        if (!named.Contains("hostrecheckseconds"))
        {
            builder.HostRecheckSeconds = HostRecheckSeconds;
        }

        // Npgsql's default (Prefer) encrypts when it can but checks no certificate: anyone on the
        // path can answer as the database. Off the machine, the server must prove its name.
        if (!named.Contains("sslmode") && LeavesTheMachine(builder))
        {
            builder.SslMode = SslMode.VerifyFull;
        }

        return builder;
    }

    /// <summary>Whether any host of the connection string is neither a loopback address nor a Unix socket.</summary>
    public static bool LeavesTheMachine(NpgsqlConnectionStringBuilder builder) =>
        (builder.Host ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(HostName)
            .Any(host => !host.StartsWith('/') && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                && !(System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip)));

    /// <summary>Whether the operator named an SSL mode that does not check the server's certificate, for a host off the machine.</summary>
    public static bool NamesUnverifiedSslOffTheMachine(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return NamedSettings(connectionString).Contains("sslmode") && builder.SslMode is not (SslMode.VerifyFull or SslMode.VerifyCA)
            && LeavesTheMachine(builder);
    }

    // "db1:5432" → db1, "[::1]:5432" → ::1, "/var/run/postgresql" stays a socket path.
    private static string HostName(string host)
    {
        if (host.StartsWith('['))
        {
            return host[1..host.IndexOf(']', StringComparison.Ordinal)];
        }

        var colon = host.LastIndexOf(':');
        return colon > 0 && host.IndexOf(':', StringComparison.Ordinal) == colon ? host[..colon] : host;
    }

    /// <summary>The settings the connection string names, lower case without spaces ("Max Pool Size" → maxpoolsize).</summary>
    private static HashSet<string> NamedSettings(string connectionString)
    {
        var plain = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return plain.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
    }

    /// <summary>
    /// Npgsql's own command timeout is a backstop only. It sends its cancel request inline, on the
    /// thread-pool thread that reads, and against a frozen server that blocks the thread for about
    /// the connect timeout (npgsql/npgsql#3277). At Storage:Timeout, as it was, 8 calls in flight
    /// stopped every request of the process for 3.5 s. Request calls are bounded by the service's own
    /// deadline instead (<see cref="PostgresDatabase"/>); this comes after that deadline and the
    /// cancellation that follows it, and ends what they cannot: a command whose cancellation Npgsql
    /// defers until the server answers the BEGIN sent with it, on a server that never answers.
    /// </summary>
    private static int BackstopCommandTimeout(StorageOptions settings) =>
        Seconds(settings.Timeout + settings.ConnectTimeout + TimeSpan.FromSeconds(2));

    private static int Seconds(TimeSpan value) => Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));
}
