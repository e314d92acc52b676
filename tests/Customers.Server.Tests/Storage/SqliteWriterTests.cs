using Customers.Server.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Customers.Server.Tests.Storage;

/// <summary>
/// The group commit's failure rule, on a real SQLite file: when the COMMIT of a group fails, every
/// write of the group fails and none of them is stored, including those that did nothing wrong.
/// A deferred foreign-key violation is what makes SQLite refuse the COMMIT itself.
/// </summary>
public sealed class SqliteWriterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_commit_that_fails_fails_every_write_of_its_group_and_stores_none()
    {
        var path = Path.Combine(Path.GetTempPath(), "customers-writer-tests", Guid.NewGuid().ToString("N"), "customers.db");
        await using (await StoreHost.StartAsync(new() { ["Storage:Provider"] = "Sqlite", ["ConnectionStrings:Sqlite"] = $"Data Source={path}" }, new ManualClock()))
        {
            // Migrated; the host is gone before the writer below opens the file.
        }

        var connection = $"Data Source={path};Pooling=False;Foreign Keys=True";
        using var writer = new SqliteWriter(() => SqliteSession.Open(connection, setupSql: null), _ => null, maxPerCommit: 64);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        // The first write holds the writer's thread, so that the next two queue and form one group.
        var holding = writer.WriteAsync(_ =>
        {
            started.Set();
            return release.Wait(Timeout);
        }, Timeout, default);
        Assert.True(started.Wait(Timeout));

        var innocent = writer.WriteAsync(write =>
        {
            write.Command("INSERT INTO customers (org_id, id, external_id, created_at) VALUES ('telco', $id, NULL, 0);", ("$id", Guid.NewGuid().ToString())).ExecuteNonQuery();
            write.Commit();
            return true;
        }, Timeout, default);
        var orphan = writer.WriteAsync(write =>
        {
            write.Command("PRAGMA defer_foreign_keys = ON;").ExecuteNonQuery();
            write.Command("""
                INSERT INTO credentials (org_id, customer_id, id, username, username_key, created_at)
                VALUES ('telco', $customer, $id, 'orphan@example.com', 'orphan@example.com', 0);
                """, ("$customer", Guid.NewGuid().ToString()), ("$id", Guid.NewGuid().ToString())).ExecuteNonQuery();
            write.Commit();
            return true;
        }, Timeout, default);
        Assert.False(innocent.IsCompleted); // Queued behind the holding write.
        release.Set();
        Assert.True(await holding);

        var innocentFailure = await Assert.ThrowsAsync<SqliteException>(() => innocent);
        var orphanFailure = await Assert.ThrowsAsync<SqliteException>(() => orphan);
        Assert.Equal(SQLitePCL.raw.SQLITE_CONSTRAINT, innocentFailure.SqliteErrorCode);
        Assert.Same(innocentFailure, orphanFailure); // The one failed COMMIT, given to both.
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM customers;"));
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM credentials;"));

        // The writer goes on, on a new connection.
        Assert.True(await writer.WriteAsync(write =>
        {
            write.Command("INSERT INTO customers (org_id, id, external_id, created_at) VALUES ('telco', $id, NULL, 0);", ("$id", Guid.NewGuid().ToString())).ExecuteNonQuery();
            write.Commit();
            return true;
        }, Timeout, default));
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM customers;"));
    }

    private static long Scalar(string connectionString, string sql)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
