-- Keys the server's replicas share (domain::shared_keys), made once by the first replica that
-- needs one.
CREATE TABLE shared_keys (
    name       VARCHAR(64) NOT NULL PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at VARCHAR(24) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
