using Microsoft.Data.Sqlite;

namespace Customers.Server.Tests.Storage;

public sealed class SqliteStoreTests : CustomerStoreContract
{
    protected override Task<Dictionary<string, string?>> NewDatabaseAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(Path.GetTempPath(), "customers-store-tests", Guid.NewGuid().ToString("N"), "customers.db")}",
    });

    protected override async Task<IAsyncDisposable> HoldMigrationLockAsync(Dictionary<string, string?> settings)
    {
        var path = new SqliteConnectionStringBuilder(settings["ConnectionStrings:Sqlite"]).DataSource;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        return connection; // Disposing it without a commit rolls back and frees the lock.
    }

    protected override async Task<object?> SqlAsync(Dictionary<string, string?> settings, string sql)
    {
        await using var connection = new SqliteConnection(settings["ConnectionStrings:Sqlite"]);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
