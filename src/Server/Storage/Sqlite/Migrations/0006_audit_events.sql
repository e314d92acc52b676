-- The audit trail (docs/audit-trail.md): one event per change, written in the change's transaction,
-- numbered per organization without gaps and chained by SHA-256 (AuditChain).
CREATE TABLE audit_events (
    org_id          TEXT    NOT NULL,
    sequence        INTEGER NOT NULL,
    occurred_at     INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
    operation       TEXT    NOT NULL,
    customer_id     TEXT    NOT NULL,
    credential_id   TEXT    NULL,
    actor_subject   TEXT    NULL,
    actor_client    TEXT    NULL,
    actor_roles     TEXT    NOT NULL, -- a JSON array of strings
    trace_id        TEXT    NULL,
    idempotency_key TEXT    NULL,
    previous_hash   TEXT    NOT NULL,
    hash            TEXT    NOT NULL,
    PRIMARY KEY (org_id, sequence)
) WITHOUT ROWID;

-- Each organization's chain: its last event (the next one links to it) and its anchor, the last
-- event the retention removed (AuditPurge), from which the events kept still verify.
CREATE TABLE audit_chains (
    org_id          TEXT    NOT NULL PRIMARY KEY,
    last_sequence   INTEGER NOT NULL,
    last_hash       TEXT    NOT NULL,
    anchor_sequence INTEGER NOT NULL,
    anchor_hash     TEXT    NOT NULL
) WITHOUT ROWID;
