using Microsoft.Data.Sqlite;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;

namespace Customers.Server.Storage.Sqlite;

/// <summary>
/// Lends sessions (open connections with their prepared statements) on the SQLite file and owns the
/// single writer. SQLite lets one writer in at a time; writers that race on pooled connections meet
/// SQLITE_BUSY, and Microsoft.Data.Sqlite then sleeps 150 ms before it retries, which shows as a
/// long tail. Writes therefore queue for the one <see cref="SqliteWriter"/>, which commits them in
/// groups, and readers (WAL) never wait for them. One service process per file.
/// Reads and writes call Microsoft.Data.Sqlite's synchronous methods: its async ones only wrap
/// them, at a cost per call, and an indexed read from the page cache takes microseconds.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly ObjectPool<SqliteSession> _readers;
    private readonly Lazy<SqliteWriter> _writer;

    private readonly AdmissionGate _gate;

    public SqliteDatabase(IConfiguration configuration, IOptions<StorageOptions> options, IHostEnvironment environment, AdmissionGate gate)
    {
        _gate = gate;
        Timeout = options.Value.Timeout;
        var builder = FileConnection(configuration, environment.ContentRootPath);
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = false; // Sessions stay open instead; a disposed one really closes.
        builder.ForeignKeys = true;
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(Timeout.TotalSeconds));
        ConnectionString = builder.ToString();
        FilePath = builder.DataSource;
        SqliteFiles.CreateOwnerOnly(FilePath);
        // secure_delete: a deleted row's bytes are zeroed in its page and freed pages are cleared, so
        // that an erased username is gone from the file, not left in free space (docs/data-lifecycle.md).
        var secureDelete = options.Value.SqliteSecureDelete;
        var synchronousPragma = $"PRAGMA synchronous = {options.Value.SqliteSynchronous.ToString().ToUpperInvariant()}; PRAGMA secure_delete = {(secureDelete ? "ON" : "OFF")};";
        var maxPerCommit = options.Value.SqliteMaxWritesPerCommit;
        _writer = new Lazy<SqliteWriter>(() => new SqliteWriter(() => SqliteSession.Open(ConnectionString, synchronousPragma), Translate, maxPerCommit, truncateWalAfterRemovals: secureDelete));
        // Reads run synchronously inside Microsoft.Data.Sqlite, so about one session per busy thread
        // is in use at a time; idle ones beyond this are closed (the pool disposes what it drops).
        _readers = new DefaultObjectPoolProvider { MaximumRetained = Environment.ProcessorCount * 4 }
            .Create(new ReaderSessions(ConnectionString));
    }

    /// <summary>
    /// The configured connection string with its Data Source made absolute (relative to the content
    /// root). Throws ArgumentException for a malformed string and InvalidOperationException when it
    /// names no file; ConfigurationProblems turns both into the one-line start-up error.
    /// </summary>
    public static SqliteConnectionStringBuilder FileConnection(IConfiguration configuration, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(configuration.GetConnectionString("Sqlite") ?? "Data Source=data/customers.db");
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new InvalidOperationException("ConnectionStrings:Sqlite must name a file (Data Source=path/to/customers.db).");
        }

        builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        return builder;
    }

    public string ConnectionString { get; }

    public string FilePath { get; }

    public TimeSpan Timeout { get; }

    public Task<T> ReadAsync<T>(Func<SqliteSession, T> read)
    {
        using var activity = Span("sqlite read");
        SqliteSession? session = null;
        try
        {
            session = _readers.Get();
            var result = read(session);
            _readers.Return(session);
            session = null;
            return Task.FromResult(result);
        }
        catch (SqliteException exception) when (Translate(exception) is { } translated)
        {
            return Task.FromException<T>(translated);
        }
        finally
        {
            session?.Dispose(); // After a failure: its state is unknown.
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> on the writer, in a group commit; answers once its changes are
    /// durable. Waiting for its turn longer than the timeout answers 504 and nothing is written.
    /// </summary>
    /// <summary>Queues a write for the writer, unless the queue (or the organization's share of it) is full: then it is refused at once.</summary>
    public async Task<T> WriteAsync<T>(string? org, Func<SqliteWrite, T> write, CancellationToken cancellationToken)
    {
        using var place = _gate.Enter(org);
        using var activity = Span("sqlite write");
        return await _writer.Value.WriteAsync(write, Timeout, cancellationToken);
    }

    public void Dispose()
    {
        if (_writer.IsValueCreated)
        {
            _writer.Value.Dispose();
        }

        (_readers as IDisposable)?.Dispose();
    }

    private sealed class ReaderSessions(string connectionString) : PooledObjectPolicy<SqliteSession>
    {
        // Each connection keeps its own page cache (2 MiB by default), and a busy service keeps
        // several readers open, each filling its cache with the same pages. A small one bounds
        // that; the file's pages stay in the OS page cache either way, and a reader re-reads a page
        // it no longer holds with one pread (docs/native-aot.md, Memory).
        private const string SmallPageCache = "PRAGMA cache_size = -512;";

        public override SqliteSession Create() => SqliteSession.Open(connectionString, SmallPageCache);

        public override bool Return(SqliteSession session) => true;
    }

    private Exception? Translate(SqliteException exception) => exception.SqliteErrorCode switch
    {
        SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED => new RepositoryTimeoutException(Timeout, exception),
        SQLitePCL.raw.SQLITE_CANTOPEN or SQLitePCL.raw.SQLITE_IOERR or SQLitePCL.raw.SQLITE_FULL
            or SQLitePCL.raw.SQLITE_READONLY or SQLitePCL.raw.SQLITE_NOTADB or SQLitePCL.raw.SQLITE_CORRUPT
            => new RepositoryUnavailableException("The SQLite database cannot be used.", exception),
        _ => null,
    };

    private static System.Diagnostics.Activity? Span(string name) =>
        Infrastructure.Telemetry.Storage.StartActivity(name, System.Diagnostics.ActivityKind.Client)?.SetTag("db.system.name", "sqlite");
}
