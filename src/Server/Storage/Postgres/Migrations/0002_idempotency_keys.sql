-- Idempotency-Key of a POST that created something, kept 24 hours (see IdempotencyKey).
CREATE TABLE idempotency_keys (
    org_id              text        NOT NULL,
    key                 text        NOT NULL,
    fingerprint         text        NOT NULL, -- SHA-256 of the operation, path and body
    resource_id         uuid        NOT NULL,
    resource_created_at timestamptz NOT NULL,
    created_at          timestamptz NOT NULL,
    PRIMARY KEY (org_id, key)
);
