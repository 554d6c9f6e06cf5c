-- Users' second factors (domain::second_factors): the one-time-code seed sealed under
-- P12_PASS_PHRASE, confirmation, the last accepted step (a code is accepted once) and the
-- wrong codes in a row (a lockout after too many), shared by every replica.
CREATE TABLE second_factors (
    subject      TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    sealed_seed  BLOB NOT NULL,
    confirmed_at TEXT,
    last_step    BIGINT,
    last_used_at TEXT,
    wrong_codes  INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at   TEXT NOT NULL
);
