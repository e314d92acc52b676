using Microsoft.Data.Sqlite;

namespace Customers.Server.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Credentials_survive_a_restart_on_the_same_sqlite_file()
    {
        string databasePath;
        Guid customerId;
        await using (var first = new ServiceFactory())
        {
            databasePath = first.DatabasePath;
            using var client = first.CreateClient("API_KEY");
            customerId = await Api.CreateCustomerAsync(client);
            await Api.CreateCredentialAsync(client, customerId, "durable@example.com");
        }

        await using var second = new ServiceFactory(null, databasePath: databasePath);
        using var again = second.CreateClient("API_KEY");
        Assert.Equal(["durable@example.com"], await Api.UsernamesAsync(again, customerId));
    }

    [Fact]
    public async Task The_file_is_created_in_wal_mode_with_every_migration_recorded_once()
    {
        await using var service = new ServiceFactory();
        using (var client = service.CreateClient("API_KEY"))
        {
            await Api.CreateCustomerAsync(client);
        }

        await using (var restarted = new ServiceFactory(null, databasePath: service.DatabasePath))
        {
            using var client = restarted.CreateClient("API_KEY");
            await Api.CreateCustomerAsync(client);
        }

        await using var connection = new SqliteConnection($"Data Source={service.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await mode.ExecuteScalarAsync());
        await using var migrations = connection.CreateCommand();
        migrations.CommandText = "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations;";
        await using var reader = await migrations.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.GetInt64(0) >= 1);
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
    }
}
