-- The admin area (issue 7): plan changes scheduled for the next billing period.
--
-- An account is on plan_id until next_plan_from, and on next_plan_id from that instant on (the
-- start of a billing period, in the account's zone). Every place that asks "which plan does this
-- account have at instant t?" asks plan_in_effect(account, t), so a scheduled change takes
-- effect exactly at its instant without a job that flips plan_id: ingest (per event, at
-- occurred_at), the entitlement check (at now) and the admin pages. An admin change after that
-- instant first folds the scheduled plan into plan_id.

ALTER TABLE accounts
    ADD COLUMN next_plan_id   bigint REFERENCES plans (id),
    ADD COLUMN next_plan_from timestamptz,
    ADD CONSTRAINT accounts_next_plan_pair CHECK ((next_plan_id IS NULL) = (next_plan_from IS NULL));

CREATE FUNCTION plan_in_effect(account accounts, at timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN account.next_plan_from IS NOT NULL AND at >= account.next_plan_from
                THEN account.next_plan_id ELSE account.plan_id END
$$;

-- Accounts per plan (the plans page) and the account list's plan filter.
CREATE INDEX accounts_plan_id_idx ON accounts (plan_id);
CREATE INDEX accounts_next_plan_id_idx ON accounts (next_plan_id) WHERE next_plan_id IS NOT NULL;

-- The account list searches name and external id case-insensitively.
CREATE INDEX accounts_lower_name_idx ON accounts (lower(name));
