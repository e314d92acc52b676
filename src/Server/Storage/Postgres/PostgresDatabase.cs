using Microsoft.Extensions.Options;
using Npgsql;

namespace Customers.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL data source and the rules that turn its failures into the contract's answers:
/// a connection that cannot be opened, or that breaks, is <see cref="RepositoryUnavailableException"/> (503);
/// a call that runs past <see cref="StorageOptions.Timeout"/> is <see cref="RepositoryTimeoutException"/> (504).
/// The server enforces the timeout too (statement_timeout, lock_timeout), so a statement that the
/// service gave up on is also ended by PostgreSQL and its transaction rolled back. The one
/// exception is a COMMIT already in flight (waiting for a synchronous standby, say): it may have
/// taken effect, so its 504 means "outcome unknown", which a retry with the same Idempotency-Key
/// resolves (README, PostgreSQL).
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    internal static readonly TimeSpan CancellationWait = TimeSpan.FromMilliseconds(500);

    // How long past the timeout a call may take to fail on its own before the caller is answered
    // without it. A server that is up answers a cancel request in milliseconds (and its own
    // statement_timeout fires at the same deadline); only a frozen or unreachable one uses all of it.
    private static readonly TimeSpan AnswerGrace = TimeSpan.FromMilliseconds(250);

    // Every host of the connection string, whatever its role; the sources below pick among them.
    private readonly NpgsqlMultiHostDataSource _hosts;
    private readonly NpgsqlMultiHostDataSource _migrationHosts;
    private readonly NpgsqlDataSource _primary;
    private readonly NpgsqlDataSource _reads;
    private readonly NpgsqlDataSource _migrations;

    private readonly AdmissionGate _gate;

    public PostgresDatabase(IConfiguration configuration, IOptions<StorageOptions> options, AdmissionGate gate)
    {
        _gate = gate;
        var settings = options.Value;
        Timeout = settings.Timeout;
        var connectionString = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Storage:Provider is Postgres but ConnectionStrings:Postgres is empty.");
        }

        // Writes need the primary: a standby refuses them, and a read from a standby may be behind it.
        _hosts = new NpgsqlDataSourceBuilder(PostgresConnectionSettings.ForRequests(connectionString, settings)).BuildMultiHost();
        _primary = _hosts.WithTargetSession(TargetSessionAttributes.Primary);
        _reads = settings.PostgresReadFrom == PostgresReadFrom.PreferStandby ? _hosts.WithTargetSession(TargetSessionAttributes.PreferStandby) : _primary;
        _migrationHosts = new NpgsqlDataSourceBuilder(PostgresConnectionSettings.ForMigrations(connectionString, settings)).BuildMultiHost();
        _migrations = _migrationHosts.WithTargetSession(TargetSessionAttributes.Primary);
    }

    public TimeSpan Timeout { get; }

    /// <summary>
    /// Runs one repository call on a pooled connection, within the timeout. The caller gets its
    /// answer when the timeout is up even if the server does not answer Npgsql's cancellation (a
    /// frozen server); the abandoned call ends in the background, and the server's own
    /// statement_timeout rolls back whatever it had started.
    /// A call beyond Storage:MaxPendingCalls (or its organization's share) is refused at once.
    /// </summary>
    public Task<T> RunAsync<T>(string? org, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken requestAborted) =>
        RunAsync(_primary, org, work, requestAborted);

    /// <summary>As <see cref="RunAsync{T}"/>, for a read that Storage:PostgresReadFrom may send to a standby.</summary>
    public Task<T> RunReadAsync<T>(string? org, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken requestAborted) =>
        RunAsync(_reads, org, work, requestAborted);

    private async Task<T> RunAsync<T>(NpgsqlDataSource source, string? org, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken requestAborted)
    {
        using var place = _gate.Enter(org);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(Timeout);
        var call = RunOnConnectionAsync(source, work, deadline.Token, requestAborted);
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

    private async Task<T> RunOnConnectionAsync<T>(NpgsqlDataSource source, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken deadline, CancellationToken requestAborted)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await source.OpenConnectionAsync(deadline);
        }
        catch (OperationCanceledException exception) when (!requestAborted.IsCancellationRequested)
        {
            // The whole timeout went by waiting for a connection: the pool's are all busy, or the
            // server takes connections but does not answer them (frozen).
            throw new RepositoryTimeoutException(Timeout, exception);
        }
        catch (Exception exception) when (!requestAborted.IsCancellationRequested && exception is NpgsqlException or TimeoutException)
        {
            throw new RepositoryUnavailableException("No PostgreSQL connection could be opened.", exception);
        }

        await using (connection)
        {
            var unconfirmed = false;
            void OnNotice(object sender, NpgsqlNoticeEventArgs e) => unconfirmed |= IsUnconfirmedCommit(e.Notice);
            connection.Notice += OnNotice;
            var commands = new CancellationTokenSource(); // No timer, so nothing to dispose; a late Cancel() must still find it usable.
            using var cancelOffThePool = deadline.UnsafeRegister(static source => CancelOnThreadOfItsOwn((CancellationTokenSource)source!), commands);
            try
            {
                var result = await work(connection, commands.Token);
                if (unconfirmed)
                {
                    // The commit waited for a synchronous standby until the timeout cancelled the wait:
                    // it is committed on the primary but not confirmed by any standby, so a failover
                    // now would lose it. Not a 201: the outcome is unknown (504), and a retry with the
                    // same Idempotency-Key answers it.
                    throw new RepositoryTimeoutException(Timeout, new TimeoutException("No synchronous standby confirmed the commit in time."));
                }

                return result;
            }
            catch (Exception exception) when (!requestAborted.IsCancellationRequested && Translate(exception) is { } translated)
            {
                if (translated is RepositoryUnavailableException)
                {
                    // The server went away or is a primary no more: don't hand out the other pooled connections to it.
                    _hosts.Clear();
                }

                throw translated;
            }
            finally
            {
                connection.Notice -= OnNotice;
            }
        }
    }

    /// <summary>
    /// Npgsql sends its cancel request inline, in the thread that cancels the token, and blocks it
    /// until the server closes the cancel connection: about the connect timeout when the server is
    /// frozen (npgsql/npgsql#3277, #3696). The deadline's timer would do that on the thread pool.
    /// A thread of its own per cancellation takes the wait instead; there are at most as many as
    /// busy connections, since only a call that holds one gets here.
    /// </summary>
    private static void CancelOnThreadOfItsOwn(CancellationTokenSource commands) =>
        new Thread(static source => ((CancellationTokenSource)source!).Cancel())
        {
            IsBackground = true,
            Name = "PostgreSQL cancel request",
        }.Start(commands);

    // "canceling wait for synchronous replication due to …": a WARNING with the generic warning
    // code 01000 (syncrep.c). The text is not matched, since servers may log in another language.
    private static bool IsUnconfirmedCommit(PostgresNotice notice) =>
        notice.InvariantSeverity == "WARNING" && notice.SqlState == GenericWarning;

    private const string GenericWarning = "01000";

    /// <summary>A connection to the primary for migrations: not pooled, without the request timeouts.</summary>
    public ValueTask<NpgsqlConnection> OpenForMigrationsAsync(CancellationToken cancellationToken) => _migrations.OpenConnectionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _hosts.DisposeAsync();
        await _migrationHosts.DisposeAsync();
    }

    private Exception? Translate(Exception exception) => exception switch
    {
        OperationCanceledException => new RepositoryTimeoutException(Timeout, exception),
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable } => new RepositoryTimeoutException(Timeout, exception),
        PostgresException { SqlState: var state } when state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
            || state is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                // A primary that became a standby (switchover) refuses writes on the connections it kept.
                or PostgresErrorCodes.ReadOnlySqlTransaction
            => new RepositoryUnavailableException("PostgreSQL refused the work.", exception),
        PostgresException => null,
        NpgsqlException { InnerException: TimeoutException } => new RepositoryTimeoutException(Timeout, exception),
        NpgsqlException => new RepositoryUnavailableException("The PostgreSQL connection broke.", exception),
        _ => null,
    };
}
