using Npgsql;

namespace Customers.Server.Audit;

/// <summary>
/// The audit trail in PostgreSQL, shared by every instance, sealed after the change commits. A
/// change inserts its event into audit_pending in its own transaction (no change without its event,
/// no event without its change) but takes no lock of the chain, so one organization's commits can
/// share a WAL flush. <see cref="SealAsync"/> then gives the organization's pending events their
/// sequence numbers and hashes in one short transaction that takes the organization's audit_chains
/// row first and holds it until it commits: the next sealing transaction reads the chain's head only
/// after this one's commit is visible, so sealed events become visible in sequence order with no
/// gaps, and a reader paging by sequence (which only sees audit_events) can never pass a number
/// whose commit comes later (docs/audit-trail.md).
/// </summary>
public static class PostgresAuditLog
{
    /// <summary>The most pending events one sealing transaction takes, so that a backlog never holds a chain long.</summary>
    public const int SealBatchSize = 1000;

    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditDraft draft, TimeProvider clock, CancellationToken token)
    {
        await using var append = Command(connection, transaction, """
            INSERT INTO audit_pending (org_id, occurred_at, operation, customer_id, credential_id,
                actor_subject, actor_client, actor_roles, trace_id, idempotency_key)
            VALUES (@org, @at, @operation, @customer, @credential, @subject, @client, @roles, @trace, @key);
            """,
            ("org", draft.OrgId), ("at", AuditDraft.Now(clock)), ("operation", draft.Operation),
            ("customer", draft.CustomerId), ("credential", draft.CredentialId), ("subject", draft.Context.Caller.Subject),
            ("client", draft.Context.Caller.Client), ("roles", AuditChain.RolesJson(draft.Context.Caller.Roles)), ("trace", draft.Context.TraceId),
            ("key", draft.IdempotencyKey));
        await append.ExecuteNonQueryAsync(token);
    }

    /// <summary>
    /// Seals every event of the organization that is pending now (read-your-writes for a reader:
    /// whatever committed before the call is in audit_events after it); returns how many it sealed.
    /// A cheap probe first, so a reader pays one index look-up when nothing is pending.
    /// </summary>
    public static async Task<int> SealPendingAsync(NpgsqlConnection connection, string orgId, CancellationToken token)
    {
        await using (var any = Command(connection, null, "SELECT EXISTS (SELECT 1 FROM audit_pending WHERE org_id = @org);", ("org", orgId)))
        {
            if (await any.ExecuteScalarAsync(token) is not true)
            {
                return 0;
            }
        }

        var total = 0;
        int batch;
        do
        {
            batch = await SealAsync(connection, orgId, SealBatchSize, token);
            total += batch;
        }
        while (batch == SealBatchSize);

        return total;
    }

    /// <summary>Seals the pending events of every organization that has some (the sweep: events left by an instance that stopped before sealing).</summary>
    public static async Task<int> SealAllPendingAsync(NpgsqlConnection connection, CancellationToken token)
    {
        var orgs = new List<string>();
        await using (var list = Command(connection, null, "SELECT DISTINCT org_id FROM audit_pending;"))
        await using (var reader = await list.ExecuteReaderAsync(token))
        {
            while (await reader.ReadAsync(token))
            {
                orgs.Add(reader.GetString(0));
            }
        }

        var total = 0;
        foreach (var org in orgs)
        {
            total += await SealPendingAsync(connection, org, token);
        }

        return total;
    }

    /// <summary>
    /// One sealing transaction: the organization's chain row first (created at sequence 0 if new),
    /// then up to <paramref name="batchSize"/> of its pending events, oldest first, moved into
    /// audit_events with the next sequences and hashes, and the chain's head moved to the last.
    /// Every sealer takes the chain row before the pending rows, so two sealers of one
    /// organization queue on it and the second finds only what the first left.
    /// </summary>
    public static async Task<int> SealAsync(NpgsqlConnection connection, string orgId, int batchSize, CancellationToken token)
    {
        await using var transaction = await connection.BeginTransactionAsync(token);
        long sequence;
        string previousHash;
        // A no-op update that locks the row; under READ COMMITTED it returns the newest committed head.
        await using (var head = Command(connection, transaction, """
            INSERT INTO audit_chains AS c (org_id, last_sequence, last_hash, anchor_sequence, anchor_hash) VALUES (@org, 0, @genesis, 0, @genesis)
            ON CONFLICT (org_id) DO UPDATE SET last_sequence = c.last_sequence
            RETURNING last_sequence, last_hash;
            """, ("org", orgId), ("genesis", AuditChain.Genesis)))
        await using (var reader = await head.ExecuteReaderAsync(token))
        {
            await reader.ReadAsync(token);
            (sequence, previousHash) = (reader.GetInt64(0), reader.GetString(1));
        }

        var entries = new List<AuditEntry>();
        await using (var take = Command(connection, transaction, """
            WITH taken AS (
                DELETE FROM audit_pending WHERE pending_id IN
                    (SELECT pending_id FROM audit_pending WHERE org_id = @org ORDER BY occurred_at, pending_id LIMIT @batch)
                RETURNING *)
            SELECT occurred_at, operation, customer_id, credential_id, actor_subject, actor_client, actor_roles, trace_id, idempotency_key
            FROM taken ORDER BY occurred_at, pending_id;
            """, ("org", orgId), ("batch", (long)batchSize)))
        await using (var reader = await take.ExecuteReaderAsync(token))
        {
            while (await reader.ReadAsync(token))
            {
                var entry = new AuditEntry(
                    orgId, ++sequence, reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetGuid(2),
                    reader.IsDBNull(3) ? null : reader.GetGuid(3),
                    new AuditCaller(reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), AuditChain.RolesFromJson(reader.GetString(6))),
                    reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), previousHash, Hash: "");
                entry = entry with { Hash = AuditChain.HashOf(entry, previousHash) };
                previousHash = entry.Hash;
                entries.Add(entry);
            }
        }

        if (entries.Count == 0)
        {
            await transaction.RollbackAsync(token); // Another sealer took them: leave the head as it was.
            return 0;
        }

        await using var seal = Command(connection, transaction, """
            INSERT INTO audit_events (org_id, sequence, occurred_at, operation, customer_id, credential_id,
                actor_subject, actor_client, actor_roles, trace_id, idempotency_key, previous_hash, hash)
            SELECT @org, * FROM unnest(@sequence::bigint[], @at::timestamptz[], @operation::text[], @customer::uuid[], @credential::uuid[],
                @subject::text[], @client::text[], @roles::text[], @trace::text[], @key::text[], @previous::text[], @hash::text[]);
            UPDATE audit_chains SET last_sequence = @last, last_hash = @lastHash WHERE org_id = @org;
            """,
            ("org", orgId),
            ("sequence", entries.Select(e => e.Sequence).ToArray()),
            ("at", entries.Select(e => e.OccurredAt).ToArray()),
            ("operation", entries.Select(e => e.Operation).ToArray()),
            ("customer", entries.Select(e => e.CustomerId).ToArray()),
            ("credential", entries.Select(e => e.CredentialId).ToArray()),
            ("subject", entries.Select(e => e.Caller.Subject).ToArray()),
            ("client", entries.Select(e => e.Caller.Client).ToArray()),
            ("roles", entries.Select(e => AuditChain.RolesJson(e.Caller.Roles)).ToArray()),
            ("trace", entries.Select(e => e.TraceId).ToArray()),
            ("key", entries.Select(e => e.IdempotencyKey).ToArray()),
            ("previous", entries.Select(e => e.PreviousHash).ToArray()),
            ("hash", entries.Select(e => e.Hash).ToArray()),
            ("last", entries[^1].Sequence), ("lastHash", entries[^1].Hash));
        await seal.ExecuteNonQueryAsync(token);
        await transaction.CommitAsync(token);
        return entries.Count;
    }

    public static async Task<IReadOnlyList<AuditEntry>> ReadAsync(NpgsqlConnection connection, string orgId, long after, int limit, CancellationToken token)
    {
        await using var command = Command(connection, null, """
            SELECT org_id, sequence, occurred_at, operation, customer_id, credential_id, actor_subject, actor_client, actor_roles,
                trace_id, idempotency_key, previous_hash, hash
            FROM audit_events WHERE org_id = @org AND sequence > @after ORDER BY sequence LIMIT @limit;
            """, ("org", orgId), ("after", after), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(token);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(token))
        {
            entries.Add(new AuditEntry(
                reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetGuid(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5),
                new AuditCaller(reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), AuditChain.RolesFromJson(reader.GetString(8))),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetString(11), reader.GetString(12)));
        }

        return entries;
    }

    public static async Task<AuditChainEnds> EndsAsync(NpgsqlConnection connection, string orgId, CancellationToken token)
    {
        await using var command = Command(connection, null, "SELECT anchor_sequence, anchor_hash, last_sequence, last_hash FROM audit_chains WHERE org_id = @org;", ("org", orgId));
        await using var reader = await command.ExecuteReaderAsync(token);
        return await reader.ReadAsync(token)
            ? new AuditChainEnds(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3))
            : AuditChainEnds.Empty;
    }

    /// <summary>As <see cref="SqliteAuditLog.Purge"/>: per organization a prefix of expired events, and the anchor moved to its last one, in one transaction each.</summary>
    public static async Task<int> PurgeAsync(NpgsqlConnection connection, DateTimeOffset cutoff, int batchSize, CancellationToken token)
    {
        // Pending events first: one left by a stopped instance may be older than the cutoff.
        await SealAllPendingAsync(connection, token);
        var orgs = new List<string>();
        await using (var list = Command(connection, null, "SELECT org_id FROM audit_chains;"))
        await using (var reader = await list.ExecuteReaderAsync(token))
        {
            while (await reader.ReadAsync(token))
            {
                orgs.Add(reader.GetString(0));
            }
        }

        var purged = 0;
        foreach (var org in orgs)
        {
            await using var transaction = await connection.BeginTransactionAsync(token);
            // The chain's row first, as a change takes it: the anchor cannot move under a writer.
            await using var purge = Command(connection, transaction, """
                WITH chain AS (SELECT anchor_sequence FROM audit_chains WHERE org_id = @org FOR UPDATE),
                last AS (
                    SELECT e.sequence, e.hash FROM audit_events e, chain
                    WHERE e.org_id = @org AND e.sequence <= chain.anchor_sequence + @batch AND e.occurred_at < @cutoff
                    ORDER BY e.sequence DESC LIMIT 1),
                gone AS (DELETE FROM audit_events e USING last WHERE e.org_id = @org AND e.sequence <= last.sequence RETURNING 1),
                moved AS (UPDATE audit_chains c SET anchor_sequence = last.sequence, anchor_hash = last.hash FROM last WHERE c.org_id = @org RETURNING 1)
                SELECT count(*) FROM gone;
                """, ("org", org), ("batch", (long)batchSize), ("cutoff", cutoff));
            purged += (int)(long)(await purge.ExecuteScalarAsync(token))!;
            await transaction.CommitAsync(token);
        }

        return purged;
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
}
