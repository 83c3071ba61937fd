#!/usr/bin/env bash
# Ingest over HTTP (batches of 1,000 new events from 16 connections) next to a raw COPY of the
# same rows into a table of the same shape. Usage: Benchmarks/http/run-ingest.sh [seconds]
DEFAULT_POOL_SIZE=16
source "$(dirname "$0")/common.sh"
SECONDS_TO_RUN=${1:-20}
RUN_ID=$(date +%s)

build_and_seed
start_server
echo "== ingest: wrk -t2 -c16 -d${SECONDS_TO_RUN}s, batches of 1,000 (run id $RUN_ID)"
TALLY_KEY=$KEY RUN_ID=$RUN_ID wrk -t2 -c16 -d"${SECONDS_TO_RUN}s" --timeout 10s -s Benchmarks/http/ingest.lua "$URL"

# The raw baselines: the rows this run stored, copied with psql (one COPY, one transaction)
#   1. into a fresh, empty table of the same shape (columns, keys, indexes and checks), and
#   2. into usage_events itself, beside the millions of events already there, under new ids,
#      rolled back afterwards so the rollups stay equal to the events.
# The second is the same work minus Tally's: same table, same index sizes, same cache.
ROWS=$BENCH_DIR/copy-rows.tsv
EVENT_COLUMNS="account_id, event_id, feature_key, model, input_tokens, cached_input_tokens, output_tokens, output_units, success, duration_ms, end_user_hash, occurred_at, received_at, local_day, period_start, cost, price_id, unpriced, credits, metadata, fingerprint"
RENAMED="account_id, 'c' || event_id, ${EVENT_COLUMNS#account_id, event_id, }"
psql_tally -c "\\copy (SELECT $RENAMED FROM usage_events WHERE event_id LIKE 'b$RUN_ID-%') TO '$ROWS'"
COUNT=$(wc -l < "$ROWS")
report() {
    awk -v what="$1" -v n="$COUNT" -v s="$2" -v e="$3" \
        'BEGIN { printf "raw COPY %s: %d rows in %.2f s, %.0f rows/s\n", what, n, e - s, n / (e - s) }'
}
psql_tally -c "DROP TABLE IF EXISTS copy_bench; CREATE TABLE copy_bench (LIKE usage_events INCLUDING ALL); CHECKPOINT"
START=$(date +%s.%N)
psql_tally -c "\\copy copy_bench FROM '$ROWS'"
END=$(date +%s.%N)
psql_tally -c "DROP TABLE copy_bench; CHECKPOINT"
report "into a fresh table" "$START" "$END"
START=$(date +%s.%N)
psql_tally -c "BEGIN" -c "\\copy usage_events ($EVENT_COLUMNS) FROM '$ROWS'" -c "ROLLBACK"
END=$(date +%s.%N)
report "into usage_events" "$START" "$END"
rm -f "$ROWS"
