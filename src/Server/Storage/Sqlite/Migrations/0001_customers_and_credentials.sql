CREATE TABLE customers (
    org_id      TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    external_id TEXT    NULL,
    created_at  INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE credentials (
    org_id       TEXT    NOT NULL,
    customer_id  TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    username     TEXT    NOT NULL, -- as sent
    username_key TEXT    NOT NULL, -- what uniqueness is decided on (UsernameKey; recomputed by UsernameKeyMigration)
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (org_id, customer_id, id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers (org_id, id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX credentials_username_per_org ON credentials (org_id, username_key);
