-- Environments, DFSPs, currencies and monetary zones (MCM 2020 data model, sections 2.1, 2.3, 2.10).
-- Timestamps are RFC 3339 text in UTC; flags are integers (0/1). AUTOINCREMENT keeps ids of
-- deleted rows from being reused, so an old deep link never points at a new environment.

CREATE TABLE environments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    cn          TEXT,
    o           TEXT,
    ou          TEXT,
    c           TEXT,
    st          TEXT,
    l           TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE currencies (
    currency_id TEXT PRIMARY KEY NOT NULL,
    name        TEXT,
    scale       INTEGER NOT NULL DEFAULT 4,
    is_active   INTEGER NOT NULL DEFAULT 1,
    enabled     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE monetary_zones (
    monetary_zone_id TEXT PRIMARY KEY NOT NULL REFERENCES currencies (currency_id),
    name             TEXT NOT NULL,
    description      TEXT,
    is_active        INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL DEFAULT 'admin'
);

CREATE TABLE dfsps (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id           INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    dfsp_id          TEXT NOT NULL,
    name             TEXT NOT NULL,
    monetary_zone_id TEXT REFERENCES monetary_zones (monetary_zone_id),
    security_group   TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    CONSTRAINT dfsps_env_dfsp_id_unique UNIQUE (env_id, dfsp_id)
);

CREATE INDEX dfsps_env_zone ON dfsps (env_id, monetary_zone_id);
