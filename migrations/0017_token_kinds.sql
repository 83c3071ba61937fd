-- Every token kind providers bill, stored per event and summed in the daily rollup; prices per
-- kind, with tiers for long prompts and service tiers (docs/metering.md, "Token kinds" and
-- "Price versions").
--
-- Kinds are disjoint: a token is counted in exactly one column. Existing events had only input,
-- cached input and output; their new columns are 0, which is what they were billed as. The
-- new columns default to a constant, so adding them rewrites no table.

ALTER TABLE usage_events
    ADD COLUMN cache_write_5m_tokens bigint NOT NULL DEFAULT 0 CHECK (cache_write_5m_tokens >= 0),
    ADD COLUMN cache_write_1h_tokens bigint NOT NULL DEFAULT 0 CHECK (cache_write_1h_tokens >= 0),
    ADD COLUMN reasoning_tokens      bigint NOT NULL DEFAULT 0 CHECK (reasoning_tokens >= 0),
    ADD COLUMN audio_input_tokens    bigint NOT NULL DEFAULT 0 CHECK (audio_input_tokens >= 0),
    ADD COLUMN audio_output_tokens   bigint NOT NULL DEFAULT 0 CHECK (audio_output_tokens >= 0),
    ADD COLUMN image_input_tokens    bigint NOT NULL DEFAULT 0 CHECK (image_input_tokens >= 0),
    ADD COLUMN web_search_queries    bigint NOT NULL DEFAULT 0 CHECK (web_search_queries >= 0),
    ADD COLUMN service_tier          text NOT NULL DEFAULT 'standard'
        CHECK (service_tier IN ('standard', 'batch', 'flex', 'priority'));

-- Sums, numeric(38,0) like the other token sums (migration 0015).
ALTER TABLE daily_usage
    ADD COLUMN cache_write_5m_tokens numeric(38, 0) NOT NULL DEFAULT 0,
    ADD COLUMN cache_write_1h_tokens numeric(38, 0) NOT NULL DEFAULT 0,
    ADD COLUMN reasoning_tokens      numeric(38, 0) NOT NULL DEFAULT 0,
    ADD COLUMN audio_input_tokens    numeric(38, 0) NOT NULL DEFAULT 0,
    ADD COLUMN audio_output_tokens   numeric(38, 0) NOT NULL DEFAULT 0,
    ADD COLUMN image_input_tokens    numeric(38, 0) NOT NULL DEFAULT 0,
    ADD COLUMN web_search_queries    numeric(38, 0) NOT NULL DEFAULT 0;

-- A price per kind, in nano-USD per 1M tokens, resolved when the version is written (a kind
-- the admin or the list left out takes its default then: docs/metering.md); existing versions
-- get the defaults their events were billed at.
ALTER TABLE model_prices
    ADD COLUMN cache_write_5m_price bigint CHECK (cache_write_5m_price >= 0),
    ADD COLUMN cache_write_1h_price bigint CHECK (cache_write_1h_price >= 0),
    ADD COLUMN reasoning_price      bigint CHECK (reasoning_price >= 0),
    ADD COLUMN audio_input_price    bigint CHECK (audio_input_price >= 0),
    ADD COLUMN audio_output_price   bigint CHECK (audio_output_price >= 0),
    ADD COLUMN image_input_price    bigint CHECK (image_input_price >= 0),
    ADD COLUMN per_query_fee        bigint NOT NULL DEFAULT 0 CHECK (per_query_fee >= 0);  -- nano-USD
UPDATE model_prices SET cache_write_5m_price = input_price, cache_write_1h_price = input_price,
    reasoning_price = output_price, audio_input_price = input_price, audio_output_price = output_price,
    image_input_price = input_price;
ALTER TABLE model_prices
    ALTER COLUMN cache_write_5m_price SET NOT NULL, ALTER COLUMN cache_write_1h_price SET NOT NULL,
    ALTER COLUMN reasoning_price SET NOT NULL, ALTER COLUMN audio_input_price SET NOT NULL,
    ALTER COLUMN audio_output_price SET NOT NULL, ALTER COLUMN image_input_price SET NOT NULL;

-- Rates that replace a version's own for one service tier, for calls whose prompt is above a
-- number of tokens (0: every call of the tier). Written with the version, never changed.
CREATE TABLE model_price_tiers (
    price_id             bigint NOT NULL REFERENCES model_prices (id),
    service_tier         text NOT NULL CHECK (service_tier IN ('standard', 'batch', 'flex', 'priority')),
    above_input_tokens   bigint NOT NULL CHECK (above_input_tokens >= 0),
    input_price          bigint NOT NULL CHECK (input_price >= 0),
    cached_price         bigint NOT NULL CHECK (cached_price >= 0),
    cache_write_5m_price bigint NOT NULL CHECK (cache_write_5m_price >= 0),
    cache_write_1h_price bigint NOT NULL CHECK (cache_write_1h_price >= 0),
    output_price         bigint NOT NULL CHECK (output_price >= 0),
    reasoning_price      bigint NOT NULL CHECK (reasoning_price >= 0),
    audio_input_price    bigint NOT NULL CHECK (audio_input_price >= 0),
    audio_output_price   bigint NOT NULL CHECK (audio_output_price >= 0),
    image_input_price    bigint NOT NULL CHECK (image_input_price >= 0),
    PRIMARY KEY (price_id, service_tier, above_input_tokens),
    CHECK (service_tier <> 'standard' OR above_input_tokens > 0)
);
REVOKE DELETE, TRUNCATE, UPDATE ON model_price_tiers FROM tally_app;
