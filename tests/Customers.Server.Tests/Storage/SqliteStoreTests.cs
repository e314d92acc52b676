using Microsoft.Data.Sqlite;

namespace Customers.Server.Tests.Storage;

public sealed class SqliteStoreTests : CustomerStoreContract
{
    protected override Task<Dictionary<string, string?>> NewDatabaseAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(Path.GetTempPath(), "customers-store-tests", Guid.NewGuid().ToString("N"), "customers.db")}",
    });

    protected override async Task<object?> SqlAsync(Dictionary<string, string?> settings, string sql)
    {
        await using var connection = new SqliteConnection(settings["ConnectionStrings:Sqlite"]);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
