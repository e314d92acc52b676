using Microsoft.Data.Sqlite;

namespace Customers.Server.Storage.Sqlite;

/// <summary>Customers and credentials in the embedded SQLite file.</summary>
public sealed class SqliteCustomerStore(SqliteDatabase database, TimeProvider clock) : ICustomerStore
{
    private const int UniqueConstraintFailed = 2067; // SQLITE_CONSTRAINT_UNIQUE

    public Task<CustomerRecord> CreateCustomerAsync(string orgId, string? externalId, CancellationToken cancellationToken)
    {
        var customer = new CustomerRecord(Guid.CreateVersion7(), externalId, Now());
        return database.WriteAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO customers (org_id, id, external_id, created_at) VALUES ($org, $id, $external, $at);";
            command.Parameters.AddWithValue("$org", orgId);
            command.Parameters.AddWithValue("$id", customer.Id.ToString());
            command.Parameters.AddWithValue("$external", (object?)externalId ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", ToMicroseconds(customer.CreatedAt));
            await command.ExecuteNonQueryAsync(cancellationToken);
            return customer;
        }, cancellationToken);
    }

    public Task<CustomerRecord?> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT external_id, created_at FROM customers WHERE org_id = $org AND id = $id;";
            command.Parameters.AddWithValue("$org", orgId);
            command.Parameters.AddWithValue("$id", customerId.ToString());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            return new CustomerRecord(customerId, reader.IsDBNull(0) ? null : reader.GetString(0), FromMicroseconds(reader.GetInt64(1)));
        }, cancellationToken);

    public Task<CreateCredentialResult> CreateCredentialAsync(string orgId, Guid customerId, string username, CancellationToken cancellationToken)
    {
        var credential = new CredentialRecord(Guid.CreateVersion7(), username, Now());
        return database.WriteAsync(async connection =>
        {
            // One statement: the customer check and the insert cannot be separated by another write.
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO credentials (org_id, customer_id, id, username, username_key, created_at)
                SELECT $org, $customer, $id, $username, $key, $at
                WHERE EXISTS (SELECT 1 FROM customers WHERE org_id = $org AND id = $customer);
                """;
            command.Parameters.AddWithValue("$org", orgId);
            command.Parameters.AddWithValue("$customer", customerId.ToString());
            command.Parameters.AddWithValue("$id", credential.Id.ToString());
            command.Parameters.AddWithValue("$username", username);
            command.Parameters.AddWithValue("$key", UsernameKey.From(username));
            command.Parameters.AddWithValue("$at", ToMicroseconds(credential.CreatedAt));
            try
            {
                var inserted = await command.ExecuteNonQueryAsync(cancellationToken);
                return inserted == 1
                    ? new CreateCredentialResult(CreateCredentialOutcome.Created, credential)
                    : new CreateCredentialResult(CreateCredentialOutcome.CustomerNotFound);
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == UniqueConstraintFailed)
            {
                return new CreateCredentialResult(CreateCredentialOutcome.UsernameTaken);
            }
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CredentialRecord>?> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<CredentialRecord>?>(async connection =>
        {
            // One read answers both "does the customer exist?" and "what are its credentials?".
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT cr.id, cr.username, cr.created_at
                FROM customers AS c
                LEFT JOIN credentials AS cr ON cr.org_id = c.org_id AND cr.customer_id = c.id
                WHERE c.org_id = $org AND c.id = $customer
                ORDER BY cr.created_at, cr.id;
                """;
            command.Parameters.AddWithValue("$org", orgId);
            command.Parameters.AddWithValue("$customer", customerId.ToString());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            List<CredentialRecord>? credentials = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                credentials ??= [];
                if (!reader.IsDBNull(0))
                {
                    credentials.Add(new CredentialRecord(Guid.Parse(reader.GetString(0)), reader.GetString(1), FromMicroseconds(reader.GetInt64(2))));
                }
            }

            return credentials;
        }, cancellationToken);

    public Task<DeleteCredentialOutcome> DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken) =>
        database.WriteAsync(async connection =>
        {
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM credentials WHERE org_id = $org AND customer_id = $customer AND id = $id;";
            delete.Parameters.AddWithValue("$org", orgId);
            delete.Parameters.AddWithValue("$customer", customerId.ToString());
            delete.Parameters.AddWithValue("$id", credentialId.ToString());
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return DeleteCredentialOutcome.Deleted;
            }

            await using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT 1 FROM customers WHERE org_id = $org AND id = $customer;";
            exists.Parameters.AddWithValue("$org", orgId);
            exists.Parameters.AddWithValue("$customer", customerId.ToString());
            return await exists.ExecuteScalarAsync(cancellationToken) is null
                ? DeleteCredentialOutcome.CustomerNotFound
                : DeleteCredentialOutcome.CredentialNotFound;
        }, cancellationToken);

    // Stored to the microsecond, the precision PostgreSQL keeps too.
    private DateTimeOffset Now() => FromMicroseconds(ToMicroseconds(clock.GetUtcNow()));

    private static long ToMicroseconds(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);
}
