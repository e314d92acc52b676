CREATE TABLE customers (
    org_id      text        NOT NULL,
    id          uuid        NOT NULL,
    external_id text        NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE credentials (
    org_id       text        NOT NULL,
    customer_id  uuid        NOT NULL,
    id           uuid        NOT NULL,
    username     text        NOT NULL, -- as sent
    username_key text        NOT NULL, -- what uniqueness is decided on (UsernameKey; recomputed by UsernameKeyMigration)
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (org_id, customer_id, id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers (org_id, id)
);

CREATE UNIQUE INDEX credentials_username_per_org ON credentials (org_id, username_key);
