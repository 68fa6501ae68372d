"""RAP sheets, end to end: ``make bench-rap`` (1,000 generated PDF sheets of 2-10 pages).

Files are registered and queued as an upload does, then read by a real Celery worker with the
default worker count (2 processes) on PostgreSQL + Redis: extraction, parse, store, evaluation.
Timed from the first file queued to the batch's end; the split per stage comes from the
per-file timings the worker records. The sheets are generated once under bench-out/.
"""

import argparse
import json
import os
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
DB = "cmr_bench_rap"

QUEUE = """
from pathlib import Path
from intake.models import Batch
from intake.services import files
from intake.tasks import process_source_file
from offices.models import Office
office = Office.objects.get(slug="demo")
user = office.users.get(username="paralegal")
batch = Batch.objects.create(office=office, kind="rap_sheet", name="bench", created_by=user)
for path in sorted(Path("{folder}").glob("*.pdf")):
    source = files.store_path(batch=batch, path=path, original_name=path.name, user=user)
    process_source_file.delay(source.pk)
Batch.objects.filter(pk=batch.pk).update(status="queued")
print(batch.pk)
"""

PROBE = """
import json
from intake.models import Batch, SourceFile
from intake.services.batches import close_if_complete
b = Batch.objects.get(pk={batch})
close_if_complete(b.pk)
b.refresh_from_db()
stages = {{}}
for parts in SourceFile.objects.filter(batch=b).values_list("parts", flat=True):
    for part in parts or []:
        for stage, seconds in ((part.get("stats") or {{}}).get("seconds") or {{}}).items():
            stages[stage] = stages.get(stage, 0) + seconds
print(json.dumps({{"status": b.status, "done": b.files_done, "failed": b.files_failed, "total": b.files_total,
                  "evaluated": b.persons_evaluated, "stages": stages}}))
"""


def sheets(n: int, seed: int) -> Path:
    folder = OUT / f"rap-{n}-{seed}"
    if folder.exists() and len(list(folder.glob("*.pdf"))) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    sys.path.insert(0, str(ROOT))
    from intake.rap_sheet.generator import generate_sheet, render_pdf

    folder.mkdir(parents=True)
    started = time.perf_counter()
    made = attempt = 0
    while made < n:
        sheet = generate_sheet(seed * 100_000 + attempt, pages=(2, 10), record_error=False)
        attempt += 1
        if sheet.expected is None:
            continue
        render_pdf(sheet.pdf_text, folder / f"sheet-{made:05d}.pdf")
        made += 1
    print(f"generated {n} PDF sheets in {time.perf_counter() - started:.1f} s")
    return folder


def shell(env, code: str) -> str:
    out = subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sheets", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = sheets(args.sheets, args.seed)
    pages = sum(1 for _ in folder.glob("*.pdf"))
    for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)
    media = tempfile.mkdtemp(prefix="bench-rap-")
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
           "REDIS_URL": "redis://127.0.0.1:6379/10", "MEDIA_ROOT": media}
    subprocess.run(["redis-cli", "-n", "10", "flushdb"], stdout=subprocess.DEVNULL)
    subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    worker = subprocess.Popen([PY, "-m", "celery", "-A", "cmr", "worker", "--concurrency=2", "--loglevel=WARNING"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"load average before: {os.getloadavg()}")
    try:
        time.sleep(3)
        started = time.perf_counter()
        batch = int(shell(env, QUEUE.format(folder=folder)))
        queued = time.perf_counter() - started
        while True:
            state = json.loads(shell(env, PROBE.format(batch=batch)))
            if state["status"] not in ("receiving", "queued", "processing") and state["evaluated"] >= state["done"]:
                break
            time.sleep(1)
        wall = time.perf_counter() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        shutil.rmtree(media, ignore_errors=True)
    print(f"{pages} sheets: {state['done']} read, {state['failed']} failed, {state['evaluated']} persons evaluated; "
          f"{wall:.1f} s end to end ({pages / wall:.1f} sheets/s; queueing the uploads took {queued:.1f} s)")
    for stage, seconds in sorted(state["stages"].items()):
        print(f"  stage {stage:<8} {seconds:7.1f} s summed over both worker processes")


if __name__ == "__main__":
    main()
