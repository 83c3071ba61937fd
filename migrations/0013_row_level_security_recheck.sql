-- Row-level security that survives a re-check after a lock wait.
--
-- 0011 reads the account id as (SELECT current_setting('app.account_id', true)::bigint). In a
-- staff or service scope the id is '' and the CASE never reaches it, so normally the InitPlan
-- never runs. But when a statement waits for a row another transaction changed (UPDATE,
-- DELETE, SELECT … FOR UPDATE / FOR KEY SHARE), PostgreSQL re-checks the row's new version
-- (EvalPlanQual), and that re-check evaluates every InitPlan eagerly: ''::bigint then failed
-- with 22P02, so e.g. an ingest batch that waited for an admin edit of its account, or the
-- second of two concurrent edits of one account, failed instead of proceeding.
--
-- nullif() makes the empty id NULL: in an account scope (which always sets an id) nothing
-- changes; a row never equals NULL, so an account scope without an id still sees nothing; and
-- with no scope set the CASE still reaches app_no_data_scope(), which raises (fails closed).

DO $$
DECLARE
    guarded record;
    rule text;
BEGIN
    FOR guarded IN
        SELECT * FROM (VALUES
            ('accounts', 'id'), ('alerts', 'account_id'), ('api_keys', 'account_id'),
            ('audit_log', 'account_id'), ('credit_grants', 'account_id'), ('daily_usage', 'account_id'),
            ('invitations', 'account_id'), ('period_usage', 'account_id'), ('top_up_requests', 'account_id'),
            ('usage_events', 'account_id'), ('users', 'account_id')
        ) AS t(table_name, account_column)
    LOOP
        rule := format(
            $rule$CASE (SELECT current_setting('app.scope', true))
                WHEN 'staff' THEN true
                WHEN 'service' THEN true
                WHEN 'account' THEN %I = (SELECT nullif(current_setting('app.account_id', true), '')::bigint)
                ELSE app_no_data_scope()
            END$rule$, guarded.account_column);
        EXECUTE format('ALTER POLICY account_isolation ON %I USING (%s) WITH CHECK (%s)',
                       guarded.table_name, rule, rule);
    END LOOP;
END;
$$;
