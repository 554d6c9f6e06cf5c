-- The audit log (domain::audit): one row per change, written in the change's own transaction.
-- Append-only: no statement of the server updates or deletes a row, and the triggers refuse
-- anyone who tries. No foreign keys: an event outlives the environment and DFSP it names.
CREATE TABLE audit_events (
    id       BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at       VARCHAR(40) NOT NULL,
    subject  VARCHAR(255) NOT NULL,
    action   VARCHAR(64) NOT NULL,
    env_id   BIGINT NULL,
    dfsp_id  VARCHAR(128) NULL,
    target   VARCHAR(255) NULL,
    summary  VARCHAR(1024) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE INDEX audit_events_env ON audit_events (env_id, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit events are append-only';

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit events are append-only';
