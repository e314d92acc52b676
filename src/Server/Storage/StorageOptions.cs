using Customers.Server.Infrastructure;

namespace Customers.Server.Storage;

/// <summary>Storage settings (section "Storage"); connection strings live under ConnectionStrings.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Sqlite (the embedded default) or Postgres.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>How long one repository call may take before the request answers 504.</summary>
    [TimeSpanRange(OptionRules.Zero, MinimumIsExclusive = true, ErrorMessage = OptionRules.PositiveTimeSpan)]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long opening a PostgreSQL connection may take before the request answers 503.</summary>
    [TimeSpanRange(OptionRules.Zero, MinimumIsExclusive = true, ErrorMessage = OptionRules.PositiveTimeSpan)]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// SQLite's synchronous setting for commits: Full (default) syncs every commit to disk, so an
    /// acknowledged credential survives a power loss; Normal is faster and survives a crash of the
    /// process but may lose the last commits on an OS crash or power loss.
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>
    /// Erased and deleted data leaves the SQLite files: SQLite's secure_delete zeroes a deleted
    /// row's bytes and freed pages, and the writer truncates the WAL after a commit that removed
    /// personal data. Off: deleted usernames stay in free space and WAL frames until SQLite
    /// reuses them (cheaper deletes; only for data that no erasure promise covers).
    /// </summary>
    public bool SqliteSecureDelete { get; set; } = true;

    /// <summary>
    /// Group commit on SQLite: the writer commits up to this many queued writes in one transaction
    /// (one fsync), each in its own savepoint, and answers each after that commit. 1 commits every
    /// write on its own. Durability is the same either way; only the number of fsyncs changes.
    /// </summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int SqliteMaxWritesPerCommit { get; set; } = 64;

    /// <summary>
    /// The most credentials one customer may hold; one more answers 409 CREDENTIAL_LIMIT_REACHED. A
    /// customer's logins are a handful of addresses, so 25 leaves room while keeping every list of
    /// a customer small (README, Behaviour worth knowing).
    /// </summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int MaxCredentialsPerCustomer { get; set; } = 25;

    /// <summary>
    /// The most repository calls an instance lets wait at once (SQLite: writes queued for the
    /// writer; PostgreSQL: calls holding or waiting for a connection). One more answers 503
    /// SERVICE_OVERLOADED at once, instead of queueing into a 504.
    /// </summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int MaxPendingCalls { get; set; } = 256;

    /// <summary>The most of <see cref="MaxPendingCalls"/> that one organization may hold, so that a flood leaves room for the others.</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int MaxPendingCallsPerOrganization { get; set; } = 128;

    /// <summary>Expired idempotency keys are purged this long after the start, then every <see cref="KeyPurgeInterval"/>.</summary>
    [TimeSpanRange(OptionRules.Zero, ErrorMessage = OptionRules.NotNegativeTimeSpan)]
    public TimeSpan KeyPurgeFirstDelay { get; set; } = TimeSpan.FromSeconds(30);

    [TimeSpanRange(OptionRules.Zero, MinimumIsExclusive = true, ErrorMessage = OptionRules.PositiveTimeSpan)]
    public TimeSpan KeyPurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The first wait after a failed purge; each further failure doubles it, up to <see cref="KeyPurgeInterval"/>.</summary>
    [TimeSpanRange(OptionRules.Zero, MinimumIsExclusive = true, ErrorMessage = OptionRules.PositiveTimeSpan)]
    public TimeSpan KeyPurgeRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Keys deleted by one statement.</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int KeyPurgeBatchSize { get; set; } = 1000;

    /// <summary>
    /// Where PostgreSQL reads go when the connection string names several hosts. Writes always go to
    /// the primary. Primary (default): every read sees every acknowledged write. PreferStandby: lists
    /// are read from a standby when one is up, and may miss a credential created or still show one
    /// deleted a moment ago (README, "PostgreSQL").
    /// </summary>
    public PostgresReadFrom PostgresReadFrom { get; set; } = PostgresReadFrom.Primary;
}

public enum PostgresReadFrom
{
    Primary,
    PreferStandby,
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

public enum SqliteSynchronous
{
    Normal,
    Full,
}
