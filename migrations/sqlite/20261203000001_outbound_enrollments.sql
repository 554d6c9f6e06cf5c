-- The Hub's CSRs for DFSPs and the certificates the DFSPs' CAs return. `sealed_key` is the
-- private key the server made (encrypted under P12_PASS_PHRASE, never in clear), `key_public`
-- its public half, kept to check a returned certificate without opening the key.
CREATE TABLE outbound_enrollments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id         INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    dfsp_key       INTEGER NOT NULL REFERENCES dfsps (id) ON DELETE CASCADE,
    csr            BLOB NOT NULL,
    sealed_key     BLOB,
    key_public     BLOB,
    certificate    BLOB,
    state          TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT,
    certificate_at TEXT,
    certificate_by TEXT,
    validated_at   TEXT,
    validated_by   TEXT
);

CREATE INDEX outbound_enrollments_dfsp ON outbound_enrollments (dfsp_key, state, id);
