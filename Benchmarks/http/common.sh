# Shared by run-entitlement.sh and run-ingest.sh; not meant to be run on its own.
#
# Builds tally in release, seeds the demo once into $TALLY_BENCH_DIR (kept between runs: seeding
# takes minutes), starts `tally serve` on it, creates an API key, and stops the server on exit.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${TALLY_BENCH_DIR:-/tmp/tally-bench-http}
EVENTS_PER_DAY=${TALLY_BENCH_EVENTS_PER_DAY:-1000}
POOL_SIZE=${TALLY_BENCH_POOL_SIZE:-${DEFAULT_POOL_SIZE:-8}}
PORT=${TALLY_BENCH_PORT:-8089}
URL=http://127.0.0.1:$PORT
TALLY=${TALLY_BENCH_BINARY:-$REPO/.build/release/tally}
SERVER_PID=

cd "$REPO"

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
trap stop_server EXIT INT TERM

build_and_seed() {
    if [ -z "${TALLY_BENCH_SKIP_BUILD:-}" ]; then
        echo "== building tally (release)"
        swift build -c release --product tally
    fi
    if [ ! -f "$BENCH_DIR/seeded" ]; then
        echo "== seeding the demo into $BENCH_DIR ($EVENTS_PER_DAY events per account-day; takes minutes)"
        rm -rf "$BENCH_DIR"
        "$TALLY" seed-demo --data-dir "$BENCH_DIR/postgres" --events-per-day "$EVENTS_PER_DAY"
        touch "$BENCH_DIR/seeded"
    fi
}

# Starts the server and sets KEY to a fresh ingest key.
start_server() {
    KEY=$("$TALLY" api-key create --name "bench-$$-$(date +%s)" --data-dir "$BENCH_DIR/postgres" \
        | grep -o 'tly_[A-Za-z0-9_-]*' | tail -1)
    if curl -s -o /dev/null "$URL/"; then
        echo "something already listens on port $PORT; stop it or set TALLY_BENCH_PORT" >&2
        exit 1
    fi
    TALLY_DB_POOL_SIZE=$POOL_SIZE TALLY_LOG_LEVEL=warning TALLY_PORT=$PORT \
        "$TALLY" serve --data-dir "$BENCH_DIR/postgres" > "$BENCH_DIR/serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 120); do
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$BENCH_DIR/serve.log"; exit 1; }
        if curl -sf -o /dev/null "$URL/api/v1/openapi.json"; then break; fi
        sleep 0.5
    done
    curl -sf -o /dev/null "$URL/api/v1/openapi.json" || { cat "$BENCH_DIR/serve.log"; exit 1; }
    echo "== tally serve running (pool $POOL_SIZE connections); events stored: $(psql_tally -Atc 'SELECT count(*) FROM usage_events')"
}

# psql on the embedded cluster (while tally serve runs it), as the superuser.
psql_tally() {
    local socket port
    socket=$BENCH_DIR/postgres/run
    port=$(ls -a "$socket" | sed -n 's/^\.s\.PGSQL\.\([0-9]*\)$/\1/p' | head -1)
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    "$bin/psql" -X -q -h "$socket" -p "$port" -U postgres -d tally "$@"
}
