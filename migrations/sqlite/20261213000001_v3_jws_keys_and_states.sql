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

-- MCM v3: interscheme proxies, and the currencies a foreign-exchange provider converts, each once.
ALTER TABLE dfsps ADD COLUMN is_proxy INTEGER NOT NULL DEFAULT 0;
-- The FX currencies again, space-separated in the given order, so that the DFSP lists that clients
-- poll read one table; dfsp_fx_currencies below keeps them known and finds an FXP by currency.
ALTER TABLE dfsps ADD COLUMN fxp_currencies TEXT NOT NULL DEFAULT '';

CREATE TABLE dfsp_fx_currencies (
    dfsp_key    INTEGER NOT NULL REFERENCES dfsps (id) ON DELETE CASCADE,
    currency_id TEXT NOT NULL REFERENCES currencies (currency_id),
    PRIMARY KEY (dfsp_key, currency_id)
);
CREATE INDEX dfsp_fx_currencies_currency ON dfsp_fx_currencies (currency_id);

-- MCM v3: the JWS keys of another scheme's DFSPs, which an interscheme proxy (or a hub
-- operator) gives the Hub so that this scheme's DFSPs verify their signatures. One per
-- external DFSP id and environment; `source_dfsp_key` is the proxy that gave it (NULL: a hub
-- operator), taken from who signed in.
CREATE TABLE external_jws_keys (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id          INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    dfsp_id         TEXT NOT NULL,
    source_dfsp_key INTEGER REFERENCES dfsps (id) ON DELETE CASCADE,
    public_key      BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT,
    CONSTRAINT external_jws_keys_one_each UNIQUE (env_id, dfsp_id)
);
