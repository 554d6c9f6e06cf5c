-- The environments' internal CAs. The newest of an environment is its current CA (the one that
-- signs); older ones are kept. `sealed_key` is the private key encrypted under P12_PASS_PHRASE
-- (never stored in clear); `certificate` is PEM and `cert_info` JSON, both stored as bytes.
CREATE TABLE certificate_authorities (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id          BIGINT NOT NULL,
    certificate     LONGBLOB NOT NULL,
    cert_info       LONGBLOB NOT NULL,
    sealed_key      LONGBLOB NOT NULL,
    signing_profile VARCHAR(2048) NOT NULL,
    created_at      VARCHAR(24) NOT NULL,
    created_by      VARCHAR(512) NULL,
    CONSTRAINT certificate_authorities_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    INDEX certificate_authorities_env (env_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
