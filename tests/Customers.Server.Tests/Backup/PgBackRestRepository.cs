using System.Globalization;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Backup;

/// <summary>
/// A pgBackRest repository as deploy/pgbackrest sets it up, in a temporary folder: every step runs
/// the deploy script, so the scripts an operator runs are the ones tested.
/// </summary>
public sealed class PgBackRestRepository : IAsyncDisposable
{
    private static readonly string Scripts = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../deploy/pgbackrest"));

    private PgBackRestRepository(string folder, IReadOnlyDictionary<string, string> values)
    {
        Folder = folder;
        Values = values;
    }

    /// <summary>Why no repository can be set up here, or null.</summary>
    public static string? Unavailable => File.Exists("/usr/bin/pgbackrest")
        ? null
        : "pgBackRest is not installed (Debian package pgbackrest, which .ci/run installs).";

    public string Folder { get; }

    /// <summary>What setup.sh printed last: CONFIG, STANZA, ARCHIVE_CONF, NODES…</summary>
    public IReadOnlyDictionary<string, string> Values { get; private set; }

    /// <summary>The postgresql.conf lines of WAL archiving, for every node (up.sh's PAF_INCLUDE).</summary>
    public string ArchiveSettings => Values["ARCHIVE_CONF"];

    /// <summary>setup.sh DIR: the configuration and archive settings, before any node exists.</summary>
    public static async Task<PgBackRestRepository> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("customers-pgbackrest-").FullName;
        return new PgBackRestRepository(folder, Parse(await RunAsync("setup.sh", folder)));
    }

    /// <summary>setup.sh DIR --paf PAF_DIR: both nodes in the stanza, stanza created, archiving checked.</summary>
    public async Task AttachAsync(string formationFolder) => Values = Parse(await RunAsync("setup.sh", Folder, "--paf", formationFolder));

    /// <summary>backup.sh: a backup (full, diff or incr) of whichever node is the primary now.</summary>
    public async Task<IReadOnlyDictionary<string, string>> BackupAsync(string type) => Parse(await RunAsync("backup.sh", Folder, "--type", type));

    /// <summary>restore-drill.sh: a new server restored to the time given, promoted, on the port given.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RestoreDrillAsync(DateTime targetUtc, int port) =>
        Parse(await RunAsync("restore-drill.sh", Folder, "--target", targetUtc.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture),
            "--port", port.ToString(CultureInfo.InvariantCulture)));

    public async ValueTask DisposeAsync()
    {
        await RunAsync("down.sh", Folder, "--purge");
        Directory.Delete(Folder, recursive: true);
    }

    private static Dictionary<string, string> Parse(string output) => output.Split('\n')
        .Select(line => line.Split('=', 2))
        .Where(parts => parts.Length == 2)
        .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim());

    private static Task<string> RunAsync(string script, params string[] arguments) =>
        Command.RunAsync("bash", [Path.Combine(Scripts, script), .. arguments]);
}
