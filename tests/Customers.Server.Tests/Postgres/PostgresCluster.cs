using System.Diagnostics;
using Customers.Server.Tests.Processes;
using Npgsql;

namespace Customers.Server.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL server of the machine's own binaries: a new cluster in a temporary
/// folder, listening on 127.0.0.1 at a free port, removed on dispose. Under root (CI) it runs as
/// the postgres user, since PostgreSQL refuses to run as root. Tests can stop, start, freeze
/// (SIGSTOP), thaw and kill it, and start standbys of it (PostgresCluster.Replication.cs).
/// </summary>
public sealed partial class PostgresCluster : IAsyncDisposable
{
    private readonly string _root;
    private readonly PostgresServerSettings _settings;
    private bool _killed;

    private PostgresCluster(string root, int port, PostgresServerSettings settings)
    {
        _root = root;
        Port = port;
        _settings = settings;
    }

    /// <summary>Where initdb and pg_ctl are, or null. CUSTOMERS_PG_BIN overrides the search.</summary>
    public static string? BinDirectory { get; } = FindBinaries();

    /// <summary>Why no cluster can be started here, or null when one can.</summary>
    public static string? Unavailable => BinDirectory is null
        ? "PostgreSQL's binaries (initdb, pg_ctl) were not found: install the Debian package postgresql, or set CUSTOMERS_PG_BIN."
        : null;

    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>What the server log holds so far.</summary>
    public string ServerLog => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    private string LogFile => Path.Combine(_root, "server.log");

    public static Task<PostgresCluster> StartAsync() => StartAsync(new PostgresServerSettings());

    public static async Task<PostgresCluster> StartAsync(PostgresServerSettings settings)
    {
        var cluster = await CreateAsync(settings);
        await cluster.PostgresToolAsync("initdb", "-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        await cluster.StartServerAsync();
        return cluster;
    }

    private static async Task<PostgresCluster> CreateAsync(PostgresServerSettings settings)
    {
        if (Unavailable is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var root = Directory.CreateTempSubdirectory("customers-pg-").FullName;
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", root);
        }

        return new PostgresCluster(root, FreePort.Next(), settings);
    }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    /// <summary>A new empty database on this server; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"customers_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task StartServerAsync()
    {
        try
        {
            await StartPostmasterAsync();
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException($"{exception.Message}\nThe server log ends:\n{string.Join('\n', ServerLog.Split('\n').TakeLast(15))}", exception);
        }
    }

    private Task StartPostmasterAsync()
    {
        _killed = false;
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {_root} -c fsync={(_settings.Durable ? "on" : "off")} -c max_connections=200";
        if (_settings.SynchronousStandbys)
        {
            // pg_ctl hands -o to a shell: the quotes keep * from being a glob.
            options += " -c synchronous_standby_names='*'";
        }

        return PostgresToolAsync("pg_ctl", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options, "start");
    }

    public Task StopServerAsync() => PostgresToolAsync("pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "stop");

    /// <summary>SIGSTOP the postmaster and every backend: the server keeps its sockets but answers nothing.</summary>
    public void Freeze()
    {
        var postmaster = PostmasterPid();
        Signals.Send(postmaster, Signals.Stop);
        foreach (var child in ChildrenOf(postmaster))
        {
            Signals.Send(child, Signals.Stop);
        }
    }

    public void Thaw()
    {
        var postmaster = PostmasterPid();
        foreach (var child in ChildrenOf(postmaster))
        {
            Signals.Send(child, Signals.Cont);
        }

        Signals.Send(postmaster, Signals.Cont);
    }

    /// <summary>
    /// SIGKILL of the postmaster and every backend at once, as when its machine is lost: nothing is
    /// shut down, no client is told. The data folder stays, with what was synced or not.
    /// </summary>
    public void Kill()
    {
        var postmaster = PostmasterPid();
        var children = ChildrenOf(postmaster);
        Signals.Send(postmaster, Signals.Kill);
        foreach (var child in children)
        {
            Signals.Send(child, Signals.Kill);
        }

        _killed = true;
        foreach (var pid in children.Append(postmaster))
        {
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); IsRunning(pid) && waited.Elapsed < TimeSpan.FromSeconds(10);)
            {
                Thread.Sleep(10);
            }
        }

        // Where nothing reaps orphans (a container's first process), the dead postmaster stays a
        // zombie and its pid looks alive to the next start: its lock files go, as a reboot would take them.
        File.Delete(Path.Combine(DataDirectory, "postmaster.pid"));
        File.Delete(Path.Combine(_root, $".s.PGSQL.{Port}.lock"));
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_killed && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                Thaw();
                await PostgresToolAsync("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(_root, recursive: true);
        }
    }

    private int PostmasterPid() => int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First());

    private static IEnumerable<int> ChildrenOf(int parent) => Directory.EnumerateDirectories("/proc")
        .Select(Path.GetFileName)
        .Where(name => name!.All(char.IsAsciiDigit))
        .Select(name =>
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{name}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return (Pid: int.Parse(name!), Parent: int.Parse(fields[1]));
            }
            catch (IOException)
            {
                return (Pid: 0, Parent: 0);
            }
        })
        .Where(p => p.Parent == parent)
        .Select(p => p.Pid)
        .ToList();

    private static bool IsRoot => Environment.UserName == "root";

    private Task PostgresToolAsync(string tool, params string[] arguments)
    {
        var executable = Path.Combine(BinDirectory!, tool);
        return IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments])
            : RunAsync(executable, arguments);
    }

    private static Task RunAsync(string executable, params string[] arguments) => Command.RunAsync(executable, arguments);

    private static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("CUSTOMERS_PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }
}
