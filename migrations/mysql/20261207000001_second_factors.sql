-- Users' second factors (domain::second_factors): the one-time-code seed sealed under
-- P12_PASS_PHRASE, confirmation, the last accepted step (a code is accepted once) and the
-- wrong codes in a row (a lockout after too many), shared by every replica.
CREATE TABLE second_factors (
    subject      VARCHAR(255) NOT NULL PRIMARY KEY,
    name         VARCHAR(255) NOT NULL,
    sealed_seed  BLOB NOT NULL,
    confirmed_at VARCHAR(24) NULL,
    last_step    BIGINT NULL,
    last_used_at VARCHAR(24) NULL,
    wrong_codes  INT NOT NULL DEFAULT 0,
    locked_until VARCHAR(24) NULL,
    created_at   VARCHAR(24) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
