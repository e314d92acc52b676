using Npgsql;

namespace Customers.Server.Storage.Postgres;

/// <summary>
/// Applies the embedded PostgreSQL migrations that schema_migrations does not list yet, in one
/// transaction under an advisory lock: instances that start together take turns, and the later
/// ones find nothing left to do.
/// </summary>
public sealed class PostgresMigrator(PostgresDatabase database, ILogger<PostgresMigrator> logger) : IStorageMigrator
{
    private const long LockId = 0x43_55_53_54_4F_4D_45_52; // "CUSTOMER"

    // Storage:Timeout is for requests; waiting for another instance's migration lock, or a long
    // migration, must not stop the service from starting.
    private const int NoTimeout = 0;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForMigrationsAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({LockId});", cancellationToken);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());",
            cancellationToken);

        var applied = new HashSet<int>();
        await using (var select = new NpgsqlCommand("SELECT version FROM schema_migrations;", connection, transaction) { CommandTimeout = NoTimeout })
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var script in MigrationScript.For("Postgres").Where(s => !applied.Contains(s.Version)))
        {
            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES (@version, @name);", connection, transaction) { CommandTimeout = NoTimeout };
            record.Parameters.AddWithValue("version", script.Version);
            record.Parameters.AddWithValue("name", script.Name);
            await record.ExecuteNonQueryAsync(cancellationToken);
            logger.LogInformation("Applied PostgreSQL migration {Version} {Name}", script.Version, script.Name);
        }

        await UsernameKeyMigration.RunAsync(connection, transaction, logger, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = NoTimeout };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
