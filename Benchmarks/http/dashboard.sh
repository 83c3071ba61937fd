#!/usr/bin/env bash
# The dashboard benchmark: a release server over the large demo, a demo member signed in with
# curl (SESSIONS times, default 16), then wrk at 64 connections against GET /.
#
#   Benchmarks/http/dashboard.sh [data-dir]        # default /tmp/benchdb; seeds it when empty
#
# Needs wrk and curl (Debian packages). Run it on a quiet machine: the figures are only as good as that.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA_DIR=${1:-/tmp/benchdb}
PORT=${PORT:-8080}
DURATION=${DURATION:-15s}
TALLY=${SCRATCH:-.build}/release/tally
EMAIL=bench-member@demo.test
PASSWORD='bench member password 1'

swift build -c release --product tally ${SCRATCH:+--scratch-path "$SCRATCH"}
if [ ! -d "$DATA_DIR" ]; then
  "$TALLY" seed-demo --data-dir "$DATA_DIR" --events-per-day 1000   # ≈ 2.7 M events
fi
# A member of the first demo account (ignore "already exists" on reruns).
printf '%s' "$PASSWORD" | "$TALLY" user create --data-dir "$DATA_DIR" --email "$EMAIL" --role member --account demo-001 || true

TALLY_INSECURE_COOKIES=1 TALLY_DB_POOL_SIZE=${POOL:-16} TALLY_LOG_LEVEL=warning \
  "$TALLY" serve --data-dir "$DATA_DIR" --port "$PORT" &
SERVER=$!
trap 'kill "$SERVER"; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.3; done

# SESSIONS sign-ins of the member (default 16), one cookie each.
sign_in() {
  local jar csrf
  jar=$(mktemp)
  csrf=$(curl -fsS -c "$jar" "http://127.0.0.1:$PORT/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -fsS -o /dev/null -b "$jar" -c "$jar" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
    "http://127.0.0.1:$PORT/login"
  awk '$6 == "tally_session" { print "tally_session=" $7 }' "$jar"
  rm -f "$jar"
}
COOKIES=""
for _ in $(seq 1 "${SESSIONS:-16}"); do
  COOKIE=$(sign_in)
  [ -n "$COOKIE" ] || { echo "sign-in failed" >&2; exit 1; }
  COOKIES="$COOKIES${COOKIES:+,}$COOKIE"
done

# One request first: it must be the dashboard, not a redirect to /login.
curl -fsS -o /dev/null -w 'GET / → %{http_code}\n' -H "Cookie: ${COOKIES%%,*}" "http://127.0.0.1:$PORT/"
TALLY_COOKIES="$COOKIES" wrk -t2 -c64 -d"$DURATION" --latency -s Benchmarks/http/dashboard.lua "http://127.0.0.1:$PORT"
