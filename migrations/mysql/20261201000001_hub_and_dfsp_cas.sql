-- The Hub's external CAs, named uniquely per environment, and each DFSP's CA (one per DFSP).
-- Certificates are PEM stored as bytes; what they say and how they validate is read from them
-- whenever they are shown, so validations are always as of now. Names compare exactly (binary
-- collation), as on SQLite.
CREATE TABLE hub_cas (
    id                 BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id             BIGINT NOT NULL,
    name               VARCHAR(512) COLLATE utf8mb4_bin NOT NULL,
    root_certificate   LONGBLOB NOT NULL,
    intermediate_chain LONGBLOB NULL,
    created_at         VARCHAR(24) NOT NULL,
    created_by         VARCHAR(512) NULL,
    CONSTRAINT hub_cas_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    CONSTRAINT hub_cas_env_name_unique UNIQUE (env_id, name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE dfsp_cas (
    dfsp_key           BIGINT NOT NULL PRIMARY KEY,
    root_certificate   LONGBLOB NOT NULL,
    intermediate_chain LONGBLOB NULL,
    updated_at         VARCHAR(24) NOT NULL,
    updated_by         VARCHAR(512) NULL,
    CONSTRAINT dfsp_cas_dfsp_fk FOREIGN KEY (dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
