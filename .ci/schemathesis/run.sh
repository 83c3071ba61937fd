#!/usr/bin/env bash
# Fuzzes the live API against its own OpenAPI document with schemathesis (PyPI), every check on.
#
# Starts a throwaway Tally (its own embedded PostgreSQL in a temporary folder, a small demo
# seeded), creates an ingest key and a read key, and runs schemathesis once with each key against
# http://127.0.0.1:$PORT/api/v1/openapi.json: the coverage, fuzzing and stateful phases, positive
# and negative data, checks `all` plus hooks.py's. Any failure, and a server that stops answering,
# fails the run. Reports (JUnit and NDJSON per key) go to $ST_OUT.
#
# Usage, from the repository root: bash .ci/schemathesis/run.sh
# Environment: ST_MAX_EXAMPLES (default 100 per operation), ST_PORT (18480), ST_OUT
# (.build-ci/schemathesis), ST_VENV (where schemathesis is installed; default .build-ci/venv),
# TALLY_BIN (default: the debug build, built here).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
port="${ST_PORT:-18480}"
out="${ST_OUT:-$repo/.build-ci/schemathesis}"
venv="${ST_VENV:-$repo/.build-ci/venv}"
examples="${ST_MAX_EXAMPLES:-100}"
log() { printf '[schemathesis] %s\n' "$*" >&2; }

# --- schemathesis, from PyPI, in a virtual environment ----------------------------------
if ! "$venv/bin/st" --version 2>/dev/null | grep -q '4\.32\.5'; then
    log "installing schemathesis 4.32.5 into $venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 keeps venv in a package of its own.
        apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install -q --disable-pip-version-check 'schemathesis==4.32.5'
fi

# --- a throwaway server ----------------------------------------------------------------
if [[ -z "${TALLY_BIN:-}" ]]; then
    swift build --product tally >/dev/null
    TALLY_BIN="$(swift build --show-bin-path)/tally"
fi
# The cluster runs as the postgres user when we are root: its folder must be reachable.
data="$(mktemp -d /tmp/tally-schemathesis.XXXXXX)"
chmod 755 "$data"
export TALLY_DATA_DIR="$data/postgres"
server=""
cleanup() {
    if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server"
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$data"
}
trap cleanup EXIT

log "seeding a small demo"
"$TALLY_BIN" seed-demo --demo-accounts 8 --demo-days 3 --events-per-day 20 >"$data/seed.log"
"$TALLY_BIN" serve --port "$port" >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$data/server.log" >&2; log "the server did not start"; exit 2; }
    sleep 0.5
done
key() { "$TALLY_BIN" api-key create --name "$1" --scope "$2" | sed -n 's/^API key (shown once): //p'; }
ingest_key="$(key schemathesis-ingest ingest)"
read_key="$(key schemathesis-read read)"

# --- the configuration: accounts that exist, instants inside the late-event window ---------
accounts="$(seq -f '"demo-%03g"' 1 8 | paste -sd, -)"
recent="$(python3 - <<'PY'
import datetime as dt
now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
stamps = [(now - dt.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ") for h in (0, 1, 6, 30, 100, 400)]
stamps.append((now - dt.timedelta(hours=50)).strftime("%Y-%m-%dt%H:%M:%S.123456+02:00"))
print(", ".join(f'"{s}"' for s in stamps))
PY
)"
mkdir -p "$out"
sed -e "s|@ACCOUNTS@|$accounts|" -e "s|@RECENT@|$recent|" -e "s|@MAX_EXAMPLES@|$examples|" \
    -e "s|@HOOKS@|$here/hooks.py|" "$here/schemathesis.toml.in" >"$out/schemathesis.toml"

# --- one run per key -------------------------------------------------------------------------
status=0
for pass in ingest read; do
    secret="$ingest_key"
    [[ "$pass" == read ]] && secret="$read_key"
    log "pass '$pass' ($examples examples per operation)"
    if ! "$venv/bin/st" --config-file "$out/schemathesis.toml" --no-color run \
        "http://127.0.0.1:$port/api/v1/openapi.json" \
        --checks all --mode all \
        -H "Authorization: Bearer $secret" \
        --report junit,ndjson --report-dir "$out/$pass" >"$out/$pass.txt" 2>&1; then
        status=1
        log "pass '$pass' failed; the last lines of $out/$pass.txt:"
        tail -n 60 "$out/$pass.txt" >&2
    else
        grep -E "^(API Operations|Test Phases|Test cases|Summary|  [0-9]+ (generated|passed|skipped))" "$out/$pass.txt" >&2 || true
        tail -n 4 "$out/$pass.txt" >&2
    fi
    if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
        log "the server stopped answering during pass '$pass':"
        tail -n 40 "$data/server.log" >&2
        exit 3
    fi
done
exit "$status"
