-- usage_events loses its two foreign keys (to accounts and to model_prices); what they
-- guaranteed is kept by cheaper means.
--
-- Why: a foreign key is checked by a trigger per inserted row (a lookup and a FOR KEY SHARE lock
-- of the referenced row). On the ingest's insert of 1,000 events those two triggers took 9–10 ms,
-- as long as the heap and index inserts themselves, about 6 µs of the 37 µs PostgreSQL spent per
-- ingested event.
--
-- What keeps every event's account and price existing:
--   * a referenced row can never go away: the app role may not delete accounts or model prices
--     (Tally has never deleted either: an account is paused, a price is superseded by a later
--     effective_from), and their ids may not change (the trigger below);
--   * the ingest writes only ids it read in the same transaction: the batch's accounts are read
--     FOR KEY SHARE and its prices from model_prices (MeteringStore/IngestCatalog.swift);
--   * the test suite's rollup invariant, run after every ingest test, also checks that no event
--     names a missing account or price.
-- daily_usage and period_usage keep their foreign keys: a batch touches a few hundred of their
-- rows, not a thousand.

ALTER TABLE usage_events
    DROP CONSTRAINT usage_events_account_id_fkey,
    DROP CONSTRAINT usage_events_price_id_fkey;

REVOKE DELETE, TRUNCATE ON accounts, model_prices FROM tally_app;

CREATE FUNCTION app_refuse_id_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the id of a row of % never changes', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER accounts_id_fixed BEFORE UPDATE OF id ON accounts
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION app_refuse_id_change();
CREATE TRIGGER model_prices_id_fixed BEFORE UPDATE OF id ON model_prices
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION app_refuse_id_change();
