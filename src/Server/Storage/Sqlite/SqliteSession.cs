using Microsoft.Data.Sqlite;

namespace Customers.Server.Storage.Sqlite;

/// <summary>
/// An open connection that keeps its prepared statements. SQLite has no statement cache of its own
/// and Microsoft.Data.Sqlite prepares every new command again; profiling the GET showed parsing and
/// planning the same query on every request as the largest share of SQLite's time. A session is
/// used by one request at a time (SqliteDatabase lends it out) and is dropped after any failure.
/// </summary>
public sealed class SqliteSession : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    private SqliteSession(SqliteConnection connection) => _connection = connection;

    public static SqliteSession Open(string connectionString, string? setupSql)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            if (setupSql is not null)
            {
                using var setup = connection.CreateCommand();
                setup.CommandText = setupSql;
                setup.ExecuteNonQuery();
            }

            return new SqliteSession(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public SqliteTransaction BeginTransaction() => _connection.BeginTransaction();

    /// <summary>
    /// The prepared command for <paramref name="sql"/>, with these parameter values. It belongs to
    /// the session: callers dispose the readers they open, never the command.
    /// </summary>
    public SqliteCommand Command(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _connection.Dispose();
    }
}
