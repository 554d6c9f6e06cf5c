-- Signed-in users' sessions (domain::sessions), shared by every replica. `id_hash` is the
-- SHA-256 of the session id in the cookie, so that a copy of the table opens no session.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY NOT NULL,
    data       BLOB NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
