using System.Data.Common;
using Customers.Precis;

namespace Customers.Server.Storage;

/// <summary>
/// Brings every stored <c>username_key</c> to <see cref="UsernameCaseMapped.KeyBasis"/>, inside the
/// migration's transaction, on either provider. It runs when the basis recorded in the database
/// differs from this build's: after the move from the old rule (NFKC and lower case) and whenever
/// the username profile or its Unicode version changes. Usernames themselves are never changed.
/// A username stored under an older rule that the profile now refuses keeps a key without the
/// code points it disallows (<see cref="UsernameCaseMapped.LenientKey"/>), so a look-alike of it
/// stays taken. If two stored usernames get the same key, nothing is changed and the start fails
/// with the list: an operator decides which credential goes, never this code.
/// </summary>
public static class UsernameKeyMigration
{
    private const string Index = "credentials_username_per_org";

    public static async Task RunAsync(DbConnection connection, DbTransaction transaction, ILogger logger, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS username_key_basis (basis TEXT NOT NULL);", cancellationToken);
        await using (var read = Command(connection, transaction, "SELECT basis FROM username_key_basis;"))
        {
            if (await read.ExecuteScalarAsync(cancellationToken) is string stored && stored == UsernameCaseMapped.KeyBasis)
            {
                return;
            }
        }

        var rows = new List<StoredUsername>();
        await using (var select = Command(connection, transaction, "SELECT org_id, customer_id, id, username, username_key FROM credentials;"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var username = reader.GetString(3);
                rows.Add(new StoredUsername(reader.GetString(0), reader.GetValue(1), reader.GetValue(2), reader.GetString(4),
                    UsernameCaseMapped.LenientKey(username)));
            }
        }

        var collisions = rows.GroupBy(r => (r.OrgId, r.NewKey)).Where(g => g.Count() > 1).ToList();
        if (collisions.Count > 0)
        {
            throw new UsernameKeyCollisionException(collisions.Select(g => g.ToList()).ToList());
        }

        var changed = rows.Where(r => r.NewKey != r.OldKey).ToList();
        if (changed.Count > 0)
        {
            // A row's new key may be another row's old one: compare keys only once all are new.
            await ExecuteAsync(connection, transaction, $"DROP INDEX {Index};", cancellationToken);
            await using var update = Command(connection, transaction,
                "UPDATE credentials SET username_key = @key WHERE org_id = @org AND customer_id = @customer AND id = @id;");
            var key = Parameter(update, "key");
            var org = Parameter(update, "org");
            var customer = Parameter(update, "customer");
            var id = Parameter(update, "id");
            foreach (var row in changed)
            {
                (key.Value, org.Value, customer.Value, id.Value) = (row.NewKey, row.OrgId, row.CustomerId, row.Id);
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            await ExecuteAsync(connection, transaction, $"CREATE UNIQUE INDEX {Index} ON credentials (org_id, username_key);", cancellationToken);
        }

        await ExecuteAsync(connection, transaction, "DELETE FROM username_key_basis;", cancellationToken);
        await using (var record = Command(connection, transaction, "INSERT INTO username_key_basis (basis) VALUES (@basis);"))
        {
            Parameter(record, "basis").Value = UsernameCaseMapped.KeyBasis;
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        logger.LogInformation("Username keys now follow {Basis}: {Changed} of {Total} stored keys recomputed",
            UsernameCaseMapped.KeyBasis, changed.Count, rows.Count);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0; // a migration is not a request: no request timeout applies
        return command;
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A stored credential's identity and its username key before and after the migration.</summary>
public sealed record StoredUsername(string OrgId, object CustomerId, object Id, string OldKey, string NewKey);

/// <summary>Stored usernames that the current rule says are one: the migration changed nothing.</summary>
public sealed class UsernameKeyCollisionException(IReadOnlyList<IReadOnlyList<StoredUsername>> groups) : Exception(Describe(groups))
{
    public IReadOnlyList<IReadOnlyList<StoredUsername>> Groups { get; } = groups;

    // Ids only: the usernames are personal data and this message goes to the logs.
    private static string Describe(IReadOnlyList<IReadOnlyList<StoredUsername>> groups) =>
        $"Stored usernames collide under {UsernameCaseMapped.KeyBasis}; nothing was changed. Keep one credential of each group " +
        $"(delete the others through the API) and start again. {groups.Count} group(s): " +
        string.Join("; ", groups.Select(g => $"org {g[0].OrgId}: " + string.Join(", ", g.Select(r => $"credential {r.Id} of customer {r.CustomerId}"))));
}
