-- DFSPs' CSRs and the certificates the Hub issues for them. `ca_id` is the environment's CA
-- that signed, `hub_ca_id` the external Hub CA that did (a Hub CA that signed cannot be
-- removed). CSR and certificate are PEM stored as bytes.
CREATE TABLE inbound_enrollments (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id      BIGINT NOT NULL,
    dfsp_key    BIGINT NOT NULL,
    csr         LONGBLOB NOT NULL,
    certificate LONGBLOB NULL,
    state       VARCHAR(32) NOT NULL,
    ca_id       BIGINT NULL,
    hub_ca_id   BIGINT NULL,
    created_at  VARCHAR(24) NOT NULL,
    created_by  VARCHAR(512) NULL,
    signed_at   VARCHAR(24) NULL,
    signed_by   VARCHAR(512) NULL,
    CONSTRAINT inbound_enrollments_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    CONSTRAINT inbound_enrollments_dfsp_fk FOREIGN KEY (dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE,
    CONSTRAINT inbound_enrollments_ca_fk FOREIGN KEY (ca_id) REFERENCES certificate_authorities (id) ON DELETE SET NULL,
    CONSTRAINT inbound_enrollments_hub_ca_fk FOREIGN KEY (hub_ca_id) REFERENCES hub_cas (id),
    INDEX inbound_enrollments_dfsp (dfsp_key, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
