using Customers.Server.Tests.Postgres;
using Npgsql;

namespace Customers.Server.Tests.Storage;

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
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

    protected override async Task<IAsyncDisposable> HoldMigrationLockAsync(Dictionary<string, string?> settings)
    {
        // Not pooled: closing must end the session, which frees its advisory lock.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Postgres"]) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(4851875795134399826);", connection); // the migrator's 0x435553544F4D4552, "CUSTOMER"
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    protected override async Task<object?> SqlAsync(Dictionary<string, string?> settings, string sql)
    {
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Postgres"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
