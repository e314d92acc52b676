using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Customers.Server.Storage.Sqlite;

/// <summary>
/// Opens connections to the SQLite file and owns the single writer. SQLite lets one writer in at a
/// time; writers that race on pooled connections meet SQLITE_BUSY, and Microsoft.Data.Sqlite then
/// sleeps 150 ms before it retries, which shows as a long tail. Writes therefore queue on one
/// in-process lock, and readers (WAL) never wait for them. One service process per file.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _synchronousPragma;

    public SqliteDatabase(IConfiguration configuration, IOptions<StorageOptions> options, IHostEnvironment environment)
    {
        Timeout = options.Value.Timeout;
        var builder = FileConnection(configuration, environment.ContentRootPath);
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = true;
        builder.ForeignKeys = true;
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(Timeout.TotalSeconds));
        ConnectionString = builder.ToString();
        FilePath = builder.DataSource;
        _synchronousPragma = $"PRAGMA synchronous = {options.Value.SqliteSynchronous.ToString().ToUpperInvariant()};";
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

    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        using var activity = Span("sqlite read");
        try
        {
            await using var connection = new SqliteConnection(ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return await read(connection);
        }
        catch (SqliteException exception) when (Translate(exception) is { } translated)
        {
            throw translated;
        }
    }

    public async Task<T> WriteAsync<T>(Func<SqliteConnection, Task<T>> write, CancellationToken cancellationToken)
    {
        using var activity = Span("sqlite write");
        if (!await _writeLock.WaitAsync(Timeout, cancellationToken))
        {
            throw new RepositoryTimeoutException(Timeout, new TimeoutException("Waited too long for the SQLite writer."));
        }

        try
        {
            await using var connection = new SqliteConnection(ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = _synchronousPragma;
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }

            return await write(connection);
        }
        catch (SqliteException exception) when (Translate(exception) is { } translated)
        {
            throw translated;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

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
