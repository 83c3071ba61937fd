-- Metering (issue 5): plans, features, prices, usage events, rollups, grants, API keys, settings.
--
-- Operator configuration (settings, features, plans, entitlements, model_prices, api_keys) is not
-- account data: every scope may read it and it carries no account_id. Tenant tables (usage_events,
-- daily_usage, period_usage, credit_grants) lead every key with account_id and follow the
-- row-level security pattern of 0003.
--
-- Rollup keys use '' for "no feature" (the unattributed bucket) and "no model": a primary key
-- column cannot be NULL. usage_events keeps NULL.

CREATE TABLE settings (
    id                    boolean PRIMARY KEY DEFAULT true CHECK (id),
    infra_overhead_bp     bigint NOT NULL DEFAULT 0 CHECK (infra_overhead_bp >= 0),
    strict_tagging        boolean NOT NULL DEFAULT false,
    late_window_days      integer NOT NULL DEFAULT 35 CHECK (late_window_days BETWEEN 1 AND 3650),
    -- HMAC key for end_user values; set once by the first ingest (random, 32 bytes).
    end_user_key          bytea CHECK (end_user_key IS NULL OR length(end_user_key) = 32)
);
INSERT INTO settings DEFAULT VALUES;

CREATE TABLE features (
    key               text PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    name              text NOT NULL CHECK (name <> '' AND length(name) <= 200),
    credit_rule_kind  text NOT NULL CHECK (credit_rule_kind IN ('per_event', 'per_output_unit', 'per_1k_tokens', 'per_usd')),
    credit_rule_rate  bigint NOT NULL CHECK (credit_rule_rate >= 0),   -- milli-credits
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plans (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                    text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    name                    text NOT NULL CHECK (name <> '' AND length(name) <= 200),
    monthly_fee             bigint NOT NULL DEFAULT 0 CHECK (monthly_fee >= 0),          -- nano-USD
    included_credits        bigint CHECK (included_credits IS NULL OR included_credits >= 0), -- milli; NULL: unlimited
    overage_policy          text NOT NULL CHECK (overage_policy IN ('block', 'charge')),
    grace_bp                bigint NOT NULL DEFAULT 0 CHECK (grace_bp >= 0),
    overage_price_per_credit bigint NOT NULL DEFAULT 0 CHECK (overage_price_per_credit >= 0), -- nano-USD
    archived                boolean NOT NULL DEFAULT false,
    created_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE entitlements (
    plan_id             bigint NOT NULL REFERENCES plans (id),
    feature_key         text NOT NULL REFERENCES features (key),
    enabled             boolean NOT NULL DEFAULT true,
    rule_override_kind  text CHECK (rule_override_kind IN ('per_event', 'per_output_unit', 'per_1k_tokens', 'per_usd')),
    rule_override_rate  bigint CHECK (rule_override_rate >= 0),
    period_limit        bigint CHECK (period_limit IS NULL OR period_limit >= 0),  -- milli; NULL: unlimited
    PRIMARY KEY (plan_id, feature_key),
    CHECK ((rule_override_kind IS NULL) = (rule_override_rate IS NULL))
);

ALTER TABLE accounts
    ADD COLUMN plan_id    bigint REFERENCES plans (id),
    ADD COLUMN anchor_day integer NOT NULL DEFAULT 1 CHECK (anchor_day BETWEEN 1 AND 31);

CREATE TABLE model_prices (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model           text NOT NULL CHECK (model <> '' AND length(model) <= 200),  -- exact id, or a pattern with *
    input_price     bigint NOT NULL CHECK (input_price >= 0),          -- nano-USD per 1M tokens
    cached_price    bigint NOT NULL CHECK (cached_price >= 0),
    output_price    bigint NOT NULL CHECK (output_price >= 0),
    per_request_fee bigint NOT NULL DEFAULT 0 CHECK (per_request_fee >= 0),  -- nano-USD
    effective_from  timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (model, effective_from)
);

CREATE TABLE usage_events (
    account_id          bigint NOT NULL REFERENCES accounts (id),
    event_id            text NOT NULL CHECK (event_id <> '' AND length(event_id) <= 128),
    feature_key         text,            -- NULL: unattributed; may name an unregistered feature
    model               text,
    input_tokens        bigint NOT NULL CHECK (input_tokens >= 0),
    cached_input_tokens bigint NOT NULL CHECK (cached_input_tokens >= 0),
    output_tokens       bigint NOT NULL CHECK (output_tokens >= 0),
    output_units        bigint NOT NULL CHECK (output_units >= 0),
    success             boolean NOT NULL,
    duration_ms         bigint CHECK (duration_ms >= 0),
    end_user_hash       bytea,
    occurred_at         timestamptz NOT NULL,
    received_at         timestamptz NOT NULL,
    local_day           date NOT NULL,          -- occurred_at's day in the account's time zone
    period_start        timestamptz NOT NULL,   -- the billing period that holds occurred_at
    cost                bigint NOT NULL CHECK (cost >= 0),   -- nano-USD: provider cost + overhead
    price_id            bigint REFERENCES model_prices (id),
    unpriced            boolean NOT NULL,
    credits             bigint NOT NULL CHECK (credits >= 0), -- milli-credits
    metadata            jsonb,
    fingerprint         bytea NOT NULL CHECK (length(fingerprint) = 32),  -- SHA-256 of the canonical payload
    PRIMARY KEY (account_id, event_id)
);
CREATE INDEX usage_events_account_time_idx ON usage_events (account_id, occurred_at);
CREATE INDEX usage_events_unpriced_idx ON usage_events (model) WHERE unpriced;

CREATE TABLE daily_usage (
    account_id   bigint NOT NULL REFERENCES accounts (id),
    local_day    date NOT NULL,
    feature_key  text NOT NULL,   -- '' : unattributed
    model        text NOT NULL,   -- '' : no model
    events       bigint NOT NULL,
    failures     bigint NOT NULL,
    input_tokens        bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    output_tokens       bigint NOT NULL,
    cost         bigint NOT NULL,
    credits      bigint NOT NULL,
    -- Events per latency bucket: bucket 0 is 0 ms, bucket b (1..19) is [2^(b-1), 2^b) ms, the
    -- last also everything above. Events without duration_ms are in no bucket.
    latency      bigint[] NOT NULL CHECK (cardinality(latency) = 20),
    PRIMARY KEY (account_id, local_day, feature_key, model)
);

CREATE TABLE period_usage (
    account_id   bigint NOT NULL REFERENCES accounts (id),
    period_start timestamptz NOT NULL,
    feature_key  text NOT NULL,   -- '' : unattributed; per feature for per-feature limits
    events       bigint NOT NULL,
    credits      bigint NOT NULL,
    cost         bigint NOT NULL,
    PRIMARY KEY (account_id, period_start, feature_key)
);

CREATE TABLE credit_grants (
    account_id  bigint NOT NULL REFERENCES accounts (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    kind        text NOT NULL CHECK (kind IN ('included', 'top_up', 'adjustment')),
    amount      bigint NOT NULL CHECK (kind = 'adjustment' OR amount >= 0),  -- milli-credits
    granted_at  timestamptz NOT NULL,
    expires_at  timestamptz CHECK (expires_at IS NULL OR expires_at > granted_at),
    price       bigint CHECK (price IS NULL OR price >= 0),   -- nano-USD, for sold top-ups
    note        text NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, id)
);

CREATE TABLE api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (name <> '' AND length(name) <= 100),
    prefix      text NOT NULL UNIQUE,
    key_hash    bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),   -- SHA-256 of the whole key
    scope       text NOT NULL CHECK (scope IN ('ingest', 'read')),
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE UNIQUE INDEX api_keys_active_name_key ON api_keys (name) WHERE revoked_at IS NULL;

ALTER TABLE usage_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_events FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON usage_events
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));
ALTER TABLE daily_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE daily_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON daily_usage
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));
ALTER TABLE period_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE period_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON period_usage
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));
ALTER TABLE credit_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE credit_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON credit_grants
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));
