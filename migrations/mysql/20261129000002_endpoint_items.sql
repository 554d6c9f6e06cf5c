-- Network configuration: the Hub's (dfsp_key NULL) and each DFSP's endpoint items. `value` is
-- JSON text ({"address","ports"} or {"url"}); `version` grows with every change, so a client
-- that sends the version it read cannot overwrite a newer change.
CREATE TABLE endpoint_items (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id      BIGINT NOT NULL,
    dfsp_key    BIGINT NULL,
    state       VARCHAR(16) NOT NULL,
    direction   VARCHAR(8) NOT NULL,
    value_type  VARCHAR(4) NOT NULL,
    value       VARCHAR(4096) NOT NULL,
    version     BIGINT NOT NULL,
    created_at  VARCHAR(24) NOT NULL,
    created_by  VARCHAR(512) NULL,
    updated_at  VARCHAR(24) NOT NULL,
    CONSTRAINT endpoint_items_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    CONSTRAINT endpoint_items_dfsp_fk FOREIGN KEY (dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE,
    INDEX endpoint_items_owner (env_id, dfsp_key, state)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
