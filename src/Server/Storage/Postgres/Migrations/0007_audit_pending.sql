-- Events are sealed after their change commits (docs/audit-trail.md, "A change feed that never skips"):
-- the change's transaction inserts its event here, without a sequence or hashes, so that it never
-- takes the organization's chain row; a sealer moves an organization's pending events into
-- audit_events in one short transaction that holds that row. Readers only ever see audit_events.
CREATE TABLE audit_pending (
    pending_id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    operation       text        NOT NULL,
    customer_id     uuid        NOT NULL,
    credential_id   uuid        NULL,
    actor_subject   text        NULL,
    actor_client    text        NULL,
    actor_roles     text        NOT NULL, -- a JSON array of strings
    trace_id        text        NULL,
    idempotency_key text        NULL
);

-- The sealer takes an organization's pending events in this order.
CREATE INDEX audit_pending_by_org ON audit_pending (org_id, occurred_at, pending_id);
