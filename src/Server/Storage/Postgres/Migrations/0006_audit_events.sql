-- The audit trail (docs/audit-trail.md): one event per change, written in the change's transaction,
-- numbered per organization without gaps and chained by SHA-256 (AuditChain).
CREATE TABLE audit_events (
    org_id          text        NOT NULL,
    sequence        bigint      NOT NULL,
    occurred_at     timestamptz NOT NULL,
    operation       text        NOT NULL,
    customer_id     uuid        NOT NULL,
    credential_id   uuid        NULL,
    actor_subject   text        NULL,
    actor_client    text        NULL,
    actor_roles     text        NOT NULL, -- a JSON array of strings
    trace_id        text        NULL,
    idempotency_key text        NULL,
    previous_hash   text        NOT NULL,
    hash            text        NOT NULL,
    PRIMARY KEY (org_id, sequence)
);

-- Each organization's chain: its last event and its anchor, the last event the retention removed.
-- A change takes the next sequence by updating this row, and keeps its lock until it commits: so the
-- events of one organization commit in sequence order, and a reader paging by sequence never skips
-- one that commits late (docs/audit-trail.md, "A change feed that never skips").
CREATE TABLE audit_chains (
    org_id          text   NOT NULL PRIMARY KEY,
    last_sequence   bigint NOT NULL,
    last_hash       text   NOT NULL,
    anchor_sequence bigint NOT NULL,
    anchor_hash     text   NOT NULL
);
