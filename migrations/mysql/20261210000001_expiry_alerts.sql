-- Expiry alerts: one row per certificate (by fingerprint, in an environment) and warning
-- threshold, so that each is sent once, across restarts and replicas. The replica whose
-- insert wins sends it; `next_attempt_at` is its lease, and after a failure the time of the
-- next try. `state`: pending, sent, or skipped (a narrower threshold was crossed at the same
-- time, and only that one is sent). `payload` is the certificate as it was listed, JSON.
CREATE TABLE expiry_alerts (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id          BIGINT NOT NULL,
    fingerprint     VARCHAR(128) NOT NULL,
    threshold_days  BIGINT NOT NULL,
    state           VARCHAR(16) NOT NULL,
    payload         LONGBLOB NOT NULL,
    claimed_by      VARCHAR(128) NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at VARCHAR(24) NOT NULL,
    last_error      VARCHAR(1024) NULL,
    created_at      VARCHAR(24) NOT NULL,
    sent_at         VARCHAR(24) NULL,
    CONSTRAINT expiry_alerts_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    CONSTRAINT expiry_alerts_unique UNIQUE (env_id, fingerprint, threshold_days),
    INDEX expiry_alerts_due (state, next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
