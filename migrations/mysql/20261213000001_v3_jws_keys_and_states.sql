-- MCM v3: a DFSP's JWS public key as the DFSP-side client uploads it (a bare key with the time
-- it was made, `createdAt` in unix seconds), one per DFSP, replaced by each upload.
CREATE TABLE dfsp_jws_keys (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    dfsp_key    BIGINT NOT NULL,
    public_key  LONGBLOB NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  VARCHAR(24) NOT NULL,
    updated_by  VARCHAR(512) NULL,
    CONSTRAINT dfsp_jws_keys_dfsp_unique UNIQUE (dfsp_key),
    CONSTRAINT dfsp_jws_keys_dfsp_fk FOREIGN KEY (dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- MCM v3: the onboarding progress the DFSP-side client reports, one row per DFSP and state
-- (HUB_CA, DFSP_CA, ...), so that a report of some states leaves the others as they were.
CREATE TABLE dfsp_reported_states (
    dfsp_key          BIGINT NOT NULL,
    state             VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
    status            VARCHAR(16) NOT NULL,
    state_description VARCHAR(1024) NULL,
    error_description VARCHAR(1024) NULL,
    last_updated      VARCHAR(40) NOT NULL,
    reported_at       VARCHAR(24) NOT NULL,
    reported_by       VARCHAR(512) NULL,
    PRIMARY KEY (dfsp_key, state),
    CONSTRAINT dfsp_reported_states_dfsp_fk FOREIGN KEY (dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- MCM v3: interscheme proxies, and the currencies a foreign-exchange provider converts, each once.
ALTER TABLE dfsps ADD COLUMN is_proxy SMALLINT NOT NULL DEFAULT 0;
-- The FX currencies again, space-separated in the given order, so that the DFSP lists that clients
-- poll read one table; dfsp_fx_currencies below keeps them known and finds an FXP by currency.
ALTER TABLE dfsps ADD COLUMN fxp_currencies VARCHAR(320) NOT NULL DEFAULT '';

CREATE TABLE dfsp_fx_currencies (
    dfsp_key    BIGINT NOT NULL,
    currency_id VARCHAR(3) COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (dfsp_key, currency_id),
    INDEX dfsp_fx_currencies_currency (currency_id),
    CONSTRAINT dfsp_fx_currencies_dfsp_fk FOREIGN KEY (dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE,
    CONSTRAINT dfsp_fx_currencies_currency_fk FOREIGN KEY (currency_id) REFERENCES currencies (currency_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- MCM v3: the JWS keys of another scheme's DFSPs, which an interscheme proxy (or a hub
-- operator) gives the Hub so that this scheme's DFSPs verify their signatures. One per
-- external DFSP id and environment; `source_dfsp_key` is the proxy that gave it (NULL: a hub
-- operator), taken from who signed in.
CREATE TABLE external_jws_keys (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    env_id          BIGINT NOT NULL,
    dfsp_id         VARCHAR(256) COLLATE utf8mb4_bin NOT NULL,
    source_dfsp_key BIGINT NULL,
    public_key      LONGBLOB NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      VARCHAR(24) NOT NULL,
    updated_by      VARCHAR(512) NULL,
    CONSTRAINT external_jws_keys_one_each UNIQUE (env_id, dfsp_id),
    CONSTRAINT external_jws_keys_env_fk FOREIGN KEY (env_id) REFERENCES environments (id) ON DELETE CASCADE,
    CONSTRAINT external_jws_keys_source_fk FOREIGN KEY (source_dfsp_key) REFERENCES dfsps (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
