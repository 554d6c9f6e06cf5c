-- Signed-in users' sessions (domain::sessions), shared by every replica. `id_hash` is the
-- SHA-256 of the session id in the cookie, so that a copy of the table opens no session.
CREATE TABLE sessions (
    id_hash    VARCHAR(64) NOT NULL PRIMARY KEY,
    data       LONGBLOB NOT NULL,
    expires_at VARCHAR(24) NOT NULL,
    INDEX sessions_expires_at (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
