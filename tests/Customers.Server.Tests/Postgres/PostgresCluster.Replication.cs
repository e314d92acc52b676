using System.Diagnostics;
using Npgsql;

namespace Customers.Server.Tests.Postgres;

/// <summary>
/// How a test server runs. Durable: fsync on (the default of a real server; off in most tests
/// because it only costs time there). SynchronousStandbys: a commit waits until a standby has the
/// transaction (synchronous_standby_names = '*').
/// </summary>
public sealed record PostgresServerSettings(bool Durable = false, bool SynchronousStandbys = false);

/// <summary>PostgreSQL's own high-availability shape: streaming standbys of a primary, promoted by hand.</summary>
public sealed partial class PostgresCluster
{
    /// <summary>
    /// A streaming standby of this server (pg_basebackup -R), started and caught up. It has no
    /// synchronous standbys of its own: once promoted it commits alone, as a manager leaves a
    /// lone survivor.
    /// </summary>
    public async Task<PostgresCluster> StartStandbyAsync()
    {
        var standby = await CreateAsync(_settings with { SynchronousStandbys = false });
        await PostgresToolAsync("pg_basebackup", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", "-D", standby.DataDirectory,
            "-R", "-X", "stream", "-c", "fast", "--no-sync");
        await standby.StartServerAsync();
        await WaitForStandbyAsync();
        return standby;
    }

    /// <summary>pg_ctl promote: the standby ends recovery and takes writes; returns when it does.</summary>
    public Task PromoteAsync() => PostgresToolAsync("pg_ctl", "-D", DataDirectory, "-w", "-t", "60", "promote");

    /// <summary>
    /// Starts this stopped former primary again as a standby of <paramref name="primary"/> (the
    /// second half of a switchover). It was shut down cleanly, so its history is a prefix of the
    /// new primary's and no rewind is needed.
    /// </summary>
    public async Task FollowAsync(PostgresCluster primary)
    {
        var signal = Path.Combine(DataDirectory, "standby.signal");
        var settings = Path.Combine(DataDirectory, "postgresql.auto.conf");
        await File.WriteAllTextAsync(signal, "");
        await File.AppendAllTextAsync(settings, $"primary_conninfo = 'host=127.0.0.1 port={primary.Port} user=postgres'\n");
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", signal, settings);
        }

        await StartServerAsync();
        await primary.WaitForStandbyAsync();
    }

    /// <summary>A connection string naming every server given, in order, for the same database.</summary>
    public static string MultiHostConnectionString(string database, params PostgresCluster[] servers) =>
        $"Host={string.Join(',', servers.Select(s => $"127.0.0.1:{s.Port}"))};Username=postgres;Database={database}";

    /// <summary>Whether this server takes writes now (not in recovery).</summary>
    public async Task<bool> IsPrimaryAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT NOT pg_is_in_recovery();", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task WaitForStandbyAsync()
    {
        var wanted = _settings.SynchronousStandbys ? "sync" : "async";
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
        {
            await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = @wanted;", connection);
            command.Parameters.AddWithValue("wanted", wanted);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }
        }

        throw new TimeoutException($"No {wanted} standby streams from the server on port {Port} after 30 s:\n{ServerLog}");
    }
}
