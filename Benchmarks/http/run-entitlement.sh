#!/usr/bin/env bash
# Benchmarks/http/run-entitlement.sh [seconds]: the entitlement check under load.
#
# Measures GET /api/v1/accounts/{account}/entitlements/{feature}?credits=1 (the check a backend
# makes before a model call) from wrk, 2 threads and 64 connections, rotating over the demo's 50
# accounts and 6 features (entitlement.lua), against a release `tally serve` on the seeded demo,
# after a 5 s warm-up. Then, to read it by, two more runs of the same length:
#   - the same load on /healthz, a route that does nothing: what any request costs here;
#   - the check below saturation: each connection pauses TALLY_BENCH_PAUSE_MS after every
#     answer, as a backend does between a check and its model call (entitlement-paced.lua).
#
# Options:
#   seconds      length of each measured run (default 30)
#   -h, --help   this text
#
# Environment: the shared settings below (here TALLY_BENCH_CONNECTIONS defaults to 64 and
# TALLY_BENCH_POOL_SIZE to 8), and
#   TALLY_BENCH_PAUSE_MS   the paced run's pause after each answer, in ms (default 10)
#
# Prints wrk's output for the check (latency distribution included) and a summary line per run:
# requests, req/s, p50, p99 and the errors wrk counted (HTTP 4xx/5xx, connect, read, write,
# timeout). Ends with the results: the check, /healthz under the same load and the paced check
# together, and the error total; exits 1 when that total is not 0.
DEFAULT_SECONDS=30 DEFAULT_CONNECTIONS=64 DEFAULT_POOL_SIZE=8
source "$(dirname "$0")/common.sh"
bench_init run-entitlement.sh "$DEFAULT_SECONDS" "$DEFAULT_CONNECTIONS" "$DEFAULT_POOL_SIZE" "$@"
PAUSE_MS=${TALLY_BENCH_PAUSE_MS:-10}

bench_prepare
bench_api_key
bench_start_server
export TALLY_KEY=$KEY
bench_wrk --quiet --seconds 5 "entitlement warm-up" "$HERE/entitlement.lua" "$URL"
bench_wrk entitlement "$HERE/entitlement.lua" "$URL"
bench_healthz
TALLY_PAUSE_MS=$PAUSE_MS bench_wrk --quiet "entitlement, paced ${PAUSE_MS} ms" "$HERE/entitlement-paced.lua" "$URL"
bench_finish
