-- Certificates the environment's CAs issued and a hub operator revoked, and each CA's current
-- CRL. A revocation outlives the enrollment it came from (the certificate is still out there,
-- so it stays on the CRL): `inbound_enrollment_id` is only set to NULL when that goes.
-- `serial` is hexadecimal with colons, as the inventory shows it.
CREATE TABLE certificate_revocations (
    id                    BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id                BIGINT NOT NULL,
    ca_id                 BIGINT NOT NULL,
    serial                VARCHAR(128) NOT NULL,
    inbound_enrollment_id BIGINT NULL,
    reason                VARCHAR(32) NOT NULL,
    revoked_at            VARCHAR(24) NOT NULL,
    revoked_by            VARCHAR(512) NULL,
    CONSTRAINT certificate_revocations_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    CONSTRAINT certificate_revocations_ca_fk FOREIGN KEY (ca_id) REFERENCES certificate_authorities (id) ON DELETE CASCADE,
    CONSTRAINT certificate_revocations_enrollment_fk FOREIGN KEY (inbound_enrollment_id) REFERENCES inbound_enrollments (id) ON DELETE SET NULL,
    CONSTRAINT certificate_revocations_serial_unique UNIQUE (ca_id, serial),
    CONSTRAINT certificate_revocations_enrollment_unique UNIQUE (inbound_enrollment_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The CRL each CA signed last: its number (which only grows), its validity, the newest
-- revocation it lists (a newer one makes it stale), and the CRL itself, DER.
CREATE TABLE certificate_revocation_lists (
    ca_id           BIGINT NOT NULL PRIMARY KEY,
    crl_number      BIGINT NOT NULL,
    this_update     VARCHAR(24) NOT NULL,
    next_update     VARCHAR(24) NOT NULL,
    last_revocation BIGINT NOT NULL,
    crl             LONGBLOB NOT NULL,
    CONSTRAINT certificate_revocation_lists_ca_fk FOREIGN KEY (ca_id) REFERENCES certificate_authorities (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
