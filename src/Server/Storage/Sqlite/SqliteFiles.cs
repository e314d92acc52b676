namespace Customers.Server.Storage.Sqlite;

/// <summary>
/// The database holds customers' logins, so its files are the service user's alone (0600). SQLite
/// creates the WAL, shared-memory and journal files with the database file's permissions, so
/// creating that file first, owner-only, covers them; files left by an earlier version are
/// tightened at start.
/// </summary>
public static class SqliteFiles
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly string[] Companions = ["", "-wal", "-shm", "-journal"];

    /// <summary>Creates the database file (and its folder, 0700) if missing, and takes group and other access off it and its companions.</summary>
    public static void CreateOwnerOnly(string databasePath)
    {
        var folder = Path.GetDirectoryName(databasePath)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            using var _ = new FileStream(databasePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
            return;
        }

        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using (new FileStream(databasePath, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite, UnixCreateMode = OwnerOnly,
        }))
        {
        }

        foreach (var suffix in Companions)
        {
            var path = databasePath + suffix;
            if (File.Exists(path) && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) & OwnerOnly);
            }
        }
    }
}
