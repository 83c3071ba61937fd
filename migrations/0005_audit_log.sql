-- The audit log: every change staff make (and the tally commands that change operator data),
-- written in the same transaction as the change, so a change without its row cannot exist.
--
-- account_id names the account a change concerns (NULL for operator-wide changes such as plans
-- and prices); it follows the row-level security pattern of 0003: staff and service scopes see
-- every row, an account scope only its own account's (never the NULL ones). No customer page
-- reads this table.

CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL,
    actor_user_id  bigint REFERENCES users (id),          -- NULL: a tally command or Tally itself
    actor          text NOT NULL CHECK (actor <> ''),     -- the actor's email, or e.g. 'tally command'
    action         text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_.]+$'),   -- e.g. plan.update
    object_kind    text NOT NULL CHECK (object_kind <> ''),
    object_id      text NOT NULL,
    account_id     bigint REFERENCES accounts (id),
    before         jsonb,                                 -- NULL for a creation
    after          jsonb,                                 -- NULL for a deletion
    request_id     text
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_object_idx ON audit_log (object_kind, object_id, at DESC);
CREATE INDEX audit_log_account_idx ON audit_log (account_id, at DESC) WHERE account_id IS NOT NULL;

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON audit_log
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));
