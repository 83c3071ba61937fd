#!/usr/bin/env bash
# Benchmarks/http/dashboard.sh [seconds]: the customer dashboard under load.
#
# Measures GET / (the dashboard of the demo's first account, demo-001) from wrk, 2 threads and
# 64 connections, as a member signed in TALLY_BENCH_SESSIONS times: requests rotate over the
# sessions as that many people signed in would (dashboard.lua). Against a release `tally serve`
# on the seeded demo; the member (bench-member@demo.test) is created with the seed. Every session
# must get the page (200, not a redirect to /login) before and after the run. Then the same load
# on /healthz, a route that does nothing: what any request costs here.
#
# Options:
#   seconds      length of each run (default 15)
#   -h, --help   this text
#
# Environment: the shared settings below (here TALLY_BENCH_CONNECTIONS defaults to 64 and
# TALLY_BENCH_POOL_SIZE to 16), and
#   TALLY_BENCH_SESSIONS   sign-ins of the member (default 16). Each counts against the login
#                          limit of 100 password checks per email an hour: 16 allows six runs.
#
# Prints wrk's output for the dashboard (latency distribution included) and a summary line per
# run: requests, req/s, p50, p99 and the errors wrk counted (HTTP 4xx/5xx, connect, read, write,
# timeout). Ends with the results: the dashboard and /healthz under the same load together, and
# the error total; exits 1 when that total is not 0 or a session did not get its page.
DEFAULT_SECONDS=15 DEFAULT_CONNECTIONS=64 DEFAULT_POOL_SIZE=16
source "$(dirname "$0")/common.sh"
bench_init dashboard.sh "$DEFAULT_SECONDS" "$DEFAULT_CONNECTIONS" "$DEFAULT_POOL_SIZE" "$@"
SESSIONS=${TALLY_BENCH_SESSIONS:-16}

bench_prepare
bench_start_server
COOKIES=""
for _ in $(seq 1 "$SESSIONS"); do
    COOKIE=$(bench_sign_in "$MEMBER_EMAIL" "$MEMBER_PASSWORD")
    COOKIES="$COOKIES${COOKIES:+,}$COOKIE"
done
echo "== $MEMBER_EMAIL signed in $SESSIONS times"
bench_expect_pages "$COOKIES" /
TALLY_COOKIES=$COOKIES bench_wrk dashboard "$HERE/dashboard.lua" "$URL"
bench_expect_pages "$COOKIES" /
bench_healthz
bench_finish
