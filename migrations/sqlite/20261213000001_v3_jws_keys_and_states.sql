-- MCM v3: a DFSP's JWS public key as the DFSP-side client uploads it (a bare key with the time
-- it was made, `createdAt` in unix seconds), one per DFSP, replaced by each upload.
CREATE TABLE dfsp_jws_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    dfsp_key    INTEGER NOT NULL UNIQUE REFERENCES dfsps (id) ON DELETE CASCADE,
    public_key  BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT
);

-- MCM v3: the onboarding progress the DFSP-side client reports, one row per DFSP and state
-- (HUB_CA, DFSP_CA, ...), so that a report of some states leaves the others as they were.
CREATE TABLE dfsp_reported_states (
    dfsp_key          INTEGER NOT NULL REFERENCES dfsps (id) ON DELETE CASCADE,
    state             TEXT NOT NULL,
    status            TEXT NOT NULL,
    state_description TEXT,
    error_description TEXT,
    last_updated      TEXT NOT NULL,
    reported_at       TEXT NOT NULL,
    reported_by       TEXT,
    PRIMARY KEY (dfsp_key, state)
);
