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

# The raw baseline: the rows this run stored, copied with psql into a fresh table of the same
# shape (columns, keys, indexes and checks; no foreign keys or row-level security).
ROWS=$BENCH_DIR/copy-rows.tsv
psql_tally -c "\\copy (SELECT * FROM usage_events WHERE event_id LIKE 'b$RUN_ID-%') TO '$ROWS'"
COUNT=$(wc -l < "$ROWS")
psql_tally -c "DROP TABLE IF EXISTS copy_bench; CREATE TABLE copy_bench (LIKE usage_events INCLUDING ALL); CHECKPOINT"
START=$(date +%s.%N)
psql_tally -c "\\copy copy_bench FROM '$ROWS'"
END=$(date +%s.%N)
psql_tally -c "DROP TABLE copy_bench"
rm -f "$ROWS"
awk -v n="$COUNT" -v s="$START" -v e="$END" \
    'BEGIN { printf "raw COPY: %d rows in %.2f s, %.0f rows/s\n", n, e - s, n / (e - s) }'
