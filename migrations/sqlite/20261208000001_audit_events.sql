-- The audit log (domain::audit): one row per change, written in the change's own transaction.
-- Append-only: no statement of the server updates or deletes a row, and the triggers refuse
-- anyone who tries. No foreign keys: an event outlives the environment and DFSP it names.
CREATE TABLE audit_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    subject  TEXT NOT NULL,
    action   TEXT NOT NULL,
    env_id   BIGINT,
    dfsp_id  TEXT,
    target   TEXT,
    summary  TEXT NOT NULL
);

CREATE INDEX audit_events_env ON audit_events (env_id, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
