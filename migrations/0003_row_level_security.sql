-- Row-level security: the database itself keeps each customer request to its own account.
--
-- Every request runs in a transaction that first sets its scope with set_config(…, true), which
-- lasts until the transaction ends (a plain SET would leak to the next request on a pooled
-- connection):
--   customer pages:  app.scope = 'account', app.account_id = <the session's account>
--   staff pages:     app.scope = 'staff'    (admin and sales: every account)
--   the API, jobs:   app.scope = 'service'  (the operator's backend and Tally's own jobs)
-- With no scope set, a query on account data raises an error instead of returning rows.
--
-- Each table that holds account data carries an account_id column and gets:
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
