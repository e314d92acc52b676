using Npgsql;

namespace Customers.Server.Tests.Postgres;

/// <summary>Another session holding the credentials table (ACCESS EXCLUSIVE) until released or disposed.</summary>
internal sealed class CredentialsLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private CredentialsLock(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static async Task<CredentialsLock> TakeAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var lockTable = new NpgsqlCommand("LOCK TABLE credentials IN ACCESS EXCLUSIVE MODE;", connection, transaction);
        await lockTable.ExecuteNonQueryAsync();
        return new CredentialsLock(connection, transaction);
    }

    public Task ReleaseAsync() => _transaction.RollbackAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
