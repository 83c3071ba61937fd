-- app_can_see_account (0003) as an SQL function the planner inlines into every policy.
--
-- The plpgsql version was called once per row that a policy checks: scanning a month of
-- daily_usage for the admin overview spent about half its time in those calls. As one SQL CASE
-- expression it is inlined into the query, so a staff or service scope costs one setting lookup
-- per row. The rules are the same, including failing closed: with no scope set, the CASE reaches
-- app_no_data_scope(), which raises the same error as before.

CREATE FUNCTION app_no_data_scope() RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RAISE EXCEPTION 'no data scope is set for this transaction'
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'set app.scope (and app.account_id) with set_config(..., true) first';
END;
$$;

CREATE OR REPLACE FUNCTION app_can_see_account(row_account_id bigint) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT CASE current_setting('app.scope', true)
        WHEN 'staff' THEN true
        WHEN 'service' THEN true
        WHEN 'account' THEN row_account_id = current_setting('app.account_id', true)::bigint
        ELSE app_no_data_scope()
    END
$$;
