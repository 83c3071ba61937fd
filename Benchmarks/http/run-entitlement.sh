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
