-- Network configuration: the Hub's (dfsp_key NULL) and each DFSP's endpoint items. `value` is
-- JSON text ({"address","ports"} or {"url"}); `version` grows with every change, so a client
-- that sends the version it read cannot overwrite a newer change.
CREATE TABLE endpoint_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id      INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    dfsp_key    INTEGER REFERENCES dfsps (id) ON DELETE CASCADE,
    state       TEXT NOT NULL,
    direction   TEXT NOT NULL,
    value_type  TEXT NOT NULL,
    value       TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT,
    updated_at  TEXT NOT NULL
);

CREATE INDEX endpoint_items_owner ON endpoint_items (env_id, dfsp_key, state);
CREATE INDEX endpoint_items_dfsp ON endpoint_items (dfsp_key);
