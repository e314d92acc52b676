using Customers.Server.Audit;
using Customers.Server.Limits;
using Microsoft.Extensions.Options;
using Microsoft.Data.Sqlite;

namespace Customers.Server.Storage.Sqlite;

/// <summary>Customers and credentials in the embedded SQLite file.</summary>
public sealed class SqliteCustomerStore(SqliteDatabase database, TimeProvider clock, IOptions<StorageOptions> options, IOptions<OrganizationLimitsOptions> limits) : ICustomerStore
{
    private long MaxCustomers => limits.Value.MaxCustomers > 0 ? limits.Value.MaxCustomers : long.MaxValue;

    private const int UniqueConstraintFailed = 2067; // SQLITE_CONSTRAINT_UNIQUE

    public Task<CreateCustomerResult> CreateCustomerAsync(string orgId, string? externalId, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        var customer = new CustomerRecord(Guid.CreateVersion7(), externalId, Now());
        var audit = AuditDraft.For(orgId, AuditOperations.CreateCustomer, customer.Id, idempotencyKey: key?.Value);
        return database.WriteAsync(orgId, write =>
        {
            var earlier = ClaimKey(write, orgId, key, customer.Id, customer.CreatedAt, replaysErased: true);
            if (earlier is not null)
            {
                return earlier.Matches
                    ? new CreateCustomerResult(CreateOutcome.Replayed, new CustomerRecord(earlier.ResourceId, externalId, earlier.ResourceCreatedAt))
                    : new CreateCustomerResult(CreateOutcome.KeyReused);
            }

            // The organization's count goes up only while under the quota: no row back means it is full.
            var counted = write.Command("""
                INSERT INTO organization_usage (org_id, customers) VALUES ($org, 1)
                ON CONFLICT (org_id) DO UPDATE SET customers = customers + 1 WHERE customers < $max
                RETURNING customers;
                """,
                ("$org", orgId), ("$max", MaxCustomers)).ExecuteScalar();
            if (counted is null)
            {
                return new CreateCustomerResult(CreateOutcome.CustomerLimitReached); // Rolled back with the key.
            }

            write.Command("INSERT INTO customers (org_id, id, external_id, created_at) VALUES ($org, $id, $external, $at);",
                ("$org", orgId), ("$id", customer.Id.ToString()), ("$external", externalId), ("$at", ToMicroseconds(customer.CreatedAt)))
                .ExecuteNonQuery();
            SqliteAuditLog.Append(write, audit, clock);
            write.Commit();
            return new CreateCustomerResult(CreateOutcome.Created, customer);
        }, cancellationToken);
    }

    public Task<CustomerRecord?> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken) =>
        database.ReadAsync(session =>
        {
            var command = session.Command(null, "SELECT external_id, created_at FROM customers WHERE org_id = $org AND id = $id;",
                ("$org", orgId), ("$id", customerId.ToString()));
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new CustomerRecord(customerId, reader.IsDBNull(0) ? null : reader.GetString(0), FromMicroseconds(reader.GetInt64(1)))
                : null;
        });

    public Task<CreateCredentialResult> CreateCredentialAsync(string orgId, Guid customerId, string username, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        var credential = new CredentialRecord(Guid.CreateVersion7(), username, Now());
        var usernameKey = UsernameKey.From(username); // Before the writer's turn: every write waits for the one in front.
        var audit = AuditDraft.For(orgId, AuditOperations.CreateCredential, customerId, credential.Id, key?.Value);
        return database.WriteAsync(orgId, write =>
        {
            var earlier = ClaimKey(write, orgId, key, credential.Id, credential.CreatedAt);
            if (earlier is not null)
            {
                return earlier.Matches
                    ? new CreateCredentialResult(CreateOutcome.Replayed, new CredentialRecord(earlier.ResourceId, username, earlier.ResourceCreatedAt))
                    : new CreateCredentialResult(CreateOutcome.KeyReused);
            }

            // The one writer holds the database: the count and the insert cannot be separated by another write.
            var count = write.Command("SELECT count(*) FROM credentials WHERE org_id = $org AND customer_id = $customer;",
                ("$org", orgId), ("$customer", customerId.ToString()));
            if ((long)count.ExecuteScalar()! >= options.Value.MaxCredentialsPerCustomer)
            {
                return new CreateCredentialResult(CreateOutcome.CredentialLimitReached); // Rolled back with the key.
            }

            var command = write.Command("""
                INSERT INTO credentials (org_id, customer_id, id, username, username_key, created_at)
                SELECT $org, $customer, $id, $username, $key, $at
                WHERE EXISTS (SELECT 1 FROM customers WHERE org_id = $org AND id = $customer);
                """,
                ("$org", orgId), ("$customer", customerId.ToString()), ("$id", credential.Id.ToString()),
                ("$username", username), ("$key", usernameKey), ("$at", ToMicroseconds(credential.CreatedAt)));
            try
            {
                if (command.ExecuteNonQuery() == 0)
                {
                    return new CreateCredentialResult(CreateOutcome.CustomerNotFound); // Rolled back with the key.
                }
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == UniqueConstraintFailed)
            {
                return new CreateCredentialResult(CreateOutcome.UsernameTaken);
            }

            SqliteAuditLog.Append(write, audit, clock);
            write.Commit();
            return new CreateCredentialResult(CreateOutcome.Created, credential);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CredentialRecord>?> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<CredentialRecord>?>(session =>
        {
            // One read answers both "does the customer exist?" and "what are its credentials?".
            var command = session.Command(null, """
                SELECT cr.id, cr.username, cr.created_at
                FROM customers AS c
                LEFT JOIN credentials AS cr ON cr.org_id = c.org_id AND cr.customer_id = c.id
                WHERE c.org_id = $org AND c.id = $customer
                ORDER BY cr.created_at, cr.id;
                """,
                ("$org", orgId), ("$customer", customerId.ToString()));
            using var reader = command.ExecuteReader();
            List<CredentialRecord>? credentials = null;
            while (reader.Read())
            {
                credentials ??= [];
                if (!reader.IsDBNull(0))
                {
                    credentials.Add(new CredentialRecord(Guid.Parse(reader.GetString(0)), reader.GetString(1), FromMicroseconds(reader.GetInt64(2))));
                }
            }

            return credentials;
        });

    public Task<DeleteCredentialOutcome> DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken)
    {
        var audit = AuditDraft.For(orgId, AuditOperations.DeleteCredential, customerId, credentialId);
        return database.WriteAsync(orgId, write =>
        {
            var delete = write.Command("DELETE FROM credentials WHERE org_id = $org AND customer_id = $customer AND id = $id;",
                ("$org", orgId), ("$customer", customerId.ToString()), ("$id", credentialId.ToString()));
            if (delete.ExecuteNonQuery() == 1)
            {
                SqliteAuditLog.Append(write, audit, clock);
                write.CommitRemoval();
                return DeleteCredentialOutcome.Deleted;
            }

            var exists = write.Command("SELECT 1 FROM customers WHERE org_id = $org AND id = $customer;",
                ("$org", orgId), ("$customer", customerId.ToString()));
            return exists.ExecuteScalar() is null
                ? DeleteCredentialOutcome.CustomerNotFound
                : DeleteCredentialOutcome.CredentialNotFound;
        }, cancellationToken);
    }

    public Task<bool> EraseCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken)
    {
        // Ids only: the event outlives the customer, and the erasure never has to rewrite the trail.
        var audit = AuditDraft.For(orgId, AuditOperations.EraseCustomer, customerId);
        return database.WriteAsync(orgId, write =>
        {
            (string, object?) org = ("$org", orgId), customer = ("$customer", customerId.ToString());
            if (write.Command("SELECT 1 FROM customers WHERE org_id = $org AND id = $customer;", org, customer).ExecuteScalar() is null)
            {
                return false;
            }

            // The records of the credentials' creation go (a replay then meets a missing customer: 404);
            // the customer's own keeps ids only, so that its replay creates nothing (IdempotencyKey.ErasedCustomer).
            write.Command("""
                DELETE FROM idempotency_keys WHERE org_id = $org AND resource_id IN
                    (SELECT id FROM credentials WHERE org_id = $org AND customer_id = $customer);
                """, org, customer).ExecuteNonQuery();
            write.Command("UPDATE idempotency_keys SET fingerprint = $erased WHERE org_id = $org AND resource_id = $customer;",
                org, customer, ("$erased", IdempotencyKey.ErasedCustomer)).ExecuteNonQuery();
            write.Command("DELETE FROM credentials WHERE org_id = $org AND customer_id = $customer;", org, customer).ExecuteNonQuery();
            write.Command("DELETE FROM customers WHERE org_id = $org AND id = $customer;", org, customer).ExecuteNonQuery();
            write.Command("UPDATE organization_usage SET customers = customers - 1 WHERE org_id = $org;", org).ExecuteNonQuery();
            SqliteAuditLog.Append(write, audit, clock);
            write.CommitRemoval();
            return true;
        }, cancellationToken);
    }

    public Task<int> PurgeExpiredKeysAsync(int batchSize, CancellationToken cancellationToken) =>
        database.WriteAsync(null, write =>
        {
            // A batch at a time, so that the one writer is never held long by a backlog.
            var purge = write.Command("""
                DELETE FROM idempotency_keys WHERE (org_id, key) IN
                    (SELECT org_id, key FROM idempotency_keys WHERE created_at < $cutoff LIMIT $batch);
                """,
                ("$cutoff", ToMicroseconds(clock.GetUtcNow() - IdempotencyKey.Lifetime)), ("$batch", batchSize));
            var purged = purge.ExecuteNonQuery();
            write.Commit();
            return purged;
        }, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditEventsAsync(string orgId, long after, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync(session => SqliteAuditLog.Read(session, orgId, after, limit));

    public Task<AuditChainEnds> ReadAuditChainEndsAsync(string orgId, CancellationToken cancellationToken) =>
        database.ReadAsync(session => SqliteAuditLog.Ends(session, orgId));

    public Task<int> PurgeAuditEventsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        database.WriteAsync(null, write =>
        {
            var purged = SqliteAuditLog.Purge(write, cutoff, batchSize);
            write.Commit();
            return purged;
        }, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(session => session.Command(null, "SELECT COUNT(*) FROM schema_migrations;").ExecuteScalar());

    /// <summary>
    /// Stores the key for the resource about to be created, in the caller's write. Returns
    /// null when the key is new (or absent, or expired), else what the earlier request created.
    /// </summary>
    private EarlierRequest? ClaimKey(SqliteWrite write, string orgId, IdempotencyKey? key, Guid resourceId, DateTimeOffset resourceCreatedAt, bool replaysErased = false)
    {
        if (key is null)
        {
            return null;
        }

        var now = ToMicroseconds(clock.GetUtcNow());
        var expire = write.Command("DELETE FROM idempotency_keys WHERE org_id = $org AND key = $key AND created_at < $cutoff;",
            ("$org", orgId), ("$key", key.Value), ("$cutoff", now - (long)IdempotencyKey.Lifetime.TotalMicroseconds));
        expire.ExecuteNonQuery();

        var claim = write.Command("""
            INSERT INTO idempotency_keys (org_id, key, fingerprint, resource_id, resource_created_at, created_at)
            VALUES ($org, $key, $fingerprint, $resource, $resourceAt, $now)
            ON CONFLICT (org_id, key) DO NOTHING;
            """,
            ("$org", orgId), ("$key", key.Value), ("$fingerprint", key.Fingerprint), ("$resource", resourceId.ToString()),
            ("$resourceAt", ToMicroseconds(resourceCreatedAt)), ("$now", now));
        if (claim.ExecuteNonQuery() == 1)
        {
            return null;
        }

        var earlier = write.Command(
            "SELECT fingerprint, resource_id, resource_created_at FROM idempotency_keys WHERE org_id = $org AND key = $key;",
            ("$org", orgId), ("$key", key.Value));
        using var reader = earlier.ExecuteReader();
        reader.Read();
        var stored = reader.GetString(0);
        return new EarlierRequest(key.Matches(stored) || (replaysErased && stored == IdempotencyKey.ErasedCustomer), Guid.Parse(reader.GetString(1)), FromMicroseconds(reader.GetInt64(2)));
    }

    // Stored to the microsecond, the precision PostgreSQL keeps too.
    private DateTimeOffset Now() => FromMicroseconds(ToMicroseconds(clock.GetUtcNow()));

    internal static long ToMicroseconds(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    internal static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);
}
