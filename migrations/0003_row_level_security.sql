-- Row-level security: the database itself keeps each customer request to its own account.
--
-- Every request runs in a transaction that first sets its scope with set_config(…, true), which
-- lasts until the transaction ends (a plain SET would leak to the next request on a pooled
-- connection):
--   customer pages:  app.scope = 'account', app.account_id = <the session's account>
--   staff pages:     app.scope = 'staff'    (admin and sales: every account)
--   the API, jobs:   app.scope = 'service'  (the operator's backend and Tally's own jobs; also
--                    login, session lookup and the tally commands, before any account is known)
-- With no scope set, a query on account data raises an error instead of returning rows.
--
-- Each table that holds account data carries an account_id column and gets (tally serve refuses
-- to start while a table with an account_id column lacks ENABLE and FORCE; views that read them
-- need WITH (security_invoker = true)):
--   ALTER TABLE t ENABLE ROW LEVEL SECURITY;
--   ALTER TABLE t FORCE ROW LEVEL SECURITY;
--   CREATE POLICY account_isolation ON t
--       USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));

CREATE FUNCTION app_can_see_account(row_account_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    scope text := current_setting('app.scope', true);
BEGIN
    IF scope = 'staff' OR scope = 'service' THEN
        RETURN true;
    ELSIF scope = 'account' THEN
        RETURN row_account_id = current_setting('app.account_id', true)::bigint;
    END IF;
    RAISE EXCEPTION 'no data scope is set for this transaction'
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'set app.scope (and app.account_id) with set_config(..., true) first';
END;
$$;

-- Access tables (0002). Login and session lookup happen before any account is known, so they
-- run in the 'service' scope; customer requests see only their own account's rows.

-- accounts: the tenant itself, isolated on its id.
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON accounts
    USING (app_can_see_account(id)) WITH CHECK (app_can_see_account(id));

-- users: customers carry their account_id; staff have none (NULL), so an account scope never
-- sees staff users (NULL = id is not true) and only staff and service scopes can write them.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY account_isolation ON users
    USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));

-- sessions: no account_id of their own; a session is visible exactly when its user is (the
-- subquery is itself filtered by the users policy, and fails closed the same way).
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY user_isolation ON sessions
    USING (EXISTS (SELECT 1 FROM users u WHERE u.id = sessions.user_id))
    WITH CHECK (EXISTS (SELECT 1 FROM users u WHERE u.id = sessions.user_id));

-- login_attempts holds no account data (keys are 'email:…' and 'ip:…' strings, written before
-- any user is known) and stays outside row-level security; only the service scope uses it.
