-- The TLS server certificates of the Hub and of each DFSP, and each DFSP's JWS signing
-- certificate, each with the chain it chains to. One set per owner (the UNIQUE owner column):
-- storing a set replaces the one before. Certificates are PEM stored as bytes and validated
-- whenever they are shown.
CREATE TABLE hub_server_certs (
    id                 BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id             BIGINT NOT NULL,
    certificate        LONGBLOB NOT NULL,
    intermediate_chain LONGBLOB NULL,
    root_certificate   LONGBLOB NULL,
    updated_at         VARCHAR(24) NOT NULL,
    updated_by         VARCHAR(512) NULL,
    CONSTRAINT hub_server_certs_env_unique UNIQUE (env_id),
    CONSTRAINT hub_server_certs_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE dfsp_server_certs (
    id                 BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    dfsp_key           BIGINT NOT NULL,
    certificate        LONGBLOB NOT NULL,
    intermediate_chain LONGBLOB NULL,
    root_certificate   LONGBLOB NULL,
    updated_at         VARCHAR(24) NOT NULL,
    updated_by         VARCHAR(512) NULL,
    CONSTRAINT dfsp_server_certs_dfsp_unique UNIQUE (dfsp_key),
    CONSTRAINT dfsp_server_certs_dfsp_fk FOREIGN KEY (dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE dfsp_jws_certs (
    id                 BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    dfsp_key           BIGINT NOT NULL,
    certificate        LONGBLOB NOT NULL,
    intermediate_chain LONGBLOB NULL,
    root_certificate   LONGBLOB NULL,
    updated_at         VARCHAR(24) NOT NULL,
    updated_by         VARCHAR(512) NULL,
    CONSTRAINT dfsp_jws_certs_dfsp_unique UNIQUE (dfsp_key),
    CONSTRAINT dfsp_jws_certs_dfsp_fk FOREIGN KEY (dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
