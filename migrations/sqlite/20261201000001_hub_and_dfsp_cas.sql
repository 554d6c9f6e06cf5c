-- The Hub's external CAs, named uniquely per environment, and each DFSP's CA (one per DFSP).
-- Certificates are PEM stored as bytes; what they say and how they validate is read from them
-- whenever they are shown, so validations are always as of now.
CREATE TABLE hub_cas (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id             INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    root_certificate   BLOB NOT NULL,
    intermediate_chain BLOB,
    created_at         TEXT NOT NULL,
    created_by         TEXT,
    CONSTRAINT hub_cas_env_name_unique UNIQUE (env_id, name)
);

CREATE TABLE dfsp_cas (
    dfsp_key           INTEGER PRIMARY KEY REFERENCES dfsps (id) ON DELETE CASCADE,
    root_certificate   BLOB NOT NULL,
    intermediate_chain BLOB,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT
);
