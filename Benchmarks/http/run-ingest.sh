#!/usr/bin/env bash
# Benchmarks/http/run-ingest.sh [seconds]: the ingest over HTTP next to a raw COPY of the same rows.
#
# Measures POST /api/v1/events from wrk, 2 threads and 16 connections, every request a batch of
# 1,000 new events (ingest.lua; ids carry the run id, so they never repeat), against a release
# `tally serve` on the seeded demo. Then, once the server has stored the batches still in flight
# when wrk stopped, the raw baselines: the rows this run stored, exported with psql and loaded
# with one `\copy` each, timed around the load only,
#   1. into copy_bench, a fresh table of usage_events' shape (columns, keys, indexes, checks),
#      dropped afterwards;
#   2. into usage_events itself, beside the events already there, under new ids, in a
#      transaction that is rolled back so the rollups stay equal to the events. The rolled-back
#      rows are dead rows in usage_events: a VACUUM of usage_events removes them (and the heap
#      pages they added) after the timing, so no run leaves them to the next.
# Then the same load on /healthz. The ingest's own events stay: they are in the rollups.
#
# Options:
#   seconds      length of the ingest run and the /healthz run (default 20)
#   -h, --help   this text
#
# Environment: the shared settings below (here TALLY_BENCH_CONNECTIONS defaults to 16 and
# TALLY_BENCH_POOL_SIZE to 16: one connection per wrk connection, so none waits for the pool).
#
# Prints wrk's output for the ingest and a summary line per run: batches, events/s, p50, p99 and
# the errors wrk counted (HTTP 4xx/5xx, connect, read, write, timeout); the batches answered
# after wrk stopped; a line per COPY (rows, seconds, rows/s) with its ratio ingest / raw COPY;
# the VACUUM's line: the dead rows and heap pages it removed, its time and the dead rows left.
# Ends with the results together and the error total; exits 1 when that total is not 0.
DEFAULT_SECONDS=20 DEFAULT_CONNECTIONS=16 DEFAULT_POOL_SIZE=16
source "$(dirname "$0")/common.sh"
bench_init run-ingest.sh "$DEFAULT_SECONDS" "$DEFAULT_CONNECTIONS" "$DEFAULT_POOL_SIZE" "$@"
RUN_ID=$(date +%s)
EVENT_COLUMNS="account_id, event_id, feature_key, model, input_tokens, cached_input_tokens, output_tokens, output_units, success, duration_ms, end_user_hash, occurred_at, received_at, local_day, period_start, cost, price_id, unpriced, credits, metadata, fingerprint"

# raw_copy WHAT START END: the COPY's line, with the ingest's rate as a ratio of it.
raw_copy() {
    bench_note "$(awk -v what="$1" -v n="$COUNT" -v s="$2" -v e="$3" -v ingest="$INGEST_RATE" \
        'BEGIN { printf "raw COPY %s: %d rows in %.2f s, %.0f rows/s; ingest / raw COPY %.3f\n", what, n, e - s, n / (e - s), ingest / (n / (e - s)) }')"
}

# wrk stops with a batch in flight on each connection, and the server still stores those. Waits
# until the server's count of answered batches stops moving, so the baseline neither races them
# nor misses their rows; prints how many there were.
wait_for_batches_in_flight() {
    local before=-1 now _
    for _ in $(seq 1 120); do
        now=$(curl -sf "$URL/metrics" | awk '/^tally_http_requests_total\{method="POST",route="\/api\/v1\/events"/ { n += $NF } END { print n + 0 }')
        if [ "$now" = "$before" ]; then
            echo "== the server answered $((now - INGEST_REQUESTS)) more batches after wrk stopped (none in flight now)"
            return
        fi
        before=$now
        sleep 1
    done
    bench_fail "the server was still answering batches 120 s after wrk stopped"
}

bench_prepare
bench_api_key
bench_start_server
TALLY_KEY=$KEY RUN_ID=$RUN_ID bench_wrk ingest "$HERE/ingest.lua" "$URL" --timeout 10s
INGEST_RATE=$(printf '%s\n' "${BENCH_RESULTS[-1]}" | sed -n 's/.* s, \([0-9]*\) events\/s.*/\1/p')
INGEST_REQUESTS=$(printf '%s\n' "${BENCH_RESULTS[-1]}" | sed -n 's/^ingest: \([0-9]*\) requests.*/\1/p')
wait_for_batches_in_flight

echo "== raw COPY of the rows this run stored (run id $RUN_ID)"
ROWS=$BENCH_DIR/copy-rows.tsv
BENCH_TEMP_FILES+=("$ROWS")
RENAMED="account_id, 'c' || event_id, ${EVENT_COLUMNS#account_id, event_id, }"
psql_tally -c "\\copy (SELECT $RENAMED FROM usage_events WHERE event_id LIKE 'b$RUN_ID-%') TO '$ROWS'"
COUNT=$(wc -l < "$ROWS")
psql_tally -c "SET client_min_messages = warning; DROP TABLE IF EXISTS copy_bench; CREATE TABLE copy_bench (LIKE usage_events INCLUDING ALL); CHECKPOINT"
START=$(date +%s.%N)
psql_tally -c "\\copy copy_bench FROM '$ROWS'"
END=$(date +%s.%N)
psql_tally -c "DROP TABLE copy_bench; CHECKPOINT"
raw_copy "into a fresh table" "$START" "$END"
START=$(date +%s.%N)
psql_tally -c "BEGIN" -c "\\copy usage_events ($EVENT_COLUMNS) FROM '$ROWS'" -c "ROLLBACK"
END=$(date +%s.%N)
raw_copy "into usage_events" "$START" "$END"
rm -f "$ROWS"

bench_healthz --timeout 10s

# The rolled-back rows are dead rows in usage_events until a VACUUM: left there, they would
# slow later runs and swell the table's size. Not part of any figure.
VACUUM_LOG=$BENCH_DIR/vacuum.log
BENCH_TEMP_FILES+=("$VACUUM_LOG")
START=$(date +%s.%N)
psql_tally -c "VACUUM (VERBOSE) usage_events" 2> "$VACUUM_LOG"
END=$(date +%s.%N)
REMOVED=$(sed -n 's/^tuples: \([0-9]*\) removed.*/\1/p' "$VACUUM_LOG" | head -1)
TRUNCATED=$(sed -n 's/^pages: \([0-9]*\) removed.*/\1/p' "$VACUUM_LOG" | head -1)
DEAD=$(psql_tally -Atc "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'usage_events'")
bench_note "$(awk -v s="$START" -v e="$END" -v removed="${REMOVED:-?}" -v pages="${TRUNCATED:-?}" -v dead="$DEAD" \
    'BEGIN { printf "VACUUM usage_events after the baseline: %s dead rows removed, %s heap pages truncated, %.1f s; %d dead rows left\n", removed, pages, e - s, dead }')"
bench_finish
