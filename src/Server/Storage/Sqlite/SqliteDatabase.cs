using Microsoft.Data.Sqlite;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;

namespace Customers.Server.Storage.Sqlite;

/// <summary>
/// Lends sessions (open connections with their prepared statements) on the SQLite file and owns the
/// single writer. SQLite lets one writer in at a time; writers that race on pooled connections meet
/// SQLITE_BUSY, and Microsoft.Data.Sqlite then sleeps 150 ms before it retries, which shows as a
/// long tail. Writes therefore queue on one in-process lock and use the one writer session, and
/// readers (WAL) never wait for them. One service process per file.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ObjectPool<SqliteSession> _readers;
    private readonly string _synchronousPragma;
    private SqliteSession? _writer;

    public SqliteDatabase(IConfiguration configuration, IOptions<StorageOptions> options, IHostEnvironment environment)
    {
        Timeout = options.Value.Timeout;
        var builder = FileConnection(configuration, environment.ContentRootPath);
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = false; // Sessions stay open instead; a disposed one really closes.
        builder.ForeignKeys = true;
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(Timeout.TotalSeconds));
        ConnectionString = builder.ToString();
        FilePath = builder.DataSource;
        _synchronousPragma = $"PRAGMA synchronous = {options.Value.SqliteSynchronous.ToString().ToUpperInvariant()};";
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

    public async Task<T> ReadAsync<T>(Func<SqliteSession, Task<T>> read, CancellationToken cancellationToken)
    {
        using var activity = Span("sqlite read");
        SqliteSession? session = null;
        try
        {
            session = _readers.Get();
            var result = await read(session);
            _readers.Return(session);
            session = null;
            return result;
        }
        catch (SqliteException exception) when (Translate(exception) is { } translated)
        {
            throw translated;
        }
        finally
        {
            session?.Dispose(); // After a failure: its state is unknown.
        }
    }

    public async Task<T> WriteAsync<T>(Func<SqliteSession, Task<T>> write, CancellationToken cancellationToken)
    {
        using var activity = Span("sqlite write");
        if (!await _writeLock.WaitAsync(Timeout, cancellationToken))
        {
            throw new RepositoryTimeoutException(Timeout, new TimeoutException("Waited too long for the SQLite writer."));
        }

        try
        {
            _writer ??= SqliteSession.Open(ConnectionString, _synchronousPragma);
            return await write(_writer);
        }
        catch (Exception exception)
        {
            // Whatever failed may have left the connection mid-transaction: the next write opens a new one.
            _writer?.Dispose();
            _writer = null;
            if (exception is SqliteException sqlite && Translate(sqlite) is { } translated)
            {
                throw translated;
            }

            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        (_readers as IDisposable)?.Dispose();

        _writeLock.Dispose();
    }

    private sealed class ReaderSessions(string connectionString) : PooledObjectPolicy<SqliteSession>
    {
        public override SqliteSession Create() => SqliteSession.Open(connectionString, setupSql: null);

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
