-- The environments' internal CAs. The newest of an environment is its current CA (the one that
-- signs); older ones are kept. `sealed_key` is the private key encrypted under P12_PASS_PHRASE
-- (never stored in clear); `certificate` is PEM and `cert_info` JSON, both stored as bytes.
CREATE TABLE certificate_authorities (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id          INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    certificate     BLOB NOT NULL,
    cert_info       BLOB NOT NULL,
    sealed_key      BLOB NOT NULL,
    signing_profile TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT
);

CREATE INDEX certificate_authorities_env ON certificate_authorities (env_id, id);
