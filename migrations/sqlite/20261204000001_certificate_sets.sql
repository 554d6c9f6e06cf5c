-- The TLS server certificates of the Hub and of each DFSP, and each DFSP's JWS signing
-- certificate, each with the chain it chains to. One set per owner (the UNIQUE owner column):
-- storing a set replaces the one before. Certificates are PEM stored as bytes and validated
-- whenever they are shown.
CREATE TABLE hub_server_certs (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id             INTEGER NOT NULL UNIQUE REFERENCES environments (id) ON DELETE CASCADE,
    certificate        BLOB NOT NULL,
    intermediate_chain BLOB,
    root_certificate   BLOB,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT
);

CREATE TABLE dfsp_server_certs (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    dfsp_key           INTEGER NOT NULL UNIQUE REFERENCES dfsps (id) ON DELETE CASCADE,
    certificate        BLOB NOT NULL,
    intermediate_chain BLOB,
    root_certificate   BLOB,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT
);

CREATE TABLE dfsp_jws_certs (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    dfsp_key           INTEGER NOT NULL UNIQUE REFERENCES dfsps (id) ON DELETE CASCADE,
    certificate        BLOB NOT NULL,
    intermediate_chain BLOB,
    root_certificate   BLOB,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT
);
