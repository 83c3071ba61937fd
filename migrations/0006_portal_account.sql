-- The customer portal's account pages (issue 6): top-up requests, team invitations and
-- account-bound read-only API keys.
--
-- top_up_requests and invitations are tenant tables: account_id leads every key and they follow
-- the row-level security pattern of 0003. api_keys gains account_id (NULL: an operator key) and
-- row-level security with it: an account scope sees only its own keys and never the operator's;
-- the staff and service scopes (the API's key check, the tally commands) see every key.

-- An owner asks for more credits; an admin approves (a sold top_up grant) or declines (a reason).
CREATE TABLE top_up_requests (
    account_id     bigint NOT NULL REFERENCES accounts (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    credits        bigint NOT NULL CHECK (credits > 0),                     -- milli-credits
    note           text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    requested_by   bigint REFERENCES users (id),
    requested_at   timestamptz NOT NULL,
    state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'declined')),
    decided_at     timestamptz,
    decided_by     bigint REFERENCES users (id),
    decline_reason text CHECK (decline_reason IS NULL OR length(decline_reason) <= 500),
    grant_id       bigint,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, grant_id) REFERENCES credit_grants (account_id, id),
    -- A decision is made once: pending rows carry none, decided rows carry their time, an
    -- approval its grant and a decline its reason.
    CHECK ((state = 'pending') = (decided_at IS NULL)),
    CHECK ((state = 'approved') = (grant_id IS NOT NULL)),
    CHECK ((state = 'declined') = (decline_reason IS NOT NULL))
);
CREATE INDEX top_up_requests_pending_idx ON top_up_requests (requested_at) WHERE state = 'pending';

-- A single-use link to join an account; only the SHA-256 of its token is stored.
CREATE TABLE invitations (
    account_id       bigint NOT NULL REFERENCES accounts (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    email            text NOT NULL CHECK (email <> '' AND length(email) <= 320),
    role             text NOT NULL CHECK (role IN ('owner', 'member')),
    token_hash       bytea NOT NULL CHECK (length(token_hash) = 32),
    invited_by       bigint REFERENCES users (id),
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL CHECK (expires_at > created_at),
    accepted_at      timestamptz,
    accepted_user_id bigint REFERENCES users (id),
    revoked_at       timestamptz,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, token_hash),
    CHECK ((accepted_at IS NULL) = (accepted_user_id IS NULL))
);
-- The invitation page looks a token up before any account is known.
CREATE INDEX invitations_token_hash_idx ON invitations (token_hash);
-- One open invitation per email and account (an expired one is closed before a new one).
CREATE UNIQUE INDEX invitations_open_email_key ON invitations (account_id, lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

ALTER TABLE api_keys
    ADD COLUMN account_id bigint REFERENCES accounts (id),
    -- The key's last four characters, shown in lists next to the prefix (NULL for keys made
    -- before this migration).
    ADD COLUMN last_four text CHECK (last_four IS NULL OR length(last_four) = 4),
    -- Account keys read their own account's usage only.
    ADD CONSTRAINT api_keys_account_keys_read CHECK (account_id IS NULL OR scope = 'read');
-- Names are unique among the active keys of one owner: the operator's, or one account's.
DROP INDEX api_keys_active_name_key;
CREATE UNIQUE INDEX api_keys_active_name_key ON api_keys (name) WHERE revoked_at IS NULL AND account_id IS NULL;
CREATE UNIQUE INDEX api_keys_account_active_name_key ON api_keys (account_id, name)
    WHERE revoked_at IS NULL AND account_id IS NOT NULL;

ALTER TABLE top_up_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE top_up_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON top_up_requests
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON invitations
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));
-- NULL account_id (operator keys): app_can_see_account gives NULL = id, not true, to an account
-- scope, and true to staff and service.
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON api_keys
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));

-- The API's key check runs on every /api/v1 request, before any account is known. This function
-- keeps it one statement: it sets the service scope with set_config(…, true), which ends with the
-- calling statement's own transaction (the caller runs it outside any explicit transaction), then
-- reads the key. Only APIKeyStore.authenticate calls it.
CREATE FUNCTION api_key_by_hash(hash bytea)
RETURNS TABLE (id bigint, name text, prefix text, scope text, key_hash bytea, account text)
LANGUAGE sql VOLATILE
AS $$
    SELECT set_config('app.scope', 'service', true), set_config('app.account_id', '', true);
    SELECT k.id, k.name, k.prefix, k.scope, k.key_hash, a.external_id
      FROM api_keys k LEFT JOIN accounts a ON a.id = k.account_id
     WHERE k.key_hash = hash AND k.revoked_at IS NULL;
$$;
