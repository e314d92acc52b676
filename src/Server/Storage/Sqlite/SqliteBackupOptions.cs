using Customers.Server.Infrastructure;

namespace Customers.Server.Storage.Sqlite;

/// <summary>
/// Online backups of the embedded SQLite database (section "Storage:Backup"). Off until
/// <see cref="Directory"/> is set; a deployed SQLite instance without it warns at start. Backups
/// hold what the database held when they were taken, erased customers included, until they age
/// out: <see cref="Keep"/> × <see cref="Interval"/> (docs/data-lifecycle.md).
/// </summary>
public sealed class SqliteBackupOptions
{
    public const string Section = "Storage:Backup";

    /// <summary>Where backups are written (created 0700); best another disk than the database's.</summary>
    public string? Directory { get; set; }

    /// <summary>Time between two backups; the first is taken one interval after the start.</summary>
    [TimeSpanRange(OptionRules.Zero, MinimumIsExclusive = true, ErrorMessage = OptionRules.PositiveTimeSpan)]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many of the newest backups are kept; older ones are deleted after each new one.</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int Keep { get; set; } = 24;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Directory);
}
