-- The Hub's JWS signing certificate, with its chain. Rotation keeps the one it replaced as
-- superseded (the DFSPs still verify messages signed before the switch) until a hub operator
-- deletes it: at most one current and one superseded per environment.
CREATE TABLE hub_jws_certs (
    id                 BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id             BIGINT NOT NULL,
    superseded         SMALLINT NOT NULL,
    certificate        LONGBLOB NOT NULL,
    intermediate_chain LONGBLOB NULL,
    root_certificate   LONGBLOB NULL,
    updated_at         VARCHAR(24) NOT NULL,
    updated_by         VARCHAR(512) NULL,
    CONSTRAINT hub_jws_certs_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    CONSTRAINT hub_jws_certs_one_each UNIQUE (env_id, superseded)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
