using Customers.Server.Audit;
using Customers.Server.Limits;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Customers.Server.Storage.Postgres;

/// <summary>Customers and credentials in PostgreSQL, shared by every instance of the service.</summary>
public sealed class PostgresCustomerStore(PostgresDatabase database, TimeProvider clock, IOptions<StorageOptions> options, IOptions<OrganizationLimitsOptions> limits, AuditSealer sealer) : ICustomerStore
{
    private long MaxCustomers => limits.Value.MaxCustomers > 0 ? limits.Value.MaxCustomers : long.MaxValue;

    public Task<CreateCustomerResult> CreateCustomerAsync(string orgId, string? externalId, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        var customer = new CustomerRecord(Guid.CreateVersion7(), externalId, Now());
        var audit = AuditDraft.For(orgId, AuditOperations.CreateCustomer, customer.Id, idempotencyKey: key?.Value);
        return database.RunAsync(orgId, async (connection, token) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(token);
            var earlier = await ClaimKeyAsync(connection, transaction, orgId, key, customer.Id, customer.CreatedAt, token, replaysErased: true);
            if (earlier is not null)
            {
                return earlier.Matches
                    ? new CreateCustomerResult(CreateOutcome.Replayed, new CustomerRecord(earlier.ResourceId, externalId, earlier.ResourceCreatedAt))
                    : new CreateCustomerResult(CreateOutcome.KeyReused);
            }

            // The organization's count goes up only while under the quota: no row back means it is
            // full. The row lock also orders concurrent creates of one organization across instances.
            await using var count = Command(connection, transaction, """
                INSERT INTO organization_usage (org_id, customers) VALUES (@org, 1)
                ON CONFLICT (org_id) DO UPDATE SET customers = organization_usage.customers + 1 WHERE organization_usage.customers < @max
                RETURNING customers;
                """,
                ("org", orgId), ("max", MaxCustomers));
            if (await count.ExecuteScalarAsync(token) is null)
            {
                return new CreateCustomerResult(CreateOutcome.CustomerLimitReached); // Rolled back with the key.
            }

            await using var insert = Command(connection, transaction,
                "INSERT INTO customers (org_id, id, external_id, created_at) VALUES (@org, @id, @external, @at);",
                ("org", orgId), ("id", customer.Id), ("external", externalId), ("at", customer.CreatedAt));
            await insert.ExecuteNonQueryAsync(token);
            await PostgresAuditLog.AppendAsync(connection, transaction, audit, clock, token);
            await transaction.CommitAsync(token);
            sealer.Request(orgId);
            return new CreateCustomerResult(CreateOutcome.Created, customer);
        }, cancellationToken);
    }

    public Task<CustomerRecord?> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken) =>
        database.RunReadAsync(orgId, async (connection, token) =>
        {
            await using var command = Command(connection, null, "SELECT external_id, created_at FROM customers WHERE org_id = @org AND id = @id;",
                ("org", orgId), ("id", customerId));
            await using var reader = await command.ExecuteReaderAsync(token);
            return await reader.ReadAsync(token)
                ? new CustomerRecord(customerId, reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1))
                : null;
        }, cancellationToken);

    public Task<CreateCredentialResult> CreateCredentialAsync(string orgId, Guid customerId, string username, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        var credential = new CredentialRecord(Guid.CreateVersion7(), username, Now());
        var audit = AuditDraft.For(orgId, AuditOperations.CreateCredential, customerId, credential.Id, key?.Value);
        return database.RunAsync(orgId, async (connection, token) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(token);
            var earlier = await ClaimKeyAsync(connection, transaction, orgId, key, credential.Id, credential.CreatedAt, token);
            if (earlier is not null)
            {
                return earlier.Matches
                    ? new CreateCredentialResult(CreateOutcome.Replayed, new CredentialRecord(earlier.ResourceId, username, earlier.ResourceCreatedAt))
                    : new CreateCredentialResult(CreateOutcome.KeyReused);
            }

            // Racing instances queue on the customer's row. The count is a statement of its own, after
            // the lock: a statement's snapshot is taken when it starts, so a count in the locking
            // statement would not see the credentials that the instance before it committed. The
            // unique index on (org_id, username_key) decides between racing usernames.
            await using (var lockCustomer = Command(connection, transaction, "SELECT 1 FROM customers WHERE org_id = @org AND id = @customer FOR UPDATE;",
                ("org", orgId), ("customer", customerId)))
            {
                if (await lockCustomer.ExecuteScalarAsync(token) is null)
                {
                    return new CreateCredentialResult(CreateOutcome.CustomerNotFound); // Rolled back with the key.
                }
            }

            await using (var count = Command(connection, transaction, "SELECT count(*) FROM credentials WHERE org_id = @org AND customer_id = @customer;",
                ("org", orgId), ("customer", customerId)))
            {
                if ((long)(await count.ExecuteScalarAsync(token))! >= options.Value.MaxCredentialsPerCustomer)
                {
                    return new CreateCredentialResult(CreateOutcome.CredentialLimitReached);
                }
            }

            // A taken username is a row count of 0, not a unique violation: no exception to pay for, and
            // no username in PostgreSQL's log (a violation's DETAIL line names the key).
            await using (var insert = Command(connection, transaction, """
                INSERT INTO credentials (org_id, customer_id, id, username, username_key, created_at)
                VALUES (@org, @customer, @id, @username, @key, @at)
                ON CONFLICT (org_id, username_key) DO NOTHING;
                """,
                ("org", orgId), ("customer", customerId), ("id", credential.Id), ("username", username),
                ("key", UsernameKey.From(username)), ("at", credential.CreatedAt)))
            {
                if (await insert.ExecuteNonQueryAsync(token) == 0)
                {
                    return new CreateCredentialResult(CreateOutcome.UsernameTaken); // Rolled back with the key.
                }
            }

            await PostgresAuditLog.AppendAsync(connection, transaction, audit, clock, token);
            await transaction.CommitAsync(token);
            sealer.Request(orgId);
            return new CreateCredentialResult(CreateOutcome.Created, credential);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CredentialRecord>?> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken) =>
        database.RunReadAsync<IReadOnlyList<CredentialRecord>?>(orgId, async (connection, token) =>
        {
            await using var command = Command(connection, null, """
                SELECT cr.id, cr.username, cr.created_at
                FROM customers AS c
                LEFT JOIN credentials AS cr ON cr.org_id = c.org_id AND cr.customer_id = c.id
                WHERE c.org_id = @org AND c.id = @customer
                ORDER BY cr.created_at, cr.id;
                """,
                ("org", orgId), ("customer", customerId));
            await using var reader = await command.ExecuteReaderAsync(token);
            List<CredentialRecord>? credentials = null;
            while (await reader.ReadAsync(token))
            {
                credentials ??= [];
                if (!reader.IsDBNull(0))
                {
                    credentials.Add(new CredentialRecord(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
                }
            }

            return credentials;
        }, cancellationToken);

    public Task<DeleteCredentialOutcome> DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken)
    {
        var audit = AuditDraft.For(orgId, AuditOperations.DeleteCredential, customerId, credentialId);
        return database.RunAsync(orgId, async (connection, token) =>
        {
            // A transaction now, for the event: the deletion and its event commit together.
            await using var transaction = await connection.BeginTransactionAsync(token);
            await using var delete = Command(connection, transaction, "DELETE FROM credentials WHERE org_id = @org AND customer_id = @customer AND id = @id;",
                ("org", orgId), ("customer", customerId), ("id", credentialId));
            if (await delete.ExecuteNonQueryAsync(token) == 1)
            {
                await PostgresAuditLog.AppendAsync(connection, transaction, audit, clock, token);
                await transaction.CommitAsync(token);
                sealer.Request(orgId);
                return DeleteCredentialOutcome.Deleted;
            }

            await using var exists = Command(connection, transaction, "SELECT 1 FROM customers WHERE org_id = @org AND id = @customer;",
                ("org", orgId), ("customer", customerId));
            return await exists.ExecuteScalarAsync(token) is null ? DeleteCredentialOutcome.CustomerNotFound : DeleteCredentialOutcome.CredentialNotFound;
        }, cancellationToken);
    }

    public Task<bool> EraseCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken)
    {
        // Ids only: the event outlives the customer, and the erasure never has to rewrite the trail.
        var audit = AuditDraft.For(orgId, AuditOperations.EraseCustomer, customerId);
        return database.RunAsync(orgId, async (connection, token) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(token);
            // The customer's row is locked first, as a credential being added to it locks it: that
            // credential is either committed before and erased here, or finds no customer after.
            await using (var customer = Command(connection, transaction, "SELECT 1 FROM customers WHERE org_id = @org AND id = @customer FOR UPDATE;",
                ("org", orgId), ("customer", customerId)))
            {
                if (await customer.ExecuteScalarAsync(token) is null)
                {
                    return false;
                }
            }

            // The records of the credentials' creation go (a replay then meets a missing customer: 404);
            // the customer's own keeps ids only, so that its replay creates nothing (IdempotencyKey.ErasedCustomer).
            await using var rest = Command(connection, transaction, """
                DELETE FROM idempotency_keys WHERE org_id = @org AND resource_id IN
                    (SELECT id FROM credentials WHERE org_id = @org AND customer_id = @customer);
                UPDATE idempotency_keys SET fingerprint = @erased WHERE org_id = @org AND resource_id = @customer;
                DELETE FROM credentials WHERE org_id = @org AND customer_id = @customer;
                DELETE FROM customers WHERE org_id = @org AND id = @customer;
                UPDATE organization_usage SET customers = customers - 1 WHERE org_id = @org;
                """,
                ("org", orgId), ("customer", customerId), ("erased", IdempotencyKey.ErasedCustomer));
            await rest.ExecuteNonQueryAsync(token);
            await PostgresAuditLog.AppendAsync(connection, transaction, audit, clock, token);
            await transaction.CommitAsync(token);
            sealer.Request(orgId);
            return true;
        }, cancellationToken);
    }

    public Task<int> PurgeExpiredKeysAsync(int batchSize, CancellationToken cancellationToken) =>
        database.RunAsync(null, async (connection, token) =>
        {
            // A batch at a time, well inside the statement timeout however large the backlog.
            await using var purge = Command(connection, null, """
                DELETE FROM idempotency_keys WHERE ctid IN
                    (SELECT ctid FROM idempotency_keys WHERE created_at < @cutoff LIMIT @batch);
                """,
                ("cutoff", clock.GetUtcNow() - IdempotencyKey.Lifetime), ("batch", batchSize));
            return await purge.ExecuteNonQueryAsync(token);
        }, cancellationToken);

    // From the primary, as writes are: a standby shows the same order, but a reader that moved
    // between servers could see a page again.
    // Both seal the organization's pending events first: a change acknowledged before the read is in its answer.
    public Task<IReadOnlyList<AuditEntry>> ReadAuditEventsAsync(string orgId, long after, int limit, CancellationToken cancellationToken) =>
        database.RunAsync(orgId, async (connection, token) =>
        {
            await PostgresAuditLog.SealPendingAsync(connection, orgId, token);
            return await PostgresAuditLog.ReadAsync(connection, orgId, after, limit, token);
        }, cancellationToken);

    public Task<AuditChainEnds> ReadAuditChainEndsAsync(string orgId, CancellationToken cancellationToken) =>
        database.RunAsync(orgId, async (connection, token) =>
        {
            await PostgresAuditLog.SealPendingAsync(connection, orgId, token);
            return await PostgresAuditLog.EndsAsync(connection, orgId, token);
        }, cancellationToken);

    public Task<int> PurgeAuditEventsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        database.RunAsync(null, (connection, token) => PostgresAuditLog.PurgeAsync(connection, cutoff, batchSize, token), cancellationToken);

    /// <summary>Ready means a primary that takes writes, with the schema: a standby, a read-only server or none at all is unready.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        database.RunAsync(null, async (connection, token) =>
        {
            await using var command = Command(connection, null,
                "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only')::boolean FROM schema_migrations LIMIT 1;");
            return await command.ExecuteScalarAsync(token) is true
                ? throw new RepositoryUnavailableException("The PostgreSQL server found takes no writes.", new InvalidOperationException("pg_is_in_recovery() or transaction_read_only is true."))
                : true;
        }, cancellationToken);

    /// <summary>
    /// Stores the key for the resource about to be created, in the caller's transaction. A second
    /// request with the same key waits here until the first commits or rolls back. Returns null
    /// when the key is new (or absent, or expired), else what the earlier request created.
    /// </summary>
    private async Task<EarlierRequest?> ClaimKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string orgId, IdempotencyKey? key, Guid resourceId, DateTimeOffset resourceCreatedAt, CancellationToken token, bool replaysErased = false)
    {
        if (key is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        await using (var expire = Command(connection, transaction, "DELETE FROM idempotency_keys WHERE org_id = @org AND key = @key AND created_at < @cutoff;",
                         ("org", orgId), ("key", key.Value), ("cutoff", now - IdempotencyKey.Lifetime)))
        {
            await expire.ExecuteNonQueryAsync(token);
        }

        await using (var claim = Command(connection, transaction, """
                         INSERT INTO idempotency_keys (org_id, key, fingerprint, resource_id, resource_created_at, created_at)
                         VALUES (@org, @key, @fingerprint, @resource, @resourceAt, @now)
                         ON CONFLICT (org_id, key) DO NOTHING;
                         """,
                         ("org", orgId), ("key", key.Value), ("fingerprint", key.Fingerprint), ("resource", resourceId), ("resourceAt", resourceCreatedAt), ("now", now)))
        {
            if (await claim.ExecuteNonQueryAsync(token) == 1)
            {
                return null;
            }
        }

        await using var earlier = Command(connection, transaction,
            "SELECT fingerprint, resource_id, resource_created_at FROM idempotency_keys WHERE org_id = @org AND key = @key;",
            ("org", orgId), ("key", key.Value));
        await using var reader = await earlier.ExecuteReaderAsync(token);
        await reader.ReadAsync(token);
        var stored = reader.GetString(0);
        return new EarlierRequest(key.Matches(stored) || (replaysErased && stored == IdempotencyKey.ErasedCustomer), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2));
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    // PostgreSQL keeps microseconds; truncating here makes the 201 agree with later reads.
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
    }
}
