-- Certificates the environment's CAs issued and a hub operator revoked, and each CA's current
-- CRL. A revocation outlives the enrollment it came from (the certificate is still out there,
-- so it stays on the CRL): `inbound_enrollment_id` is only set to NULL when that goes.
-- `serial` is hexadecimal with colons, as the inventory shows it.
CREATE TABLE certificate_revocations (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id                INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    ca_id                 INTEGER NOT NULL REFERENCES certificate_authorities (id) ON DELETE CASCADE,
    serial                TEXT NOT NULL,
    inbound_enrollment_id INTEGER UNIQUE REFERENCES inbound_enrollments (id) ON DELETE SET NULL,
    reason                TEXT NOT NULL,
    revoked_at            TEXT NOT NULL,
    revoked_by            TEXT,
    CONSTRAINT certificate_revocations_serial_unique UNIQUE (ca_id, serial)
);

-- The CRL each CA signed last: its number (which only grows), its validity, the newest
-- revocation it lists (a newer one makes it stale), and the CRL itself, DER.
CREATE TABLE certificate_revocation_lists (
    ca_id           INTEGER PRIMARY KEY REFERENCES certificate_authorities (id) ON DELETE CASCADE,
    crl_number      INTEGER NOT NULL,
    this_update     TEXT NOT NULL,
    next_update     TEXT NOT NULL,
    last_revocation INTEGER NOT NULL,
    crl             BLOB NOT NULL
);
