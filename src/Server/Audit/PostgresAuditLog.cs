using Npgsql;

namespace Customers.Server.Audit;

/// <summary>
/// The audit trail in PostgreSQL, shared by every instance. A change takes its sequence by updating
/// its organization's row of audit_chains, last of everything it locks, and holds that row lock
/// until it commits or rolls back. So the next change of the organization reads the sequence and
/// hash only after this one's commit is visible (or its rollback has given the number back): one
/// organization's events commit in sequence order with no gaps, and a reader that pages by
/// sequence can never pass a number whose commit comes later (docs/audit-trail.md).
/// </summary>
public static class PostgresAuditLog
{
    public static async Task<AuditEntry> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditDraft draft, TimeProvider clock, CancellationToken token)
    {
        long sequence;
        string previousHash;
        // RETURNING gives the incremented sequence and the hash still unchanged: the previous event's.
        await using (var head = Command(connection, transaction, """
            INSERT INTO audit_chains AS c (org_id, last_sequence, last_hash, anchor_sequence, anchor_hash) VALUES (@org, 1, @genesis, 0, @genesis)
            ON CONFLICT (org_id) DO UPDATE SET last_sequence = c.last_sequence + 1
            RETURNING last_sequence, last_hash;
            """, ("org", draft.OrgId), ("genesis", AuditChain.Genesis)))
        await using (var reader = await head.ExecuteReaderAsync(token))
        {
            await reader.ReadAsync(token);
            (sequence, previousHash) = (reader.GetInt64(0), reader.GetString(1));
        }

        var entry = draft.Seal(sequence, AuditDraft.Now(clock), previousHash);
        await using var append = Command(connection, transaction, """
            INSERT INTO audit_events (org_id, sequence, occurred_at, operation, customer_id, credential_id,
                actor_subject, actor_client, actor_roles, trace_id, idempotency_key, previous_hash, hash)
            VALUES (@org, @sequence, @at, @operation, @customer, @credential, @subject, @client, @roles, @trace, @key, @previous, @hash);
            UPDATE audit_chains SET last_hash = @hash WHERE org_id = @org;
            """,
            ("org", entry.OrgId), ("sequence", entry.Sequence), ("at", entry.OccurredAt), ("operation", entry.Operation),
            ("customer", entry.CustomerId), ("credential", entry.CredentialId), ("subject", entry.Caller.Subject),
            ("client", entry.Caller.Client), ("roles", AuditChain.RolesJson(entry.Caller.Roles)), ("trace", entry.TraceId),
            ("key", entry.IdempotencyKey), ("previous", entry.PreviousHash), ("hash", entry.Hash));
        await append.ExecuteNonQueryAsync(token);
        return entry;
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
