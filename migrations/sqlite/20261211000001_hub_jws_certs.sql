-- The Hub's JWS signing certificate, with its chain. Rotation keeps the one it replaced as
-- superseded (the DFSPs still verify messages signed before the switch) until a hub operator
-- deletes it: at most one current and one superseded per environment.
CREATE TABLE hub_jws_certs (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id             INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    superseded         INTEGER NOT NULL,
    certificate        BLOB NOT NULL,
    intermediate_chain BLOB,
    root_certificate   BLOB,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT,
    CONSTRAINT hub_jws_certs_one_each UNIQUE (env_id, superseded)
);
