-- The policy functions name what they call with its schema.
--
-- pg_dump and pg_restore (`tally backup`, `tally restore`) run with an empty search_path, and an
-- SQL function's body is parsed where it is used: app_can_see_account() and
-- app_can_see_operator_data() reached app_no_data_scope() by the search path, so a backup failed
-- with "function app_no_data_scope() does not exist" on the first table whose policy calls them.
-- Qualified, they work under any search path; they stay plain SQL functions without a SET clause,
-- so the planner still inlines them into every policy (0010). The rules are unchanged.

CREATE OR REPLACE FUNCTION app_can_see_account(row_account_id bigint) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT CASE current_setting('app.scope', true)
        WHEN 'staff' THEN true
        WHEN 'service' THEN true
        WHEN 'account' THEN row_account_id = current_setting('app.account_id', true)::bigint
        ELSE public.app_no_data_scope()
    END
$$;

CREATE OR REPLACE FUNCTION app_can_see_operator_data() RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT CASE current_setting('app.scope', true)
        WHEN 'staff' THEN true
        WHEN 'service' THEN true
        WHEN 'account' THEN false
        ELSE public.app_no_data_scope()
    END
$$;
