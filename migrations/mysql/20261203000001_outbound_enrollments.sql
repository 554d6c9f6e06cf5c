-- The Hub's CSRs for DFSPs and the certificates the DFSPs' CAs return. `sealed_key` is the
-- private key the server made (encrypted under P12_PASS_PHRASE, never in clear), `key_public`
-- its public half, kept to check a returned certificate without opening the key.
CREATE TABLE outbound_enrollments (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id         BIGINT NOT NULL,
    dfsp_key       BIGINT NOT NULL,
    csr            LONGBLOB NOT NULL,
    sealed_key     LONGBLOB NULL,
    key_public     LONGBLOB NULL,
    certificate    LONGBLOB NULL,
    state          VARCHAR(32) NOT NULL,
    created_at     VARCHAR(24) NOT NULL,
    created_by     VARCHAR(512) NULL,
    certificate_at VARCHAR(24) NULL,
    certificate_by VARCHAR(512) NULL,
    validated_at   VARCHAR(24) NULL,
    validated_by   VARCHAR(512) NULL,
    CONSTRAINT outbound_enrollments_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    CONSTRAINT outbound_enrollments_dfsp_fk FOREIGN KEY (dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE,
    INDEX outbound_enrollments_dfsp (dfsp_key, state, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
