-- Alerts, budgets and webhooks (issue 8).
--
-- alert_rules is operator configuration (one row, like settings): which rules run and their
-- thresholds and cooldowns. alerts is account data when it concerns an account (account_id set;
-- row-level security as in 0003) and operator-wide otherwise (an unpriced model: account_id NULL,
-- seen by staff and service scopes only, like audit_log).
--
-- Exactly once: a threshold alert's dedupe_key is "<period start>/<percent>" and the unique key
-- (account_id, rule, dedupe_key) makes the second INSERT … ON CONFLICT DO NOTHING a no-op, however
-- many ingests race. Scheduled rules run under an advisory lock and a per-minute job marker
-- (scheduled_jobs), and their dedupe_key carries the firing instant, so cooldowns decide.
--
-- webhook_endpoints and webhook_deliveries are operator data (no account_id): a delivery is one
-- alert for one endpoint, with its state and next attempt (its body is built from the alert, which
-- never changes, so every retry sends the same body); webhook_attempts logs every try.

CREATE TABLE alert_rules (
    id                        boolean PRIMARY KEY DEFAULT true CHECK (id),
    credits_enabled           boolean NOT NULL DEFAULT true,
    credit_thresholds         integer[] NOT NULL DEFAULT '{50,75,90,100}'
        CHECK (cardinality(credit_thresholds) BETWEEN 1 AND 10 AND 0 < ALL (credit_thresholds) AND 1000 >= ALL (credit_thresholds)),
    margin_enabled            boolean NOT NULL DEFAULT true,
    margin_warning_bp         bigint NOT NULL DEFAULT 3000,
    margin_critical_bp        bigint NOT NULL DEFAULT 1000,
    margin_cooldown_minutes   integer NOT NULL DEFAULT 1440 CHECK (margin_cooldown_minutes BETWEEN 1 AND 100000),
    spike_enabled             boolean NOT NULL DEFAULT true,
    spike_multiplier_bp       bigint NOT NULL DEFAULT 30000 CHECK (spike_multiplier_bp > 10000),
    spike_minimum_cost        bigint NOT NULL DEFAULT 5000000000 CHECK (spike_minimum_cost >= 0),   -- nano-USD
    spike_cooldown_minutes    integer NOT NULL DEFAULT 1440 CHECK (spike_cooldown_minutes BETWEEN 1 AND 100000),
    unpriced_enabled          boolean NOT NULL DEFAULT true,
    unpriced_cooldown_minutes integer NOT NULL DEFAULT 1440 CHECK (unpriced_cooldown_minutes BETWEEN 1 AND 100000),
    cap_enabled               boolean NOT NULL DEFAULT true,
    CHECK (margin_critical_bp < margin_warning_bp)
);
INSERT INTO alert_rules DEFAULT VALUES;

CREATE TABLE alerts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      bigint REFERENCES accounts (id),     -- NULL: operator-wide (unpriced model)
    rule            text NOT NULL CHECK (rule IN ('credits_used', 'low_margin', 'cost_spike', 'unpriced_model', 'cap_reached')),
    level           text NOT NULL CHECK (level IN ('info', 'warning', 'critical')),
    subject         text NOT NULL DEFAULT '',            -- a feature, a model, a margin level, a threshold
    dedupe_key      text NOT NULL,
    period_start    timestamptz,                         -- threshold and cap alerts: the billing period
    threshold       integer,                             -- threshold alerts: the percent crossed
    message         text NOT NULL,
    details         jsonb NOT NULL DEFAULT '{}',
    fired_at        timestamptz NOT NULL,
    acknowledged_at timestamptz,
    acknowledged_by text
);
CREATE UNIQUE INDEX alerts_once_key ON alerts (account_id, rule, dedupe_key) NULLS NOT DISTINCT;
CREATE INDEX alerts_fired_idx ON alerts (fired_at DESC, id DESC);
CREATE INDEX alerts_cooldown_idx ON alerts (rule, account_id, subject, fired_at DESC);
CREATE INDEX alerts_open_threshold_idx ON alerts (account_id, period_start) WHERE rule = 'credits_used';

ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE alerts FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON alerts
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));

CREATE TABLE webhook_endpoints (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (name <> '' AND length(name) <= 100),
    url         text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    secret      text NOT NULL CHECK (length(secret) BETWEEN 16 AND 200),   -- the HMAC key; needed to sign
    rules       text[] NOT NULL CHECK (cardinality(rules) >= 1),          -- the alert rules it receives
    format      text NOT NULL DEFAULT 'json' CHECK (format IN ('json', 'slack')),
    enabled     boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id     bigint NOT NULL REFERENCES webhook_endpoints (id),
    alert_id        bigint NOT NULL REFERENCES alerts (id),
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    last_status     integer,
    delivered_at    timestamptz,
    UNIQUE (endpoint_id, alert_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);

CREATE TABLE webhook_attempts (
    delivery_id  bigint NOT NULL REFERENCES webhook_deliveries (id),
    attempt      integer NOT NULL,
    at           timestamptz NOT NULL,
    status_code  integer,            -- NULL: no HTTP answer (see error)
    error        text,
    duration_ms  bigint NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- Periodic jobs: the minute each last ran, so N instances run each job once per minute.
CREATE TABLE scheduled_jobs (
    name         text PRIMARY KEY,
    last_minute  timestamptz NOT NULL
);
