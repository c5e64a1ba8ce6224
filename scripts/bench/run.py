"""`make bench`: performance, load and faults, in one run, printed as one table.

1. Two databases on the local PostgreSQL: `sc_bench` at the run's scale (default 10: about 80
   published complaints, 2,400 recommendations and 50,000 responses) and `sc_bench_small` at
   scale 1, both migrated and filled by `manage.py generate_scale_data`, then analysed.
2. Queries per page, at both scales, counted in-process (scripts/bench/django_tasks.py).
3. gunicorn with production settings (DEBUG off, a random SECRET_KEY, manifest static files) on
   127.0.0.1, and per page a wrk run of 20 connections, each a signed-in virtual user: req/s, p50
   and p95 from every request's latency, errors, and the server's CPU per request read from /proc
   (gunicorn's master and workers; PostgreSQL's backends for the database apart).
4. Faults under load: readers and writers (real transitions over HTTP, with CSRF tokens from the
   forms) while one worker is killed with SIGKILL and PostgreSQL is restarted; then every
   acknowledged transition is looked for in the database and the transition log.

Exit status 1 if a target is missed. Stdlib only: Django runs in the subprocesses.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from faults import FaultTest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
PG = "postgres://postgres@127.0.0.1:5432"
DATABASE, SMALL_DATABASE = "sc_bench", "sc_bench_small"
P95_TARGET_MS = 150
RECOVERY_TARGET_S = 10
# Fewer requests than this in a page's window make no p95 (the page is too slow to measure).
MIN_REQUESTS = 40
# Virtual users reading pages during the fault test (beside the writers and two probers).
READERS = 4
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Positions in `stat()`'s list (proc(5) fields 14 to 17: utime, stime, cutime, cstime).
UTIME, STIME, CSTIME = 10, 11, 13


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def say(message: str) -> None:
    out(f"[bench {time.strftime('%H:%M:%S')}] {message}")


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qAtc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def django_env(database: str, media: Path) -> dict[str, str]:
    """Production settings, as README's configuration table gives them, on plain HTTP."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{PG}/{database}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(media),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def task(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [PYTHON, str(HERE / "django_tasks.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"django_tasks.py {args[0]} failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def build_database(name: str, scale: float, env: dict[str, str]) -> float:
    """Drop, create, migrate and fill `name`; returns the seconds the data took."""
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")
    manage(env, "migrate", "--no-input", "-v0")
    started = time.monotonic()
    say(
        manage(env, "generate_scale_data", "--scale", str(scale))
        .strip()
        .splitlines()[-1]
    )
    # As autovacuum would, in time: the planner needs statistics of the new rows.
    psql("VACUUM ANALYZE", name)
    return time.monotonic() - started


# --- gunicorn ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> int:
    try:
        # Only the bench's own http://127.0.0.1 addresses, built in this script.
        with urllib.request.urlopen(url, timeout=5) as response:  # nosec B310
            return response.status
    except Exception:  # noqa: BLE001 - not up yet
        return 0


class Server:
    def __init__(self, env: dict[str, str], workdir: Path, workers: int) -> None:
        self.port = free_port()
        self.pidfile = workdir / "gunicorn.pid"
        self.log = workdir / "gunicorn.log"
        self.workers = workers
        # Django's error log goes to the server's stderr: into the log file, not the table.
        self.output = self.log.open("a")
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--pid",
                str(self.pidfile),
                "--error-logfile",
                str(self.log),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while get(self.url("/healthz")) != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                sys.exit(f"gunicorn did not start; see {self.log}")
            time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def workers_pids(self) -> list[int]:
        return [pid for pid, ppid in processes() if ppid == self.process.pid]

    def cpu_seconds(self) -> float:
        """CPU of the master, of its live workers, and of workers that have exited (reaped by
        the master, so in its children's times)."""
        master = stat(self.process.pid)
        total = sum(master[UTIME : CSTIME + 1])
        for pid in self.workers_pids():
            fields = stat(pid)
            if fields:
                total += fields[UTIME] + fields[STIME]
        return total / CLOCK_TICKS

    def wait_idle(self, timeout: float = 120) -> None:
        """Wait until the workers are idle: when wrk hangs up, a sync worker still finishes the
        requests it had queued, and that work must not be counted against the next run."""
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.cpu_seconds()
            if now - before <= 1 / CLOCK_TICKS:
                return
            before = now

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.output.close()


def stat(pid: int) -> list[int]:
    """The numeric fields of /proc/PID/stat after the command name (index 0 is field 4, ppid)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return [
        int(x) if x.lstrip("-").isdigit() else 0
        for x in text[text.rindex(")") + 4 :].split()
    ]


def processes() -> list[tuple[int, int]]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat(int(entry.name))
            if fields:
                found.append((int(entry.name), fields[0]))
    return found


def database_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to `database` (the app's connections)."""
    pids = psql(
        # The bench's own database name (sc_bench…), never input from outside.
        f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"  # nosec B608
    ).split()
    found = {}
    for pid in map(int, pids):
        fields = stat(pid)
        if fields:
            found[pid] = (fields[UTIME] + fields[STIME]) / CLOCK_TICKS
    return found


# --- Measuring one page with wrk ------------------------------------------------------------------
def wrk(
    server: Server, page: dict[str, Any], workdir: Path, seconds: float, users: int
) -> dict[str, Any]:
    cookies = workdir / "cookies.txt"
    cookies.write_text("\n".join(page["cookies"]) + "\n")
    result = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(users),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(HERE / "page.lua"),
            server.url(""),
        ],
        env={**os.environ, "BENCH_PATH": page["path"], "BENCH_COOKIES": str(cookies)},
        capture_output=True,
        text=True,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode or not lines:
        sys.exit(f"wrk failed on {page['path']}:\n{result.stdout}{result.stderr}")
    return json.loads(lines[-1])


def measure(
    server: Server,
    page: dict[str, Any],
    workdir: Path,
    *,
    seconds: float,
    warmup: float,
    users: int,
) -> dict[str, Any]:
    server.wait_idle()
    wrk(server, page, workdir, warmup, users)
    server.wait_idle()
    db_before = database_cpu(DATABASE)
    cpu_before = server.cpu_seconds()
    found = wrk(server, page, workdir, seconds, users)
    cpu = server.cpu_seconds() - cpu_before
    db_after = database_cpu(DATABASE)
    db_cpu = sum(t - db_before.get(pid, 0.0) for pid, t in db_after.items())
    requests = max(found["requests"], 1)
    return {
        "requests": found["requests"],
        "rps": found["requests"] / (found["duration_us"] / 1e6),
        "p50_ms": found["p50_us"] / 1000,
        "p95_ms": found["p95_us"] / 1000,
        "cpu_ms": cpu * 1000 / requests,
        "db_cpu_ms": db_cpu * 1000 / requests,
        "errors": found["not_200"]
        + found["connect_errors"]
        + found["read_errors"]
        + found["write_errors"]
        + found["timeouts"],
        "first_error": found["first_not_200"],
    }


# --- Faults ------------------------------------------------------------------------------------
def kill_one_worker(server: Server) -> None:
    os.kill(random.choice(server.workers_pids()), signal.SIGKILL)


def restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )


# --- The table -----------------------------------------------------------------------------------
def ratio(value: float, base: float) -> str:
    return f"{value / base:.1f}" if base else "–"


def table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [
        max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)
    ]
    line = "  ".join(
        f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths)
    )
    out = [line.format(*headers), line.format(*("-" * w for w in widths))]
    out += [line.format(*row) for row in rows]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument(
        "--small-scale",
        type=float,
        help="the scale whose query counts are compared (default 1, or half a scale under 2)",
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10, help="per page")
    parser.add_argument("--warmup", type=float, default=3, help="per page")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--fault-seconds", type=float, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--only",
        default="",
        help="measure only the pages whose names contain these comma-separated words",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the databases a --keep run left (to iterate on pages)",
    )
    parser.add_argument(
        "--no-restart",
        action="store_true",
        help="skip the PostgreSQL restart (counts as a missed target)",
    )
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it)")

    if options.small_scale is None:
        options.small_scale = 1 if options.scale >= 2 else options.scale / 2
    os.environ["BENCH_ONLY"] = options.only
    workdir = Path(tempfile.mkdtemp(prefix="sc-bench-"))
    env = django_env(DATABASE, workdir / "media")
    small_env = django_env(SMALL_DATABASE, workdir / "media-small")
    failures: list[str] = []
    say(
        f"scale {options.scale:g} into {DATABASE}, scale {options.small_scale:g} into {SMALL_DATABASE}"
    )
    if options.reuse:
        small_seconds = data_seconds = 0.0
    else:
        small_seconds = build_database(SMALL_DATABASE, options.small_scale, small_env)
        data_seconds = build_database(DATABASE, options.scale, env)
    say("collecting static files for the manifest storage")
    manage(env, "collectstatic", "--no-input", "-v0")

    say("counting queries per page at both scales")
    small_queries = task(small_env, "queries")
    queries = task(env, "queries")
    prepared = task(env, "prepare", str(options.users), "4")
    pages = prepared["pages"]

    server = Server(env, workdir, options.workers)
    try:
        results = {}
        for page in pages:
            say(f"measuring {page['name']} ({page['path']})")
            results[page["name"]] = measure(
                server,
                page,
                workdir,
                seconds=options.seconds,
                warmup=options.warmup,
                users=options.users,
            )
        say("faults under load: SIGKILL of a worker, then a PostgreSQL restart")
        server.wait_idle()
        # The complaint page reads the database on every request (a pick of --only may leave it out).
        db_page = next(
            (p for p in pages if p["path"].startswith("/complaints/")), pages[-1]
        )
        fault_test = FaultTest(
            port=server.port,
            pages=[p for p in pages if p["name"] != pages[0]["name"]],
            writers=prepared["writers"],
            readers=READERS,
            db_probe=db_page,
        )
        # The worker at a sixth of the way, PostgreSQL half way: each has time to recover.
        planned = [
            (
                "SIGKILL of one gunicorn worker",
                options.fault_seconds / 6,
                lambda: kill_one_worker(server),
            )
        ]
        if options.no_restart:
            failures.append("PostgreSQL restart skipped")
        else:
            planned.append(
                ("PostgreSQL restart", options.fault_seconds / 2, restart_postgresql)
            )
        faults = fault_test.run(planned, total=options.fault_seconds)
    finally:
        server.stop()
    acknowledged_file = workdir / "acknowledged.json"
    acknowledged_file.write_text(json.dumps(faults.pop("acknowledged")))
    verified = task(env, "verify", str(acknowledged_file))

    # --- The report ------------------------------------------------------------------------------
    baseline = results[pages[0]["name"]]
    no_peer = {
        "p50_ms": 0,
        "cpu_ms": 0,
    }  # left out with --only: its ratios print as "–"
    peer = next((results[p["name"]] for p in pages if p.get("peer")), no_peer)
    rows = []
    for page in pages:
        r = results[page["name"]]
        q_small = small_queries["queries"][page["name"]]
        q_large = queries["queries"][page["name"]]
        # The baseline and the peer are what the pages are compared with: the p95 target is
        # the pages', the rest holds for every row.
        reference = page.get("reference", False)
        met = (
            r["requests"] >= MIN_REQUESTS
            and (reference or r["p95_ms"] < P95_TARGET_MS)
            and r["errors"] == 0
            and q_small == q_large
        )
        if not met:
            failures.append(page["name"])
        rows.append(
            [
                page["name"],
                str(r["requests"]),
                f"{r['rps']:.1f}",
                f"{r['p50_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
                f"{r['cpu_ms']:.2f}",
                f"{r['db_cpu_ms']:.2f}",
                ratio(r["p50_ms"], baseline["p50_ms"]),
                ratio(r["cpu_ms"], baseline["cpu_ms"]),
                ratio(r["p50_ms"], peer["p50_ms"]),
                ratio(r["cpu_ms"], peer["cpu_ms"]),
                str(q_small),
                str(q_large),
                str(r["errors"]),
                ("yes" if met else "NO") + (" (reference)" if reference else ""),
            ]
        )
    headers = [
        "page",
        "requests",
        "req/s",
        "p50 ms",
        "p95 ms",
        "CPU ms/req",
        "DB CPU ms/req",
        "p50 ×base",
        "CPU ×base",
        "p50 ×admin",
        "CPU ×admin",
        f"queries s{options.small_scale:g}",
        f"queries s{options.scale:g}",
        "errors",
        "target met",
    ]
    lost = verified["lost"]
    recovery = max(f["recovery_s"] for f in faults["faults"])
    if faults["steady_state_errors"] or lost or recovery > RECOVERY_TARGET_S:
        failures.append("faults")
    out()
    out(
        f"Performance at scale {options.scale:g}: {queries['responses']:,} responses "
        f"(scale {options.small_scale:g}: {small_queries['responses']:,}); data generated in "
        f"{data_seconds:.0f} s (+{small_seconds:.0f} s). gunicorn {options.workers} sync workers, "
        f"PostgreSQL, {options.users} concurrent signed-in users per page, "
        f"{options.seconds:g} s each after {options.warmup:g} s warm-up; "
        f"{os.cpu_count()} CPUs shared with the load generator."
    )
    out(
        "CPU ms/req: gunicorn master and workers (user+system) per request; DB CPU: the "
        f"PostgreSQL backends of the app. Targets: p95 < {P95_TARGET_MS} ms for every page, 0 "
        "errors and the same queries at both scales for every row (the baseline and the peer are "
        "references: no p95 target)."
    )
    out(table(rows, headers))
    out()
    fault_rows = [
        [
            f["fault"],
            f"{f['at_s']:.1f}",
            f"{f['took_s']:.2f}",
            f"{f['recovery_s']:.2f}",
            f"{max(f['recovery_s'] - f['took_s'], 0):.2f}",
        ]
        for f in faults["faults"]
    ]
    out(
        f"Faults during {options.fault_seconds:g} s of load ({READERS} readers, {len(prepared['writers'])} writers):"
    )
    out(
        table(
            fault_rows,
            [
                "fault",
                "at s",
                "fault took s",
                "recovery s (from the fault)",
                "of which after the fault ended",
            ],
        )
    )
    out(
        table(
            [
                ["requests", str(faults["requests"])],
                ["errors", str(faults["errors"])],
                [
                    "  during the faults (expected)",
                    str(faults["errors_in_fault_windows"]),
                ],
                ["  in steady state (must be 0)", str(faults["steady_state_errors"])],
                ["recovery time s (max, must be < 10)", f"{recovery:.2f}"],
                ["transitions acknowledged", str(verified["acknowledged"])],
                ["transitions lost (must be 0)", str(lost)],
                [
                    "transition log chain intact",
                    str(verified["log_chain_intact"]),
                ],
            ],
            ["fault test", "value"],
        )
    )
    for title, kinds in (
        ("Errors in steady state", faults["steady_state_error_kinds"]),
        ("Errors during the faults", faults["fault_error_kinds"]),
    ):
        if kinds:
            out(f"{title}: " + "; ".join(f"{n} × {what}" for what, n in kinds.items()))
    out()
    if not options.keep:
        for name in (DATABASE, SMALL_DATABASE):
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        say(f"kept {DATABASE}, {SMALL_DATABASE} and {workdir}")
    if failures:
        out(f"Targets missed: {', '.join(failures)}")
        return 1
    out("Every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
