"""DOJ research file, end to end: ``make bench-doj ROWS=1000000``.

1. Headless: ``manage.py evaluate FILE --export-dir`` (no database): wall time, rows/s, peak RSS.
2. PostgreSQL + Redis + a real Celery worker (2 processes): ``import_doj`` queued, timed from the
   command to the file's DONE status; rows/s per stage (read+group, load, evaluate) summed over the
   parallel parts; peak RSS of the worker processes.
3. The embedded default (SQLite, filesystem broker, real worker) on ``--sqlite-rows`` rows.

The input is generated once per (rows, seed) under bench-out/. Needs PostgreSQL and Redis on the
usual local ports for part 2 (skipped with a message otherwise).
"""

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
PY = sys.executable
PG = "postgres://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/9"


def generated(rows: int, seed: int) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"doj-{rows}-{seed}.csv"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from intake.doj.generator import generate_doj_file

        started = time.perf_counter()
        info = generate_doj_file(path, rows=rows, seed=seed)
        print(f"generated {info.rows:,} rows, {info.persons:,} persons in {time.perf_counter() - started:.1f} s")
    return path


def headless(path: Path, rows: int) -> None:
    export = OUT / "headless-export"
    shutil.rmtree(export, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([PY, "manage.py", "evaluate", str(path), "--as-of", "2026-01-15", "--county", "San Joaquin",
                    "-o", str(OUT / "headless.jsonl"), "--export-dir", str(export)], cwd=ROOT, check=True,
                   env={**os.environ, "DATABASE_URL": "sqlite:////tmp/unused.sqlite3"}, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = max(before.ru_maxrss, after.ru_maxrss)
    print(f"headless evaluate + results export: {wall:.1f} s, {rows / wall:,.0f} rows/s, peak RSS {rss / 1024:.0f} MB; "
          f"CPU {after.ru_utime - before.ru_utime:.1f} s user + {after.ru_stime - before.ru_stime:.1f} s system")


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop, best of three: machines of one kind differ by a third in
    CPU speed, and the figures above scale with it (0.87 s on the machine of the 2026-11-24 note)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(number * number for number in range(20_000_000))
        best = min(best, time.perf_counter() - started)
    return best


def _proc_hwm(pid: int) -> int:
    total = 0
    for child in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total = max(total, int(line.split()[1]))
        except OSError:
            continue
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class _StatePoller:
    """The newest source file's status, read over one plain database connection: starting
    ``manage.py shell`` for every look cost half a CPU-second each time, a third of a core taken
    from the worker being measured."""

    QUERY = "SELECT status, parts, message FROM intake_sourcefile ORDER BY id DESC LIMIT 1"

    def __init__(self, env: dict):
        url = env.get("DATABASE_URL")
        if url:
            import psycopg

            self.connection = psycopg.connect(url, autocommit=True)
        else:
            import sqlite3

            database = Path(env["CMR_VAR_DIR"]) / "cmr.sqlite3"
            self.connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)

    def __call__(self) -> dict:
        import json

        status, parts, message = self.connection.execute(self.QUERY).fetchone()
        return {"status": status, "parts": json.loads(parts) if isinstance(parts, str) else parts,
                "message": message}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.connection.close()


def with_worker(env: dict, path: Path, rows: int, label: str) -> None:
    subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    worker = subprocess.Popen([PY, "-m", "celery", "-A", "cmr", "worker", "--concurrency=2", "--loglevel=WARNING"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    try:
        time.sleep(3)
        started = time.perf_counter()
        subprocess.run([PY, "manage.py", "import_doj", str(path), "--office", "demo"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        with _StatePoller(env) as poll:
            while True:
                peak = max(peak, _proc_hwm(worker.pid))
                state = poll()
                if state["status"] in ("done", "failed"):
                    break
                time.sleep(0.5)
        wall = time.perf_counter() - started
        peak = max(peak, _proc_hwm(worker.pid))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    print(f"{label}: {state['status']} in {wall:.1f} s end to end, {rows / wall:,.0f} rows/s, "
          f"worker peak RSS (largest process) {peak / 1024:.0f} MB")
    print(f"  {state['message']}")
    totals: dict[str, float] = {}
    for part in state["parts"]:
        for stage, seconds in (part["stats"] or {}).get("seconds", {}).items():
            totals[stage] = totals.get(stage, 0.0) + seconds
    for stage, seconds in totals.items():
        print(f"  stage {stage:<10} {seconds:7.1f} s summed over {len(state['parts'])} part(s), "
              f"{rows / seconds if seconds else 0:,.0f} rows/s per process")


def postgres(path: Path, rows: int) -> None:
    name = "cmr_bench_doj"
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode != 0:
        print("PostgreSQL is not answering on 127.0.0.1:5432: skipped")
        return
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = {**os.environ, "DATABASE_URL": PG + name, "REDIS_URL": REDIS, "MEDIA_ROOT": media}
    subprocess.run(["redis-cli", "-n", "9", "flushdb"], stdout=subprocess.DEVNULL)
    with_worker(env, path, rows, "PostgreSQL + Redis + worker (parse, COPY load, evaluate)")
    shutil.rmtree(media, ignore_errors=True)


def sqlite(path: Path, rows: int) -> None:
    var = tempfile.mkdtemp(prefix="bench-sqlite-")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update({"CMR_VAR_DIR": var, "MEDIA_ROOT": f"{var}/media"})
    with_worker(env, path, rows, "embedded default (SQLite + filesystem broker + worker)")
    shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sqlite-rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", nargs="*", default=[], choices=["headless", "postgres", "sqlite"])
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}; reference loop {machine_speed():.2f} s (see machine_speed)")
    path = generated(args.rows, args.seed)
    if "headless" not in args.skip:
        headless(path, args.rows)
    if "postgres" not in args.skip:
        postgres(path, args.rows)
    if "sqlite" not in args.skip:
        small = generated(args.sqlite_rows, args.seed)
        sqlite(small, args.sqlite_rows)


if __name__ == "__main__":
    main()
