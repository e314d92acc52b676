using Customers.Server.Storage.Sqlite;

namespace Customers.Server.Audit;

/// <summary>
/// The audit trail in the SQLite file. Events are appended inside the change's own write (its
/// savepoint in the group commit), so the event and the change are kept or rolled back together;
/// the one writer orders every organization's events, and a reader (WAL) sees only committed ones.
/// </summary>
public static class SqliteAuditLog
{
    public static AuditEntry Append(SqliteWrite write, AuditDraft draft, TimeProvider clock)
    {
        long last = 0;
        var previousHash = AuditChain.Genesis;
        using (var head = write.Command("SELECT last_sequence, last_hash FROM audit_chains WHERE org_id = $org;", ("$org", draft.OrgId)).ExecuteReader())
        {
            if (head.Read())
            {
                (last, previousHash) = (head.GetInt64(0), head.GetString(1));
            }
        }

        var entry = draft.Seal(last + 1, AuditDraft.Now(clock), previousHash);
        write.Command("""
            INSERT INTO audit_events (org_id, sequence, occurred_at, operation, customer_id, credential_id,
                actor_subject, actor_client, actor_roles, trace_id, idempotency_key, previous_hash, hash)
            VALUES ($org, $sequence, $at, $operation, $customer, $credential, $subject, $client, $roles, $trace, $key, $previous, $hash);
            """,
            ("$org", entry.OrgId), ("$sequence", entry.Sequence), ("$at", SqliteCustomerStore.ToMicroseconds(entry.OccurredAt)), ("$operation", entry.Operation),
            ("$customer", entry.CustomerId.ToString()), ("$credential", entry.CredentialId?.ToString()), ("$subject", entry.Caller.Subject),
            ("$client", entry.Caller.Client), ("$roles", AuditChain.RolesJson(entry.Caller.Roles)), ("$trace", entry.TraceId),
            ("$key", entry.IdempotencyKey), ("$previous", entry.PreviousHash), ("$hash", entry.Hash)).ExecuteNonQuery();
        write.Command("""
            INSERT INTO audit_chains (org_id, last_sequence, last_hash, anchor_sequence, anchor_hash) VALUES ($org, $sequence, $hash, 0, $genesis)
            ON CONFLICT (org_id) DO UPDATE SET last_sequence = excluded.last_sequence, last_hash = excluded.last_hash;
            """,
            ("$org", entry.OrgId), ("$sequence", entry.Sequence), ("$hash", entry.Hash), ("$genesis", AuditChain.Genesis)).ExecuteNonQuery();
        return entry;
    }

    private const string Columns = "org_id, sequence, occurred_at, operation, customer_id, credential_id, actor_subject, actor_client, actor_roles, trace_id, idempotency_key, previous_hash, hash";

    public static IReadOnlyList<AuditEntry> Read(SqliteSession session, string orgId, long after, int limit)
    {
        var command = session.Command(null, $"SELECT {Columns} FROM audit_events WHERE org_id = $org AND sequence > $after ORDER BY sequence LIMIT $limit;",
            ("$org", orgId), ("$after", after), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            entries.Add(new AuditEntry(
                reader.GetString(0), reader.GetInt64(1), SqliteCustomerStore.FromMicroseconds(reader.GetInt64(2)), reader.GetString(3), Guid.Parse(reader.GetString(4)),
                reader.IsDBNull(5) ? null : Guid.Parse(reader.GetString(5)),
                new AuditCaller(reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), AuditChain.RolesFromJson(reader.GetString(8))),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetString(11), reader.GetString(12)));
        }

        return entries;
    }

    public static AuditChainEnds Ends(SqliteSession session, string orgId)
    {
        var command = session.Command(null, "SELECT anchor_sequence, anchor_hash, last_sequence, last_hash FROM audit_chains WHERE org_id = $org;", ("$org", orgId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new AuditChainEnds(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)) : AuditChainEnds.Empty;
    }

    /// <summary>
    /// Removes, in each organization, up to <paramref name="batchSize"/> of the oldest events that
    /// occurred before <paramref name="cutoff"/>, always a prefix of its chain, and moves its anchor
    /// to the last one removed. Returns how many went.
    /// </summary>
    public static int Purge(SqliteWrite write, DateTimeOffset cutoff, int batchSize)
    {
        var chains = new List<(string Org, long Anchor)>();
        using (var reader = write.Command("SELECT org_id, anchor_sequence FROM audit_chains;").ExecuteReader())
        {
            while (reader.Read())
            {
                chains.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        var purged = 0;
        foreach (var (org, anchor) in chains)
        {
            // The newest expired event of the batch: everything up to it goes, so the chain keeps no holes.
            var last = write.Command("""
                SELECT sequence, hash FROM audit_events WHERE org_id = $org AND sequence <= $upTo AND occurred_at < $cutoff
                ORDER BY sequence DESC LIMIT 1;
                """,
                ("$org", org), ("$upTo", anchor + batchSize), ("$cutoff", SqliteCustomerStore.ToMicroseconds(cutoff)));
            long sequence;
            string hash;
            using (var reader = last.ExecuteReader())
            {
                if (!reader.Read())
                {
                    continue;
                }

                (sequence, hash) = (reader.GetInt64(0), reader.GetString(1));
            }

            purged += write.Command("DELETE FROM audit_events WHERE org_id = $org AND sequence <= $sequence;", ("$org", org), ("$sequence", sequence)).ExecuteNonQuery();
            write.Command("UPDATE audit_chains SET anchor_sequence = $sequence, anchor_hash = $hash WHERE org_id = $org;",
                ("$org", org), ("$sequence", sequence), ("$hash", hash)).ExecuteNonQuery();
        }

        return purged;
    }
}
