-- DFSPs' CSRs and the certificates the Hub issues for them. `ca_id` is the environment's CA
-- that signed, `hub_ca_id` the external Hub CA that did (a Hub CA that signed cannot be
-- removed). CSR and certificate are PEM stored as bytes.
CREATE TABLE inbound_enrollments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id      INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    dfsp_key    INTEGER NOT NULL REFERENCES dfsps (id) ON DELETE CASCADE,
    csr         BLOB NOT NULL,
    certificate BLOB,
    state       TEXT NOT NULL,
    ca_id       INTEGER REFERENCES certificate_authorities (id) ON DELETE SET NULL,
    hub_ca_id   INTEGER REFERENCES hub_cas (id) ON DELETE RESTRICT,
    created_at  TEXT NOT NULL,
    created_by  TEXT,
    signed_at   TEXT,
    signed_by   TEXT
);

CREATE INDEX inbound_enrollments_dfsp ON inbound_enrollments (dfsp_key, id);
CREATE INDEX inbound_enrollments_hub_ca ON inbound_enrollments (hub_ca_id);
