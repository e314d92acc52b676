using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Customers.Server.Storage.Sqlite;

/// <summary>
/// Takes an online backup of the SQLite database every <see cref="SqliteBackupOptions.Interval"/>,
/// with SQLite's backup API: one consistent snapshot (a read transaction, which in WAL mode never
/// stops the writer), written under a temporary name, checked with <c>PRAGMA integrity_check</c>,
/// then renamed to <c>customers-&lt;UTC start time&gt;.db</c>, so that a file with that name is always
/// a complete, checked backup of everything committed before that time. Only the newest
/// <see cref="SqliteBackupOptions.Keep"/> are kept. A restore is starting the service on a copy of
/// one (docs/data-lifecycle.md). A failure is one warning line and a retry after a back-off; it
/// never makes the service unready. The age of the last good backup is the metric
/// <c>customers.storage.backup.age</c>.
/// </summary>
public sealed partial class SqliteBackup : BackgroundService
{
    public const string FilePrefix = "customers-";
    private const string TimeFormat = "yyyyMMdd'T'HHmmss.fff'Z'";
    private const string PartialSuffix = ".partial";

    private readonly IServiceProvider _services;
    private readonly bool _enabled;
    private readonly SqliteBackupOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<SqliteBackup> _logger;
    private DateTimeOffset? _lastSuccess;

    public SqliteBackup(IServiceProvider services, IOptions<StorageOptions> storage, IOptions<SqliteBackupOptions> options, TimeProvider clock,
        ILogger<SqliteBackup> logger, IMeterFactory meters)
    {
        (_services, _options, _clock, _logger) = (services, options.Value, clock, logger);
        _enabled = storage.Value.Provider == StorageProvider.Sqlite && _options.IsEnabled;
        meters.Create(Errors.ExpectedFailures.MeterName).CreateObservableGauge<double>("customers.storage.backup.age",
            () => _lastSuccess is { } last ? [new Measurement<double>((_clock.GetUtcNow() - last).TotalSeconds)] : Array.Empty<Measurement<double>>(),
            unit: "s", description: "Seconds since the last successful backup of the SQLite database (none before the first).");
    }

    /// <summary>The complete backups in <paramref name="directory"/>, oldest first (their names sort by time).</summary>
    public static IReadOnlyList<string> Backups(string directory) =>
        System.IO.Directory.Exists(directory)
            ? System.IO.Directory.GetFiles(directory, $"{FilePrefix}*.db").Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>When the backup in <paramref name="path"/> was started: everything committed before that time is in it.</summary>
    public static DateTimeOffset StartedAt(string path) => DateTimeOffset.ParseExact(
        Path.GetFileNameWithoutExtension(path)[FilePrefix.Length..], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            return;
        }

        var wait = _options.Interval;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, _clock, stoppingToken);
                // The backup API and the check are synchronous SQLite calls: off the timer's thread.
                var path = await Task.Run(TakeBackup, stoppingToken);
                LogTaken(_logger, path);
                failures = 0;
                wait = _options.Interval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                var backOff = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(failures - 1, 16)) * 30, _options.Interval.TotalSeconds));
                wait = backOff;
                LogFailed(_logger, failures, exception.GetType().Name, exception.Message, wait);
            }
        }
    }

    /// <summary>Takes one backup now; returns its path.</summary>
    public string TakeBackup()
    {
        var directory = Path.GetFullPath(_options.Directory!, _services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        var startedAt = _clock.GetUtcNow();
        var final = Path.Combine(directory, FilePrefix + startedAt.ToString(TimeFormat, CultureInfo.InvariantCulture) + ".db");
        var partial = final + PartialSuffix;
        SqliteFiles.CreateOwnerOnly(partial); // and the folder, 0700, when missing
        try
        {
            Copy(partial);
            File.Move(partial, final);
        }
        finally
        {
            File.Delete(partial);
        }

        _lastSuccess = startedAt;
        DeleteOldBackups(directory);
        return final;
    }

    private void Copy(string partial)
    {
        var destination = new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ToString();
        var database = _services.GetRequiredService<SqliteDatabase>(); // not before: on PostgreSQL it is never made
        using (var source = new SqliteConnection(new SqliteConnectionStringBuilder(database.ConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString()))
        using (var target = new SqliteConnection(destination))
        {
            source.Open();
            target.Open();
            source.BackupDatabase(target); // all pages in one step: one snapshot of the source
            using var selfContained = target.CreateCommand();
            selfContained.CommandText = "PRAGMA journal_mode = DELETE;"; // a backup is one self-contained file, no WAL beside it
            selfContained.ExecuteNonQuery();
        }

        using var check = new SqliteConnection(new SqliteConnectionStringBuilder(destination) { Mode = SqliteOpenMode.ReadOnly }.ToString());
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        if (command.ExecuteScalar() as string is not "ok" and var result)
        {
            throw new InvalidDataException($"The backup failed its integrity check: {result}");
        }
    }

    private void DeleteOldBackups(string directory)
    {
        var backups = Backups(directory);
        foreach (var old in backups.Take(Math.Max(0, backups.Count - _options.Keep)))
        {
            File.Delete(old);
        }

        // Left by a backup that was interrupted (the process killed): never complete, never checked.
        foreach (var stale in System.IO.Directory.GetFiles(directory, $"{FilePrefix}*.db{PartialSuffix}"))
        {
            if (File.GetLastWriteTimeUtc(stale) < _clock.GetUtcNow().UtcDateTime - _options.Interval)
            {
                File.Delete(stale);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite backup written to {Path}")]
    private static partial void LogTaken(ILogger logger, string path);

    // One line, no stack trace: a full disk must not fill the log too.
    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite backup failed ({Failures} in a row, {Kind}: {Reason}); trying again in {Wait}")]
    private static partial void LogFailed(ILogger logger, int failures, string kind, string reason, TimeSpan wait);
}
