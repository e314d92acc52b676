using Customers.Server.Tests.Postgres;
using Npgsql;

namespace Customers.Server.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(SharedPostgres postgres) : CustomerStoreContract
{
    protected override async Task<Dictionary<string, string?>> NewDatabaseAsync()
    {
        PostgresRequirement.SkipIfUnavailable();
        return new()
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(),
        };
    }

    protected override async Task<object?> SqlAsync(Dictionary<string, string?> settings, string sql)
    {
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Postgres"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
