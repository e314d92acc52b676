-- Idempotency-Key of a POST that created something, kept 24 hours (see IdempotencyKey).
CREATE TABLE idempotency_keys (
    org_id              TEXT    NOT NULL,
    key                 TEXT    NOT NULL,
    fingerprint         TEXT    NOT NULL, -- SHA-256 of the operation, path and body
    resource_id         TEXT    NOT NULL,
    resource_created_at INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    PRIMARY KEY (org_id, key)
) WITHOUT ROWID;
