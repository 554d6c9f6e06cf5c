-- Expiry alerts: one row per certificate (by fingerprint, in an environment) and warning
-- threshold, so that each is sent once, across restarts and replicas. The replica whose
-- insert wins sends it; `next_attempt_at` is its lease, and after a failure the time of the
-- next try. `state`: pending, sent, or skipped (a narrower threshold was crossed at the same
-- time, and only that one is sent). `payload` is the certificate as it was listed, JSON.
CREATE TABLE expiry_alerts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id          INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    fingerprint     TEXT NOT NULL,
    threshold_days  INTEGER NOT NULL,
    state           TEXT NOT NULL,
    payload         BLOB NOT NULL,
    claimed_by      TEXT,
    attempts        INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    CONSTRAINT expiry_alerts_unique UNIQUE (env_id, fingerprint, threshold_days)
);

CREATE INDEX expiry_alerts_due ON expiry_alerts (state, next_attempt_at);
