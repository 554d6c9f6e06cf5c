-- Environments, DFSPs, currencies and monetary zones (MCM 2020 data model, sections 2.1, 2.3, 2.10).
-- Timestamps are RFC 3339 text in UTC and flags are SMALLINT, because the sqlx Any driver that
-- serves both backends decodes neither DATETIME nor TINYINT. Identifiers use a binary collation
-- so that they compare exactly as on SQLite (case-sensitive).

CREATE TABLE environments (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(512) NOT NULL,
    cn          VARCHAR(64) NULL,
    o           VARCHAR(64) NULL,
    ou          VARCHAR(64) NULL,
    c           VARCHAR(2) NULL,
    st          VARCHAR(128) NULL,
    l           VARCHAR(128) NULL,
    created_at  VARCHAR(40) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE currencies (
    currency_id VARCHAR(3) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    name        VARCHAR(128) NULL,
    scale       INT NOT NULL DEFAULT 4,
    is_active   SMALLINT NOT NULL DEFAULT 1,
    enabled     SMALLINT NOT NULL DEFAULT 0,
    created_at  VARCHAR(40) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE monetary_zones (
    monetary_zone_id VARCHAR(3) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    name             VARCHAR(256) NOT NULL,
    description      VARCHAR(512) NULL,
    is_active        SMALLINT NOT NULL DEFAULT 1,
    created_at       VARCHAR(40) NOT NULL,
    created_by       VARCHAR(128) NOT NULL DEFAULT 'admin',
    CONSTRAINT monetary_zones_currency_fk FOREIGN KEY (monetary_zone_id) REFERENCES currencies (currency_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE dfsps (
    id               BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id           BIGINT NOT NULL,
    dfsp_id          VARCHAR(256) COLLATE utf8mb4_bin NOT NULL,
    name             VARCHAR(512) NOT NULL,
    monetary_zone_id VARCHAR(3) COLLATE utf8mb4_bin NULL,
    security_group   VARCHAR(512) NOT NULL,
    created_at       VARCHAR(40) NOT NULL,
    CONSTRAINT dfsps_env_dfsp_id_unique UNIQUE (env_id, dfsp_id),
    CONSTRAINT dfsps_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    CONSTRAINT dfsps_zone_fk FOREIGN KEY (monetary_zone_id) REFERENCES monetary_zones (monetary_zone_id),
    INDEX dfsps_env_zone (env_id, monetary_zone_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
