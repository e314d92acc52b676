using Customers.Server.Tests.Processes;
using Npgsql;

namespace Customers.Server.Tests.Failover;

/// <summary>
/// The shape deploy/pg-auto-failover starts: a pg_auto_failover monitor, a primary and a
/// synchronous standby on 127.0.0.1. The manager, not the test, decides when to promote.
/// </summary>
public sealed class AutoFailoverFormation : IAsyncDisposable
{
    private static readonly string Scripts = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../deploy/pg-auto-failover"));
    private readonly string _folder;

    private AutoFailoverFormation(string folder, IReadOnlyDictionary<string, string> values)
    {
        _folder = folder;
        Values = values;
    }

    /// <summary>Why the formation cannot be started here, or null.</summary>
    public static string? Unavailable => File.Exists("/usr/bin/pg_autoctl")
        ? null
        : "pg_auto_failover is not installed (Debian package postgresql-15-auto-failover).";

    /// <summary>What up.sh printed: ports, data folders, CONNECTION_STRING, UP_SECONDS…</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    public string ConnectionString => Values["CONNECTION_STRING"];

    public static Task<AutoFailoverFormation> StartAsync() => StartAsync(new Dictionary<string, string>());

    /// <summary>up.sh with more of its environment, e.g. PAF_INCLUDE (deploy/pgbackrest's archive settings).</summary>
    public static async Task<AutoFailoverFormation> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var folder = Directory.CreateTempSubdirectory("customers-paf-").FullName;
        var output = await Command.RunAsync("env", [.. environment.Select(e => $"{e.Key}={e.Value}"), "bash", Path.Combine(Scripts, "up.sh"), folder]);
        return new AutoFailoverFormation(folder, Parse(output));
    }

    /// <summary>kill-primary.sh: SIGKILL of the primary's keeper and postgres; returns the port that died.</summary>
    public async Task<int> KillPrimaryAsync() => int.Parse(Parse(await RunAsync("kill-primary.sh", _folder))["KILLED_PORT"]);

    /// <summary>The node on this port takes writes: promoted, and not read-only any more.</summary>
    public static async Task<bool> IsWritableAsync(int port)
    {
        try
        {
            await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=1");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT NOT pg_is_in_recovery() AND NOT current_setting('transaction_read_only')::boolean;", connection);
            return (bool)(await command.ExecuteScalarAsync())!;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("down.sh", _folder, "--purge");
        Directory.Delete(_folder, recursive: true);
    }

    private static Dictionary<string, string> Parse(string output) => output.Split('\n')
        .Select(line => line.Split('=', 2))
        .Where(parts => parts.Length == 2)
        .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim());

    private static Task<string> RunAsync(string script, params string[] arguments) =>
        Command.RunAsync("bash", [Path.Combine(Scripts, script), .. arguments]);
}
