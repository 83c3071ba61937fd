#!/usr/bin/env bash
# Benchmarks/http/overview.sh [seconds]: the staff overview under load.
#
# Measures GET /admin (this month's overview; TALLY_BENCH_OVERVIEW_PATH for another range) from
# wrk, 2 threads and 16 connections (1 thread with 1 connection), as a signed-in admin
# (overview.lua). Against a release `tally serve` on the seeded demo; the admin
# (bench-admin@demo.test) is created with the seed. The session must get the page (200) before
# and after the run. Then the same load on /healthz, a route that does nothing: what any request
# costs here.
#
# Options:
#   seconds      length of each run (default 15)
#   -h, --help   this text
#
# Environment: the shared settings below (here TALLY_BENCH_CONNECTIONS defaults to 16 and
# TALLY_BENCH_POOL_SIZE to 16), and
#   TALLY_BENCH_OVERVIEW_PATH   the page to load (default /admin; e.g. '/admin?from=2026-09-01&to=2026-11-30')
#
# Prints wrk's output for the overview (latency distribution included) and a summary line per
# run: requests, req/s, p50, p99 and the errors wrk counted (HTTP 4xx/5xx, connect, read, write,
# timeout). Ends with the results: the overview and /healthz under the same load together, and
# the error total; exits 1 when that total is not 0 or the session did not get its page.
DEFAULT_SECONDS=15 DEFAULT_CONNECTIONS=16 DEFAULT_POOL_SIZE=16
source "$(dirname "$0")/common.sh"
bench_init overview.sh "$DEFAULT_SECONDS" "$DEFAULT_CONNECTIONS" "$DEFAULT_POOL_SIZE" "$@"
OVERVIEW_PATH=${TALLY_BENCH_OVERVIEW_PATH:-/admin}

bench_prepare
bench_start_server
COOKIE=$(bench_sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD")
echo "== $ADMIN_EMAIL signed in"
bench_expect_pages "$COOKIE" "$OVERVIEW_PATH"
TALLY_COOKIE=$COOKIE OVERVIEW_PATH=$OVERVIEW_PATH bench_wrk overview "$HERE/overview.lua" "$URL"
bench_expect_pages "$COOKIE" "$OVERVIEW_PATH"
bench_healthz
bench_finish
