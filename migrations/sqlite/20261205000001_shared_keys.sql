-- Keys the server's replicas share (domain::shared_keys), made once by the first replica that
-- needs one.
CREATE TABLE shared_keys (
    name       TEXT PRIMARY KEY NOT NULL,
    secret     BLOB NOT NULL,
    created_at TEXT NOT NULL
);
