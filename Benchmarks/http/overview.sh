#!/usr/bin/env bash
# Signs in as a staff user and runs wrk against the overview.
# The server must run with TALLY_INSECURE_COOKIES=1 (plain HTTP), e.g.
#   TALLY_INSECURE_COOKIES=1 TALLY_LOG_LEVEL=warning .build/release/tally serve --data-dir /tmp/benchdb &
#   TALLY_EMAIL=admin@demo.test TALLY_PASSWORD=… Benchmarks/http/overview.sh
# Optional: BASE (http://127.0.0.1:8080), OVERVIEW_PATH (/admin, or /admin?from=…&to=…), WRK_ARGS.
set -euo pipefail
base=${BASE:-http://127.0.0.1:8080}
: "${TALLY_EMAIL:?set TALLY_EMAIL}" "${TALLY_PASSWORD:?set TALLY_PASSWORD}"
login=$(curl -sS -i "$base/login")
pre=$(printf '%s' "$login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(tally_csrf=[^;]*\).*/\1/p' | head -1)
token=$(printf '%s' "$login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
answer=$(curl -sS -i -H "Cookie: $pre" --data-urlencode "_csrf=$token" --data-urlencode "email=$TALLY_EMAIL" \
  --data-urlencode "password=$TALLY_PASSWORD" "$base/login")
session=$(printf '%s' "$answer" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(tally_session=[^;]*\).*/\1/p' | head -1)
if [ -z "$session" ]; then echo "overview.sh: sign-in failed (is TALLY_INSECURE_COOKIES=1 set on the server?)" >&2; exit 1; fi
here=$(cd "$(dirname "$0")" && pwd)
TALLY_COOKIE="$session" wrk ${WRK_ARGS:--t2 -c16 -d15s --latency} -s "$here/overview.lua" "$base"
