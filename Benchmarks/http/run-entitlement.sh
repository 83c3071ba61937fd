#!/usr/bin/env bash
# The entitlement check under load: wrk, 64 connections, against the seeded demo (≈ 2.7 M events).
# Usage: Benchmarks/http/run-entitlement.sh [seconds]      (see docs/benchmarks.md)
DEFAULT_POOL_SIZE=8
source "$(dirname "$0")/common.sh"
SECONDS_TO_RUN=${1:-30}

build_and_seed
start_server
echo "== warm-up (5 s)"
TALLY_KEY=$KEY wrk -t2 -c64 -d5s -s Benchmarks/http/entitlement.lua "$URL" > /dev/null
echo "== entitlement check: wrk -t2 -c64 -d${SECONDS_TO_RUN}s"
TALLY_KEY=$KEY wrk -t2 -c64 -d"${SECONDS_TO_RUN}s" --latency -s Benchmarks/http/entitlement.lua "$URL"

# What any request costs here: an empty route under the same load is the machine's floor.
echo "== the same load on an empty route (/healthz): wrk -t2 -c64 -d${SECONDS_TO_RUN}s"
wrk -t2 -c64 -d"${SECONDS_TO_RUN}s" --latency "$URL/healthz" | grep -E "Requests/sec|^ +(50|99)%"
# Below saturation: each connection pauses after its answer, as a backend does between checks.
PAUSE_MS=${TALLY_BENCH_PAUSE_MS:-10}
echo "== entitlement check below saturation: 64 connections, each pausing ${PAUSE_MS} ms after an answer"
TALLY_KEY=$KEY TALLY_PAUSE_MS=$PAUSE_MS wrk -t2 -c64 -d"${SECONDS_TO_RUN}s" --latency \
    -s Benchmarks/http/entitlement-paced.lua "$URL" | tail -1
