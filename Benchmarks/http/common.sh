# Benchmarks/http/common.sh: the one set-up every HTTP benchmark in this folder sources. Not run
# on its own. Each script calls, in this order:
#
#   bench_init NAME SECONDS CONNECTIONS POOL "$@"   its defaults; parses [seconds] and -h/--help
#   bench_prepare                                   wrk and curl present, build, data folder, seed once
#   bench_api_key                                   (API benchmarks) KEY = a fresh ingest key
#   bench_start_server                              tally serve on the folder, stopped again on exit
#   bench_wrk / bench_healthz                       wrk runs, each summed up in one line with its errors
#   bench_finish                                    the results together; exit 1 when wrk counted errors
#
# Shared settings (environment variables, the same in every script):
#   TALLY_BENCH_DIR             the data folder (default /tmp/tally-bench-http). The harness makes it,
#                               seeds it once and reuses it. It refuses a folder it did not make unless
#                               that folder is empty, and never deletes one.
#   TALLY_BENCH_EVENTS_PER_DAY  demo size when seeding a new folder (default 1000: about 2.7 M events,
#                               several minutes); set against a seeded folder, it must match its size
#   TALLY_BENCH_CONNECTIONS     wrk connections (default: the script's); wrk runs 2 threads
#   TALLY_BENCH_POOL_SIZE       the server's TALLY_DB_POOL_SIZE (default: the script's)
#   TALLY_BENCH_PORT            the server's port (default 8089); refused when something listens there
#   TALLY_BENCH_SKIP_BUILD=1    take .build/release/tally as it is
#   TALLY_BENCH_BINARY          measure this tally binary instead (e.g. a copy of another build); no build
#   TALLY_BENCH_ALLOW_ERRORS=1  report the figures and exit 0 even when wrk counted errors
#
# The data folder:
#   tally-bench.created   the harness made this folder (or found it empty): only then does it
#                         write here, and the only thing it ever deletes is postgres/ below after
#                         a seeding that did not finish
#   tally-bench.seeded    written when seeding finished: the demo's size and the benchmark users
#   postgres/             the embedded cluster (`tally … --data-dir`)
#   seed.log, serve.log   the seeding's output (with the demo's logins) and the last server's log
# When tally runs as root, PostgreSQL runs as the `postgres` user, which must reach the folder
# (so not under /root).

set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$REPO/Benchmarks/http
# Paths given relative to where the script was started, before it moves to the repository.
bench_absolute() {
    case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac
}
BENCH_DIR=$(bench_absolute "${TALLY_BENCH_DIR:-/tmp/tally-bench-http}")
CLUSTER=$BENCH_DIR/postgres
CREATED_MARK=$BENCH_DIR/tally-bench.created
SEEDED_MARK=$BENCH_DIR/tally-bench.seeded
PORT=${TALLY_BENCH_PORT:-8089}
URL=http://127.0.0.1:$PORT
TALLY=$(bench_absolute "${TALLY_BENCH_BINARY:-$REPO/.build/release/tally}")
# The benchmark's own logins, created with the seed: a member of the first demo account (the
# dashboard) and an admin (the overview).
MEMBER_EMAIL=bench-member@demo.test
MEMBER_PASSWORD='bench member password 1'
ADMIN_EMAIL=bench-admin@demo.test
ADMIN_PASSWORD='bench admin password 1'

SERVER_PID=
BENCH_TEMP_FILES=()
BENCH_RESULTS=()
BENCH_ERRORS=0
EVENTS_STORED='?'

cd "$REPO"

# Prints NAME: MESSAGE on stderr, then the end of the server's log when one was started, and exits 1.
bench_fail() {
    echo "${BENCH_NAME:-benchmark}: $*" >&2
    [ "$BASHPID" = "$$" ] || exit 1   # inside $(…): the caller adds the server's log
    if [ -n "$SERVER_PID" ] && [ -f "$BENCH_DIR/serve.log" ]; then
        echo "== the last lines of $BENCH_DIR/serve.log:" >&2
        tail -20 "$BENCH_DIR/serve.log" >&2
    fi
    exit 1
}

# A command that failed without a message of its own still says which one it was.
bench_on_error() {
    local status=$1 line=$2 command=$3
    [ "$BASHPID" = "$$" ] || exit "$status"   # inside $(…): the caller reports it
    bench_fail "line $line: \`$command\` failed (exit $status)"
}

bench_cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
    if [ ${#BENCH_TEMP_FILES[@]} -gt 0 ]; then rm -f -- "${BENCH_TEMP_FILES[@]}"; fi
}

trap 'bench_on_error $? $LINENO "$BASH_COMMAND"' ERR
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The calling script's header comment, then the shared settings above.
bench_usage() {
    awk 'NR == 1 && /^#!/ { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
    echo
    awk '/^# Shared settings/ { on = 1 } on && !/^#/ { exit } on { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
}

# bench_init NAME DEFAULT_SECONDS DEFAULT_CONNECTIONS DEFAULT_POOL_SIZE "$@"
bench_init() {
    BENCH_NAME=$1
    SECONDS_TO_RUN=$2
    CONNECTIONS=${TALLY_BENCH_CONNECTIONS:-$3}
    POOL_SIZE=${TALLY_BENCH_POOL_SIZE:-$4}
    shift 4
    case "${1:-}" in
        -h | --help) bench_usage; exit 0 ;;
        '') ;;
        *[!0-9]* | 0) echo "$BENCH_NAME: expected a number of seconds, got '$1' (see --help)" >&2; exit 2 ;;
        *) SECONDS_TO_RUN=$1 ;;
    esac
    if [ $# -gt 1 ]; then echo "$BENCH_NAME: one argument at most (see --help)" >&2; exit 2; fi
    case "$CONNECTIONS" in '' | *[!0-9]* | 0) bench_fail "TALLY_BENCH_CONNECTIONS must be a positive number" ;; esac
    THREADS=$((CONNECTIONS < 2 ? CONNECTIONS : 2))
}

bench_prepare() {
    local tool
    for tool in wrk curl; do
        command -v "$tool" > /dev/null || bench_fail "needs $tool (Debian: apt-get install -y $tool)"
    done
    bench_build
    bench_claim_folder
    bench_seed_once
}

bench_build() {
    if [ -n "${TALLY_BENCH_BINARY:-}" ]; then
        echo "== measuring $TALLY (TALLY_BENCH_BINARY; nothing built)"
    elif [ -n "${TALLY_BENCH_SKIP_BUILD:-}" ]; then
        echo "== not building (TALLY_BENCH_SKIP_BUILD): $TALLY as it is"
    else
        echo "== building tally (release)"
        swift build -c release --product tally
    fi
    [ -x "$TALLY" ] || bench_fail "no tally binary at $TALLY"
}

# Makes the data folder, or accepts it when the harness made it or it is empty; refuses any other.
bench_claim_folder() {
    if [ -e "$BENCH_DIR" ] && [ ! -d "$BENCH_DIR" ]; then
        bench_fail "$BENCH_DIR is not a folder; set TALLY_BENCH_DIR to a new or empty folder"
    fi
    local reach=$BENCH_DIR
    while [ ! -e "$reach" ]; do reach=$(dirname "$reach"); done
    if [ "$(id -u)" = 0 ] && id postgres > /dev/null 2>&1 && ! runuser -u postgres -- test -x "$reach"; then
        bench_fail "the postgres user cannot reach $reach (PostgreSQL runs as postgres when tally runs as root); set TALLY_BENCH_DIR to a folder it can reach, e.g. under /tmp"
    fi
    if [ ! -e "$BENCH_DIR" ]; then
        mkdir -p "$(dirname "$BENCH_DIR")"
        mkdir -m 755 "$BENCH_DIR"
        echo "made by Benchmarks/http/common.sh on $(date -u +%FT%TZ)" > "$CREATED_MARK"
    elif [ ! -f "$CREATED_MARK" ]; then
        if [ -n "$(ls -A "$BENCH_DIR")" ]; then
            bench_fail "$BENCH_DIR exists, is not empty and was not made by this harness (no $(basename "$CREATED_MARK")); it is left as it is. Set TALLY_BENCH_DIR to a new or empty folder, or remove this one yourself."
        fi
        echo "found empty and taken by Benchmarks/http/common.sh on $(date -u +%FT%TZ)" > "$CREATED_MARK"
    fi
}

# The marker's value for KEY.
bench_seeded() {
    sed -n "s/^$1=//p" "$SEEDED_MARK"
}

# Seeds the demo and the benchmark users once; the marker says it finished.
bench_seed_once() {
    if [ -f "$SEEDED_MARK" ]; then
        local size
        size=$(bench_seeded events_per_day)
        if [ -n "${TALLY_BENCH_EVENTS_PER_DAY:-}" ] && [ "$TALLY_BENCH_EVENTS_PER_DAY" != "$size" ]; then
            bench_fail "$BENCH_DIR was seeded with $size events per account-day, not $TALLY_BENCH_EVENTS_PER_DAY; set TALLY_BENCH_DIR to another folder for another size"
        fi
        echo "== reusing $BENCH_DIR (seeded $(bench_seeded seeded_at), $size events per account-day)"
        return
    fi
    [ -f "$CREATED_MARK" ] || bench_fail "internal: seeding into a folder the harness did not take"
    if [ -e "$CLUSTER" ]; then
        bench_cluster_idle
        echo "== an earlier seeding of $BENCH_DIR did not finish: removing its cluster, $CLUSTER"
        rm -rf -- "$CLUSTER"
    fi
    local size=${TALLY_BENCH_EVENTS_PER_DAY:-1000}
    echo "== seeding the demo into $CLUSTER ($size events per account-day; 1000 takes minutes)"
    "$TALLY" seed-demo --data-dir "$CLUSTER" --events-per-day "$size" | tee "$BENCH_DIR/seed.log"
    printf '%s' "$MEMBER_PASSWORD" | "$TALLY" user create --data-dir "$CLUSTER" \
        --email "$MEMBER_EMAIL" --role member --account demo-001
    printf '%s' "$ADMIN_PASSWORD" | "$TALLY" user create --data-dir "$CLUSTER" --email "$ADMIN_EMAIL" --role admin
    printf 'events_per_day=%s\nseeded_at=%s\n' "$size" "$(date -u +%FT%TZ)" > "$SEEDED_MARK.tmp"
    mv "$SEEDED_MARK.tmp" "$SEEDED_MARK"
}

# Refuses when a PostgreSQL or a tally still holds the cluster.
bench_cluster_idle() {
    local pid
    if [ -f "$CLUSTER/data/postmaster.pid" ]; then
        pid=$(head -1 "$CLUSTER/data/postmaster.pid")
        if kill -0 "$pid" 2>/dev/null; then bench_fail "PostgreSQL (pid $pid) still runs on $CLUSTER; stop it first (pg_ctl stop -D $CLUSTER/data, as the user it runs as)"; fi
    fi
    if [ -f "$CLUSTER/tally.lock" ] && ! flock -n "$CLUSTER/tally.lock" true; then
        bench_fail "a tally still holds $CLUSTER; stop it first"
    fi
}

# Sets KEY to a fresh ingest-scope API key.
bench_api_key() {
    KEY=$("$TALLY" api-key create --name "bench-$$-$(date +%s)" --data-dir "$CLUSTER" \
        | grep -o 'tly_[A-Za-z0-9_-]*' | tail -1)
    [ -n "$KEY" ] || bench_fail "tally api-key create printed no key"
}

bench_start_server() {
    if (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        bench_fail "something already listens on port $PORT; stop it or set TALLY_BENCH_PORT"
    fi
    TALLY_INSECURE_COOKIES=1 TALLY_DB_POOL_SIZE=$POOL_SIZE TALLY_LOG_LEVEL=warning \
        "$TALLY" serve --data-dir "$CLUSTER" --host 127.0.0.1 --port "$PORT" > "$BENCH_DIR/serve.log" 2>&1 &
    SERVER_PID=$!
    local _
    for _ in $(seq 1 240); do
        kill -0 "$SERVER_PID" 2>/dev/null || bench_fail "tally serve exited during start-up"
        if curl -sf -o /dev/null "$URL/readyz"; then break; fi
        sleep 0.25
    done
    curl -sf -o /dev/null "$URL/readyz" || bench_fail "tally serve did not become ready within 60 s"
    EVENTS_STORED=$(psql_tally -Atc 'SELECT count(*) FROM usage_events')
    echo "== tally serve running on $URL (pid $SERVER_PID, pool $POOL_SIZE); events stored: $EVENTS_STORED"
}

# psql on the embedded cluster (while tally serve runs it), as the superuser.
psql_tally() {
    local socket=$CLUSTER/run port bin
    port=$(ls -a "$socket" | sed -n 's/^\.s\.PGSQL\.\([0-9]*\)$/\1/p' | head -1)
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$socket" -p "$port" -U postgres -d tally "$@"
}

# Signs EMAIL in through the login form; prints the session cookie (tally_session=…).
bench_sign_in() {
    local email=$1 password=$2 jar csrf cookie
    jar=$(mktemp)
    csrf=$(curl -fsS -c "$jar" "$URL/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
    curl -fsS -o /dev/null -b "$jar" -c "$jar" \
        --data-urlencode "_csrf=$csrf" --data-urlencode "email=$email" --data-urlencode "password=$password" "$URL/login"
    cookie=$(awk '$6 == "tally_session" { print "tally_session=" $7 }' "$jar")
    rm -f "$jar"
    [ -n "$cookie" ] || bench_fail "signing in $email failed"
    echo "$cookie"
}

# Fails unless every cookie (comma-separated) gets 200 for PATH: wrk counts only 4xx and 5xx, so
# a session that had ended would measure redirects to /login unnoticed.
bench_expect_pages() {
    local cookies=$1 path=$2 cookie status count=0
    local IFS=,
    for cookie in $cookies; do
        status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$URL$path")
        [ "$status" = 200 ] || bench_fail "GET $path answered $status, not 200, for a benchmark session"
        count=$((count + 1))
    done
    echo "== GET $path answered 200 for every benchmark session ($count)"
}

# bench_wrk [--quiet] [--seconds N] LABEL SCRIPT URL [wrk options…]
# Runs wrk with the script's connections and threads and SCRIPT (whose done() prints its summary
# through report.lua), shows its output (--quiet: the summary line only), records the line for
# bench_finish and adds its errors to BENCH_ERRORS.
bench_wrk() {
    local quiet='' seconds=$SECONDS_TO_RUN
    while :; do
        case "$1" in
            --quiet) quiet=1; shift ;;
            --seconds) seconds=$2; shift 2 ;;
            *) break ;;
        esac
    done
    local label=$1 script=$2 url=$3 out line errors
    shift 3
    out=$(mktemp)
    BENCH_TEMP_FILES+=("$out")
    [ -n "$quiet" ] || echo "== $label: wrk -t$THREADS -c$CONNECTIONS -d${seconds}s --latency ${*:+$* }-s $script $url"
    if ! TALLY_BENCH_LABEL=$label wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency "$@" \
        -s "$script" "$url" > "$out" 2>&1; then
        cat "$out" >&2
        bench_fail "wrk failed ($label)"
    fi
    line=$(awk -v start="$label: " 'index($0, start) == 1' "$out" | tail -1)
    if [ -z "$line" ]; then cat "$out" >&2; bench_fail "wrk printed no summary for $label"; fi
    errors=$(printf '%s\n' "$line" | sed -n 's/.*; errors \([0-9]*\) .*/\1/p')
    [ -n "$errors" ] || bench_fail "no error count in: $line"
    if [ -n "$quiet" ]; then echo "$line"; else cat "$out"; fi
    BENCH_RESULTS+=("$line")
    BENCH_ERRORS=$((BENCH_ERRORS + errors))
}

# The same load as the benchmark (connections, threads, duration) on /healthz, a route that does
# nothing: what any request costs on this machine while this benchmark runs.
bench_healthz() {
    bench_wrk --quiet "/healthz, same load" "$HERE/healthz.lua" "$URL/healthz" "$@"
}

# A line for the results that is not a wrk run's (e.g. a baseline).
bench_note() {
    echo "$1"
    BENCH_RESULTS+=("$1")
}

# Prints every figure of the run together; exits 1 when wrk counted errors, unless allowed.
bench_finish() {
    echo
    echo "== results: $BENCH_NAME, ${SECONDS_TO_RUN} s per run, $CONNECTIONS connections, pool $POOL_SIZE, $EVENTS_STORED events stored before the run ($BENCH_DIR)"
    printf '%s\n' "${BENCH_RESULTS[@]}"
    if [ "$BENCH_ERRORS" -eq 0 ]; then
        echo "== wrk errors over all runs: 0"
    elif [ -n "${TALLY_BENCH_ALLOW_ERRORS:-}" ]; then
        echo "== wrk errors over all runs: $BENCH_ERRORS (accepted: TALLY_BENCH_ALLOW_ERRORS is set)"
    else
        echo "== FAILED: wrk counted $BENCH_ERRORS errors (HTTP 4xx/5xx, socket errors, timeouts; per run above)." >&2
        echo "   Figures with errors measure the errors. Set TALLY_BENCH_ALLOW_ERRORS=1 to accept them." >&2
        exit 1
    fi
}
