using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.Data.Sqlite;

namespace Customers.Server.Storage.Sqlite;

/// <summary>
/// The single writer, with group commit. SQLite lets one writer in at a time and each commit at
/// synchronous=FULL costs an fsync, so one thread takes every write queued while the last commit
/// was being synced (up to <see cref="StorageOptions.SqliteMaxWritesPerCommit"/>), runs each in
/// a savepoint of one transaction, commits once, and only then answers them. No caller is
/// answered before the fsync that covers its row, and a failed COMMIT fails every write of the group.
/// A write not yet started when its caller's deadline passes is never run (504, nothing written);
/// one that started runs to its end, which takes microseconds once the transaction is open.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private const string Savepoint = "request";
    private readonly BlockingCollection<Unit> _queue = new();
    private readonly Func<SqliteSession> _open;
    private readonly Func<SqliteException, Exception?> _translate;
    private readonly int _maxPerCommit;
    private readonly Thread _thread;
    private SqliteSession? _session;
    private readonly bool _truncateWalAfterRemovals;
    private bool _walHoldsRemovedData;
    private long _truncateWalAt; // Environment.TickCount64

    /// <summary>
    /// How long after a commit that removed personal data the WAL is truncated. A truncating
    /// checkpoint copies and syncs every page of the WAL; once per removal it made deletes a
    /// fraction of their speed, so removals within this time share one (bench/secure-delete.sh).
    /// </summary>
    internal static readonly TimeSpan TruncateWalAfter = TimeSpan.FromSeconds(1);

    public SqliteWriter(Func<SqliteSession> open, Func<SqliteException, Exception?> translate, int maxPerCommit, bool truncateWalAfterRemovals = true)
    {
        (_open, _translate, _maxPerCommit, _truncateWalAfterRemovals) = (open, translate, maxPerCommit, truncateWalAfterRemovals);
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite writer" };
        _thread.Start();
    }

    public async Task<T> WriteAsync<T>(Func<SqliteWrite, T> write, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var unit = new Unit<T>(write);
        try
        {
            _queue.Add(unit, CancellationToken.None);
        }
        catch (InvalidOperationException exception)
        {
            throw new RepositoryUnavailableException("The SQLite writer has stopped.", exception);
        }

        try
        {
            return await unit.Result.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            if (!unit.TryAbandon())
            {
                // The writer took it first (it may even have answered at this very moment): its
                // outcome is known within microseconds, so wait for it rather than guess.
                return await unit.Result;
            }

            if (exception is OperationCanceledException)
            {
                throw;
            }

            throw new RepositoryTimeoutException(timeout, new TimeoutException("Waited too long for the SQLite writer."));
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        // Writes already queued are still committed and answered. A writer still stuck after that
        // (inside another process's lock) keeps its connection and queue: disposing them under it
        // would throw on its thread and end the process.
        if (_thread.Join(TimeSpan.FromSeconds(30)))
        {
            _session?.Dispose();
            _queue.Dispose();
        }
    }

    private void Run()
    {
        var group = new List<Unit>(_maxPerCommit);
        while (NextWrite() is { } first)
        {
            group.Add(first);
            while (group.Count < _maxPerCommit && _queue.TryTake(out var next))
            {
                group.Add(next);
            }

            try
            {
                Commit(group);
            }
            catch (Exception exception)
            {
                Fail(group, exception); // The thread must outlive any failure: every later write depends on it.
            }

            group.Clear();
        }
    }

    /// <summary>The next queued write, or null once the queue is completed; truncates the WAL here when that is due.</summary>
    private Unit? NextWrite()
    {
        while (true)
        {
            if (!_walHoldsRemovedData)
            {
                return _queue.TryTake(out var unit, Timeout.Infinite) ? unit : null;
            }

            var due = _truncateWalAt - Environment.TickCount64;
            if (due <= 0 || _queue.IsCompleted)
            {
                TruncateWal(); // once more at shutdown, whatever the delay
                if (_queue.IsCompleted)
                {
                    return null;
                }

                continue;
            }

            if (_queue.TryTake(out var next, (int)due))
            {
                return next;
            }
        }
    }

    private void Commit(List<Unit> group)
    {
        if (group.TrueForAll(unit => unit.IsAbandoned))
        {
            return;
        }

        _session ??= _open();
        var transaction = _session.BeginTransaction(); // BEGIN IMMEDIATE: waits for another process's lock up to the busy timeout.
        var done = new List<Unit>(group.Count);
        var removed = false;
        try
        {
            foreach (var unit in group)
            {
                if (!unit.TryStart())
                {
                    continue; // Its caller gave up before its turn: it never runs.
                }

                transaction.Save(Savepoint);
                var write = new SqliteWrite(_session, transaction);
                try
                {
                    unit.Execute(write);
                }
                catch (Exception exception)
                {
                    // Its own failure undoes only its own changes; if even that fails (SQLite rolled the
                    // whole transaction back after an I/O error), the group fails with its exception.
                    try
                    {
                        transaction.Rollback(Savepoint);
                        transaction.Release(Savepoint);
                    }
                    catch (SqliteException)
                    {
                        ExceptionDispatchInfo.Throw(exception);
                    }

                    unit.Fail(Translate(exception));
                    continue;
                }

                if (!write.Committed)
                {
                    transaction.Rollback(Savepoint);
                }

                transaction.Release(Savepoint);
                removed |= write.Committed && write.RemovedPersonalData;
                done.Add(unit);
            }

            transaction.Commit();
        }
        catch
        {
            try
            {
                transaction.Dispose();
            }
            catch (SqliteException)
            {
                // The connection is dropped below either way.
            }

            throw;
        }

        transaction.Dispose();
        foreach (var unit in done)
        {
            unit.Answer();
        }

        if (removed && _truncateWalAfterRemovals && !_walHoldsRemovedData)
        {
            _walHoldsRemovedData = true;
            _truncateWalAt = Environment.TickCount64 + (long)TruncateWalAfter.TotalMilliseconds;
        }
    }

    // Off the callers' path: a removal is durable at its commit, and the scrub must not hold it. A
    // checkpoint that cannot finish now (a reader still on an old snapshot) is tried again after
    // the same delay; until then the deleted rows remain in WAL frames, never in the database's pages.
    private void TruncateWal()
    {
        try
        {
            _session ??= _open(); // a failed group dropped the last one
            using var reader = _session.Command(null, "PRAGMA wal_checkpoint(TRUNCATE);").ExecuteReader(); // the session keeps the command
            _walHoldsRemovedData = reader.Read() && reader.GetInt32(0) != 0; // busy = 1: not every frame was copied
        }
        catch (SqliteException)
        {
            _walHoldsRemovedData = true;
        }

        _truncateWalAt = Environment.TickCount64 + (long)TruncateWalAfter.TotalMilliseconds;
    }

    /// <summary>Fails every write of the group still waiting for its answer; the next group opens a new connection.</summary>
    private void Fail(List<Unit> group, Exception exception)
    {
        try
        {
            _session?.Dispose();
        }
        catch (SqliteException)
        {
            // Closing a broken connection may fail too; it is gone either way.
        }

        _session = null;
        var translated = Translate(exception);
        foreach (var unit in group)
        {
            unit.TryStart();
            unit.Fail(translated);
        }
    }

    private Exception Translate(Exception exception) =>
        exception is SqliteException sqlite && _translate(sqlite) is { } translated ? translated : exception;

    /// <summary>A queued write: Queued → Running (the writer took it) or Abandoned (its caller gave up first).</summary>
    private abstract class Unit
    {
        private const int Queued = 0, Running = 1, Abandoned = 2;
        private int _state;

        public bool IsAbandoned => Volatile.Read(ref _state) == Abandoned;

        public bool IsRunning => Volatile.Read(ref _state) == Running;

        public bool TryStart() => Interlocked.CompareExchange(ref _state, Running, Queued) == Queued;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;

        public abstract void Execute(SqliteWrite write);

        public abstract void Answer();

        public abstract void Fail(Exception exception);
    }

    private sealed class Unit<T>(Func<SqliteWrite, T> write) : Unit
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        public Task<T> Result => _result.Task;

        public override void Execute(SqliteWrite session) => _value = write(session);

        public override void Answer() => _result.TrySetResult(_value!);

        public override void Fail(Exception exception)
        {
            if (IsRunning)
            {
                _result.TrySetException(exception);
            }
        }
    }
}
