using Microsoft.Extensions.Options;
using Npgsql;

namespace Customers.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL data source and the rules that turn its failures into the contract's answers:
/// a connection that cannot be opened, or that breaks, is <see cref="RepositoryUnavailableException"/> (503);
/// a call that runs past <see cref="StorageOptions.Timeout"/> is <see cref="RepositoryTimeoutException"/> (504).
/// The server enforces the timeout too (statement_timeout, lock_timeout), so a statement that the
/// service gave up on is also ended by PostgreSQL and its transaction rolled back: a 504 never
/// leaves a change behind that commits later.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private static readonly TimeSpan CancellationWait = TimeSpan.FromMilliseconds(500);

    // How long past the timeout a call may take to fail on its own (Npgsql's cancellation) before
    // the caller is answered without it.
    private static readonly TimeSpan AnswerGrace = TimeSpan.FromMilliseconds(700);
    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(IConfiguration configuration, IOptions<StorageOptions> options)
    {
        var settings = options.Value;
        Timeout = settings.Timeout;
        var connectionString = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Storage:Provider is Postgres but ConnectionStrings:Postgres is empty.");
        }

        var timeoutMs = (long)Timeout.TotalMilliseconds;
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = Seconds(settings.ConnectTimeout),
            CommandTimeout = Seconds(Timeout),
            CancellationTimeout = (int)CancellationWait.TotalMilliseconds,
        };
        builder.Options = string.Join(' ', new[]
        {
            builder.Options,
            $"-c statement_timeout={timeoutMs}",
            $"-c lock_timeout={timeoutMs}",
            $"-c idle_in_transaction_session_timeout={timeoutMs * 2}",
        }.Where(o => !string.IsNullOrWhiteSpace(o)));
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public TimeSpan Timeout { get; }

    /// <summary>
    /// Runs one repository call on a pooled connection, within the timeout. The caller gets its
    /// answer when the timeout is up even if the server does not answer Npgsql's cancellation (a
    /// frozen server); the abandoned call ends in the background, and the server's own
    /// statement_timeout rolls back whatever it had started.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken requestAborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(Timeout);
        var call = RunOnConnectionAsync(work, deadline.Token, requestAborted);
        try
        {
            // WaitAsync, not a Task.Delay raced against the call: no timer outlives a call that ends in time.
            return await call.WaitAsync(Timeout + AnswerGrace, requestAborted);
        }
        catch (Exception exception) when (exception is TimeoutException || (exception is OperationCanceledException && requestAborted.IsCancellationRequested))
        {
            _ = call.ContinueWith(static abandoned => _ = abandoned.Exception, TaskContinuationOptions.OnlyOnFaulted);
            if (exception is TimeoutException)
            {
                throw new RepositoryTimeoutException(Timeout, new TimeoutException("PostgreSQL did not answer the cancellation of a timed-out call."));
            }

            throw;
        }
    }

    private async Task<T> RunOnConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken deadline, CancellationToken requestAborted)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(deadline);
        }
        catch (Exception exception) when (!requestAborted.IsCancellationRequested && exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            throw new RepositoryUnavailableException("No PostgreSQL connection could be opened.", exception);
        }

        await using (connection)
        {
            try
            {
                return await work(connection, deadline);
            }
            catch (Exception exception) when (!requestAborted.IsCancellationRequested && Translate(exception) is { } translated)
            {
                if (translated is RepositoryUnavailableException)
                {
                    _dataSource.Clear(); // The server went away: don't hand out the other pooled connections to it.
                }

                throw translated;
            }
        }
    }

    /// <summary>A connection for migrations, without the statement timeouts.</summary>
    public async Task<NpgsqlConnection> OpenForMigrationsAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SET statement_timeout = 0; SET lock_timeout = 0;", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private Exception? Translate(Exception exception) => exception switch
    {
        OperationCanceledException => new RepositoryTimeoutException(Timeout, exception),
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable } => new RepositoryTimeoutException(Timeout, exception),
        PostgresException { SqlState: var state } when state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
            || state is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            => new RepositoryUnavailableException("PostgreSQL refused the work.", exception),
        PostgresException => null,
        NpgsqlException { InnerException: TimeoutException } => new RepositoryTimeoutException(Timeout, exception),
        NpgsqlException => new RepositoryUnavailableException("The PostgreSQL connection broke.", exception),
        _ => null,
    };

    private static int Seconds(TimeSpan value) => Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));
}
