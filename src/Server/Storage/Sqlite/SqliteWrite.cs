using Microsoft.Data.Sqlite;

namespace Customers.Server.Storage.Sqlite;

/// <summary>
/// One request's write inside a group commit: it runs in its own savepoint of the writer's
/// transaction, and its changes are kept only when it calls <see cref="Commit"/>; otherwise they
/// are rolled back at the end of its turn, whatever it returns. The caller is answered after the
/// one COMMIT (and its fsync) that made its changes durable.
/// </summary>
public sealed class SqliteWrite
{
    private readonly SqliteSession _session;
    private readonly SqliteTransaction _transaction;

    internal SqliteWrite(SqliteSession session, SqliteTransaction transaction) => (_session, _transaction) = (session, transaction);

    internal bool Committed { get; private set; }

    internal bool RemovedPersonalData { get; private set; }

    /// <summary>Keeps this write's changes in the group's transaction.</summary>
    public void Commit() => Committed = true;

    /// <summary>
    /// Keeps this write's changes, which delete personal data: after the commit the writer also
    /// truncates the WAL, whose older frames still hold the deleted rows (secure_delete zeroes them
    /// only in the pages it writes).
    /// </summary>
    public void CommitRemoval() => Committed = RemovedPersonalData = true;

    /// <inheritdoc cref="SqliteSession.Command"/>
    public SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters) =>
        _session.Command(_transaction, sql, parameters);
}
