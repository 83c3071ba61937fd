#!/usr/bin/env python3
"""The fault drill: many clients send usage events to a live `tally serve` and retry each batch
until it is answered 200, while faults are injected; at the end, what the server holds is compared
with what the clients sent.

    python3 Benchmarks/chaos/drill.py --events 30000 --faults pg-stop,tally-kill,postmaster-kill

Faults (each injected once, in the order given, spread over the run):
  pg-stop           PostgreSQL stopped with `pg_ctl stop -m immediate` (a crash: the server's
                    supervisor starts it again)
  postmaster-kill   the postmaster killed with SIGKILL (the supervisor starts it again)
  tally-kill        tally killed with SIGKILL and started again on the same data folder

It runs the embedded cluster in a fresh folder (--data-dir, default a new one under /tmp) with the
demo seeded (two accounts), using the `tally` binary given (--tally, default .build/debug/tally,
built by `swift build --product tally`). Exit status 0 when no acknowledged event was lost, none was
doubled and no answer was a 500; the report lists every status the clients saw and how long each
fault made them wait. Python's standard library only.
"""

import argparse
import collections
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ACCOUNTS = ["demo-001", "demo-002"]


def log(message):
    print(f"[drill {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Server:
    """One `tally serve` on the drill's folder; restartable."""

    def __init__(self, binary, data_dir, port):
        self.binary, self.data_dir, self.port = binary, data_dir, port
        self.process = None
        self.log = open(os.path.join(data_dir, "serve.log"), "ab")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, seed=False):
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                sys.exit(f"something already answers on port {self.port}; stop it or pass --port")
        except (urllib.error.URLError, OSError):
            pass
        arguments = [self.binary, "serve", "--port", str(self.port), "--data-dir", os.path.join(self.data_dir, "pg")]
        if seed:
            arguments += ["--seed-demo", "--demo-accounts", "2", "--demo-days", "1", "--events-per-day", "1"]
        self.process = subprocess.Popen(arguments, stdout=self.log, stderr=self.log)
        self.wait_ready(timeout=300)

    def wait_ready(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"tally serve exited with {self.process.returncode}; see {self.data_dir}/serve.log")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        sys.exit(f"tally serve was not ready within {timeout} s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def tally(self, *arguments):
        """A one-shot `tally` command beside the running server; its stdout."""
        result = subprocess.run(
            [self.binary, *arguments, "--data-dir", os.path.join(self.data_dir, "pg")],
            capture_output=True, text=True, check=True)
        return result.stdout


def postgres_program(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def as_postgres(arguments):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + arguments, capture_output=True, text=True)


def psql(data_dir, sql, patience=60):
    """`sql`'s unaligned output, over the cluster's socket as the superuser; retried for
    `patience` seconds while the server is coming back."""
    deadline = time.time() + patience
    while True:
        result = as_postgres([postgres_program("psql"), "-X", "-At", "-h", os.path.join(data_dir, "pg", "run"),
                              "-d", "tally", "-c", sql])
        if result.returncode == 0:
            return result.stdout.strip()
        if time.time() > deadline:
            raise RuntimeError(result.stderr)
        time.sleep(0.5)


class Tallies:
    """What the clients saw, shared between their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.acknowledged = 0
        self.sent_batches = 0

    def saw(self, status):
        with self.lock:
            self.statuses[status] += 1

    def acked(self, count):
        with self.lock:
            self.acknowledged += count
            self.sent_batches += 1


def client(index, server, key, batches, batch_size, tallies, waits, patience):
    for batch in range(batches):
        events = [{
            "id": f"drill-{index}-{batch}-{n}", "account": ACCOUNTS[(batch + n) % len(ACCOUNTS)],
            "feature": "summarize", "model": "gpt-4o", "input_tokens": 100 + n, "output_tokens": 10,
        } for n in range(batch_size)]
        body = json.dumps({"events": events}).encode()
        first_failure = None
        while True:
            request = urllib.request.Request(
                server.url + "/api/v1/events", data=body, method="POST",
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    answer = json.loads(response.read())
                    tallies.saw(response.status)
                    if response.status == 200:
                        # A retry of a batch stored before its answer was lost comes back as duplicates.
                        duplicates = answer.get("duplicates", 0)
                        stored = answer.get("accepted", 0) + (len(duplicates) if isinstance(duplicates, list) else duplicates)
                        if stored != batch_size:
                            tallies.saw(f"200 with {stored} of {batch_size}")
                        tallies.acked(batch_size)
                        if first_failure is not None:
                            waits.append(time.time() - first_failure)
                        break
            except urllib.error.HTTPError as error:
                tallies.saw(error.code)
            except (urllib.error.URLError, ConnectionError, OSError) as error:
                reason = getattr(error, "reason", error)
                tallies.saw(f"no answer ({type(reason).__name__})")
            if first_failure is None:
                first_failure = time.time()
            if time.time() - first_failure > patience:
                tallies.saw(f"gave up after {patience} s")
                break
            time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=30000, help="events to send (default 30000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--batch", type=int, default=100, help="events per batch (default 100)")
    parser.add_argument("--faults", default="pg-stop,tally-kill,postmaster-kill",
                        help="comma-separated faults, in order (default pg-stop,tally-kill,postmaster-kill)")
    parser.add_argument("--tally", default=".build/debug/tally", help="the tally binary (default .build/debug/tally)")
    parser.add_argument("--data-dir", help="a new folder for the drill (default: a fresh one under /tmp, removed after a clean run)")
    parser.add_argument("--port", type=int, default=8097, help="the server's port (default 8097)")
    parser.add_argument("--patience", type=int, default=120,
                        help="seconds a client retries one batch before it gives up, which fails the drill (default 120)")
    options = parser.parse_args()

    faults = [fault for fault in options.faults.split(",") if fault]
    unknown = [fault for fault in faults if fault not in ("pg-stop", "postmaster-kill", "tally-kill")]
    if unknown:
        sys.exit(f"unknown fault(s): {', '.join(unknown)}")
    binary = os.path.abspath(options.tally)
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary} is not an executable; build it with `swift build --product tally`")
    data_dir = options.data_dir or tempfile.mkdtemp(prefix="tally-drill-")
    os.makedirs(data_dir, exist_ok=True)
    os.chmod(data_dir, 0o755)

    server = Server(binary, data_dir, options.port)
    log(f"starting tally serve in {data_dir}")
    try:
        run(server, data_dir, faults, options)
    finally:
        server.stop()
    if not options.data_dir:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(server, data_dir, faults, options):
    server.start(seed=True)
    key = server.tally("api-key", "create", "--name", "drill", "--scope", "ingest").split("shown once): ")[1].strip()
    baseline = int(psql(data_dir, "SELECT coalesce(sum(events), 0) FROM daily_usage"))

    batches_per_client = max(1, options.events // (options.clients * options.batch))
    total = batches_per_client * options.clients * options.batch
    tallies = Tallies()
    waits = []
    threads = [threading.Thread(target=client, args=(index, server, key, batches_per_client, options.batch, tallies, waits, options.patience))
               for index in range(options.clients)]
    log(f"sending {total} events: {options.clients} clients x {batches_per_client} batches of {options.batch}")
    started = time.time()
    for thread in threads:
        thread.start()

    for number, fault in enumerate(faults, start=1):
        # Each fault when its share of the events has been acknowledged.
        target = total * number // (len(faults) + 1)
        while tallies.acknowledged < target and any(thread.is_alive() for thread in threads):
            time.sleep(0.05)
        log(f"fault {number}: {fault} (at {tallies.acknowledged} events acknowledged)")
        if fault == "pg-stop":
            result = as_postgres([postgres_program("pg_ctl"), "-D", os.path.join(data_dir, "pg", "data"), "-m", "immediate", "stop"])
            if result.returncode != 0:
                log(f"pg_ctl stop failed: {result.stderr.strip()}")
        elif fault == "postmaster-kill":
            with open(os.path.join(data_dir, "pg", "data", "postmaster.pid")) as pid_file:
                os.kill(int(pid_file.readline()), signal.SIGKILL)
        elif fault == "tally-kill":
            server.kill()
            server.start()

    for thread in threads:
        thread.join()
    elapsed = time.time() - started
    server.wait_ready(timeout=120)

    stored, distinct = (int(value) for value in psql(
        data_dir, "SELECT count(*), count(DISTINCT event_id) FROM usage_events WHERE event_id LIKE 'drill-%'").split("|"))
    rolled_up = int(psql(data_dir, "SELECT coalesce(sum(events), 0) FROM daily_usage")) - baseline
    lost = tallies.acknowledged - distinct
    doubled = stored - distinct
    fives = sum(count for status, count in tallies.statuses.items() if status == 500)

    log(f"done in {elapsed:.1f} s: {total} events sent, {tallies.acknowledged} acknowledged, {distinct} stored ({stored} rows), "
        f"{rolled_up} in the daily rollup")
    log("answers seen: " + ", ".join(f"{status}: {count}" for status, count in sorted(tallies.statuses.items(), key=str)))
    if waits:
        log(f"batches that waited for a fault: {len(waits)}; longest wait {max(waits):.1f} s, "
            f"median {sorted(waits)[len(waits) // 2]:.1f} s")
    log(f"lost: {lost}, doubled: {doubled}, rollup off by: {rolled_up - distinct}, never acknowledged: "
        f"{total - tallies.acknowledged}, answers 500: {fives}")
    failed = lost != 0 or doubled != 0 or rolled_up != distinct or fives != 0 or tallies.acknowledged != total
    if failed:
        log(f"FAILED; the folder is kept: {data_dir}")
        sys.exit(1)
    log("passed")


if __name__ == "__main__":
    main()
