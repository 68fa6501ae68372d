"""Dashboard at county scale: 1,000,000 counts of 200,000 people, page server time.

    .venv/bin/python bench/bench_dashboard.py [--people 200000] [--counts 1000000] [--requests 10]
        [--database-url postgres://postgres@127.0.0.1:5432/cmr_dashboard_bench] [--keep]

Drops and recreates the benchmark database, migrates it, loads the data with COPY, ANALYZEs,
builds the dashboard's precomputed tables (``dashboard.outcomes.rebuild``, timed on its own line),
then asks for the dashboard as a supervisor with Django's test Client: all time and a
three-month range, median of ``--requests`` requests each (after one warm-up), plus each
widget's own time. Target: median ≤ 1 s server time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RELIEFS = [("PC 1203.4", "dismiss"), ("PC 17(b)", "reduce"), ("PC 1203.41", "dismiss"), ("HS 11361.8", "dismiss"),
           ("PC 1170.18", "reduce"), ("PC 1203.425", "dismiss")]
SECTIONS = [f"PC {n}" for n in (459, 484, 487, 496, 10851, 12020, 148, 273.5, 242, 245)] + \
           [f"HS {n}" for n in ("11350", "11357(b)", "11359", "11360", "11377", "11378")] + \
           ["VC 23152(a)", "VC 14601.1"]
COUNTIES = ["SAN JOAQUIN"] * 8 + ["SACRAMENTO", "STANISLAUS", "ALAMEDA"]
RACES = ["Hispanic", "White", "Black", "Asian", "Other", ""]
OUTCOMES = ["dismiss"] * 5 + ["reduce", "not_eligible", "not_eligible", "needs_review", "not_yet_eligible"]
ACTIONS = ["approve"] * 7 + ["dismiss", "reduce_misdemeanor", "not_eligible", "defer"]
MOTION_STATUSES = ["draft", "filed", "filed", "granted", "granted", "granted", "modified", "denied"]


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def copy_rows(cursor, model, rows) -> int:
    """COPY dict rows (keyed by attname) into ``model``'s table; missing fields take the model default."""
    from django.db import models

    now = dt.datetime.now(dt.UTC)
    fields = model._meta.concrete_fields
    columns = ", ".join(f'"{f.column}"' for f in fields)

    def value(field, row):
        if field.attname in row:
            v = row[field.attname]
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            v = now
        else:
            v = field.get_default()
        if isinstance(field, models.JSONField) and v is not None:
            return json.dumps(v)
        return v

    n = 0
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([value(f, row) for f in fields])
            n += 1
    return n


def load(people: int, counts: int, seed: int = 7) -> dict:
    from django.db import connection, transaction

    from eligibility.models import Determination, PersonEvaluation
    from intake.models import Batch, Case, Count, Person, RecordSnapshot, SourceFile
    from motions.models import Motion
    from offices.demo import seed_demo
    from review.models import Decision, SignOff

    rng = random.Random(seed)
    office, users = seed_demo()
    attorney = next(u for u in users if u.username == "attorney")
    o, u = office.pk, attorney.pk
    start = dt.datetime(2025, 3, 1, 17, tzinfo=dt.UTC)
    batches = [Batch.objects.create(office=office, kind="rap_sheet" if i % 3 else "doj", name=f"Batch {i + 1}",
                                    created_by=attorney, status="done") for i in range(20)]
    for i, batch in enumerate(batches):
        Batch.objects.filter(pk=batch.pk).update(created_at=start + dt.timedelta(days=15 * i),
                                                 finished_at=start + dt.timedelta(days=15 * i, hours=2))
    batch_days = {b.pk: start + dt.timedelta(days=15 * i) for i, b in enumerate(batches)}
    tally = {}
    raw = connection.connection  # psycopg 3: COPY straight from Python rows
    t0 = time.perf_counter()
    with transaction.atomic(), raw.cursor() as cur:
        files_per_batch = 100
        file_ids = {}
        file_rows = []
        for i, batch in enumerate(batches):
            for j in range(files_per_batch):
                fid = 1_000_000 + i * files_per_batch + j
                file_ids.setdefault(batch.pk, []).append(fid)
                file_rows.append({"id": fid, "office_id": o, "batch_id": batch.pk, "kind": batch.kind,
                                  "original_name": f"f{fid}.txt", "sha256": f"{fid:064d}", "status": "done",
                                  "uploaded_by_id": u, "created_at": batch_days[batch.pk]})
        tally["source files"] = copy_rows(cur, SourceFile, file_rows)

        person_batch = [batches[rng.randrange(20)].pk for _ in range(people)]
        tally["people"] = copy_rows(cur, Person, (
            {"id": p, "office_id": o, "cii": f"{p:09d}", "name": f"PERSON,{p}",
             "dob": dt.date(1950 + p % 50, 1 + p % 12, 1),
             "sex": "MF"[p % 2] if p % 17 else "", "race": RACES[p % len(RACES)], "current_snapshot_id": p}
            for p in range(1, people + 1)))
        tally["snapshots"] = copy_rows(cur, RecordSnapshot, (
            {"id": p, "office_id": o, "person_id": p, "source_file_id": rng.choice(file_ids[person_batch[p - 1]]),
             "subject_key": str(p), "record": {}, "created_at": batch_days[person_batch[p - 1]]}
            for p in range(1, people + 1)))

        # Counts spread over people: 1..9 each, averaging counts/people; two counts per case.
        per_person = [1] * people
        for _ in range(counts - people):
            per_person[rng.randrange(people)] += 1
        count_person = [p for p, n in enumerate(per_person, start=1) for _ in range(n)]
        cases = (len(count_person) + 1) // 2
        tally["cases"] = copy_rows(cur, Case, (
            {"id": k, "office_id": o, "person_id": count_person[(k - 1) * 2], "snapshot_id": count_person[(k - 1) * 2],
             "case_number": f"K{k}", "court": "", "county": COUNTIES[k % len(COUNTIES)],
             "event_date": dt.date(2005, 1, 1),
             "cycle_index": 0, "event_index": 0} for k in range(1, cases + 1)))

        def case_of(c):  # both counts of a case must belong to the same person
            k = (c - 1) // 2 + 1
            return k if count_person[(k - 1) * 2] == count_person[c - 1] else None

        levels = ["felony", "misdemeanor", "misdemeanor", "infraction"]
        count_rows = []
        for c in range(1, len(count_person) + 1):
            k = case_of(c)
            count_rows.append(k)
        # A count whose case partner belongs to someone else gets its own case row at the end.
        extra = [(c, count_person[c - 1]) for c, k in enumerate(count_rows, start=1) if k is None]
        tally["cases"] += copy_rows(cur, Case, (
            {"id": cases + i + 1, "office_id": o, "person_id": p, "snapshot_id": p, "case_number": f"X{c}",
             "county": "SAN JOAQUIN", "cycle_index": 0, "event_index": 0} for i, (c, p) in enumerate(extra)))
        extra_case = {c: cases + i + 1 for i, (c, _) in enumerate(extra)}
        count_level = [levels[rng.randrange(4)] for _ in count_person]
        tally["counts"] = copy_rows(cur, Count, (
            {"id": c, "office_id": o, "person_id": count_person[c - 1], "case_id": count_rows[c - 1] or extra_case[c],
             "count_index": 0, "number": 1, "code_section": SECTIONS[c % len(SECTIONS)], "level": count_level[c - 1],
             "convicted": c % 10 != 0, "conviction_date": dt.date(2008, 1, 1),
             "disposition": "convicted" if c % 23 else "dismissed"} for c in range(1, len(count_person) + 1)))

        # Determinations: one per count, a second relief law for one count in five.
        det_rows = []
        d = 0
        for c in range(1, len(count_person) + 1):
            for relief, proposed in RELIEFS[: 1 + (c % 5 == 0)] if c % 2 else RELIEFS[1 + c % 5: 2 + c % 5]:
                d += 1
                outcome = proposed if OUTCOMES[d % len(OUTCOMES)] in ("dismiss", "reduce") else OUTCOMES[d % 10]
                det_rows.append((d, c, relief, outcome))
        tally["determinations"] = copy_rows(cur, Determination, (
            {"id": d, "office_id": o, "person_id": count_person[c - 1], "snapshot_id": count_person[c - 1],
             "count_id": c, "batch_id": person_batch[count_person[c - 1] - 1], "relief": relief, "outcome": outcome,
             "seal": relief == "HS 11361.8", "code_section": SECTIONS[c % len(SECTIONS)], "level": count_level[c - 1],
             "court_county": COUNTIES[c % len(COUNTIES)], "reasons": [], "rule_set_version": "b",
             "policy_version": "b", "as_of": dt.date(2026, 1, 1), "input_hash": "0"}
            for d, c, relief, outcome in det_rows))

        # Attorneys decided on about half of the eligible proposals; sign-offs of 250 decisions each.
        decided = [(d, c, outcome) for d, c, _r, outcome in det_rows if outcome in ("dismiss", "reduce") and d % 2]
        sign_offs = (len(decided) + 249) // 250
        tally["sign-offs"] = copy_rows(cur, SignOff, (
            {"id": s, "office_id": o, "attorney_id": u, "bar_number": "1", "scope": "batch",
             "batch_id": batches[s % 20].pk, "content_hash": "0", "content": {},
             "signed_at": batch_days[batches[s % 20].pk] + dt.timedelta(days=3 + s % 20)}
            for s in range(1, sign_offs + 1)))
        decision_rows = []
        for i, (d, c, outcome) in enumerate(decided, start=1):
            action = ACTIONS[i % len(ACTIONS)]
            final = {"approve": outcome, "dismiss": "dismiss", "reduce_misdemeanor": "reduce",
                     "not_eligible": "not_eligible", "defer": outcome}[action]
            decision_rows.append({"id": i, "office_id": o, "determination_id": d, "person_id": count_person[c - 1],
                                  "action": action, "final_outcome": final, "decided_by_id": u, "active": True,
                                  "sign_off_id": None if action == "defer" else 1 + (i - 1) // 250})
        tally["decisions"] = copy_rows(cur, Decision, decision_rows)

        # One motion per signed decision, most filed, many granted.
        motion_rows, links = [], []
        for row in decision_rows:
            if row["sign_off_id"] is None or row["final_outcome"] == "not_eligible":
                continue
            m = len(motion_rows) + 1
            status = MOTION_STATUSES[m % len(MOTION_STATUSES)]
            motion_rows.append({"id": m, "office_id": o, "person_id": row["person_id"],
                                "sign_off_id": row["sign_off_id"],
                                "batch_id": person_batch[row["person_id"] - 1], "relief_type": "PC 1203.4",
                                "case_number": f"M{m}", "court_county": "SAN JOAQUIN", "status": status,
                                "filed_on": None if status == "draft" else dt.date(2025, 4 + m % 9, 1),
                                "ruled_on": dt.date(2025, 5 + m % 8, 1) if status in ("granted", "modified", "denied")
                                else None})
            links.append({"id": m, "motion_id": m, "decision_id": row["id"]})
        tally["motions"] = copy_rows(cur, Motion, motion_rows)
        tally["motion links"] = copy_rows(cur, Motion.decisions.through, links)
        tally["person evaluations"] = copy_rows(cur, PersonEvaluation, (
            {"id": p, "office_id": o, "person_id": p, "snapshot_id": p, "has_felony": p % 3 == 0,
             "has_conviction": True,
             "no_felony_after_relief": p % 6 == 0, "no_conviction_after_relief": p % 12 == 0, "rule_set_version": "b",
             "policy_version": "b", "as_of": dt.date(2026, 1, 1), "input_hash": "0"} for p in range(1, people + 1)))
        for model in (SourceFile, Person, RecordSnapshot, Case, Count, Determination, SignOff, Decision, Motion,
                      Motion.decisions.through, PersonEvaluation):
            table = model._meta.db_table
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    tally["load seconds"] = round(time.perf_counter() - t0, 1)
    return tally


def build_outcomes() -> float:
    """The dashboard's precomputed tables, as ``manage.py refresh_outcomes`` builds them after a deploy."""
    from dashboard import outcomes
    from offices.models import Office

    t = time.perf_counter()
    for office in Office.objects.all():
        outcomes.rebuild(office)
    return time.perf_counter() - t


def refresh_sample(office, n: int = 200) -> dict:
    """What the services pay: refreshing one person, and a chunk of ``n`` people (rolled back)."""
    from django.db import transaction

    from dashboard import outcomes
    from intake.models import Person

    ids = list(Person.objects.for_office(office).order_by("pk").values_list("pk", flat=True)[:n])
    result = {}
    for label, chunk in (("one person", ids[:1]), (f"{n} people", ids)):
        with transaction.atomic():
            t = time.perf_counter()
            outcomes.refresh_people(chunk)
            result[label] = time.perf_counter() - t
            transaction.set_rollback(True)
    return result


def measure(url: str, requests: int) -> list[float]:
    from django.test import Client

    from offices.models import User

    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(requests):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200
    return times


def widget_times(office, **filters) -> dict:
    from dashboard import queries

    scope = queries.Scope(office, **filters)
    scope.batch_ids  # noqa: B018 - resolve the cohort before timing the widgets
    result = {}
    names = ("records_received", "convictions_evaluated", "determination_breakdowns", "motions", "person_outcomes",
             "engine_person_outcomes", "people_breakdowns", "throughput", "timeline")
    with queries.reading():
        for name in names:
            t = time.perf_counter()
            getattr(queries, name)(scope)
            result[name] = time.perf_counter() - t
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--counts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/cmr_dashboard_bench")
    parser.add_argument("--reuse", action="store_true", help="measure an already loaded database")
    parser.add_argument("--rebuild", action="store_true", help="with --reuse: rebuild the dashboard's tables first")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmr.settings")
    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    if not args.reuse:
        call_command("migrate", verbosity=0)
        for name, n in load(args.people, args.counts).items():
            print(f"loaded {name:>20}: {n:>10,}", flush=True)
    if not args.reuse or args.rebuild:
        print(f"built dashboard tables: {build_outcomes():.1f} s (manage.py refresh_outcomes)", flush=True)

    from offices.models import Office

    office = Office.objects.get(slug="demo")
    ranged = {"start": dt.date(2025, 6, 1), "end": dt.date(2025, 8, 31)}
    for label, url, filters in (("all time", "/dashboard/", {}),
                                ("3 months", "/dashboard/?start=2025-06-01&end=2025-08-31", ranged)):
        times = measure(url, args.requests)
        print(f"dashboard {label:>8}: median {statistics.median(times):.3f} s, "
              f"min {min(times):.3f} s, max {max(times):.3f} s over {len(times)} requests")
        for name, seconds in widget_times(office, **filters).items():
            print(f"    {name:>26}: {seconds:.3f} s")
    for label, seconds in refresh_sample(office).items():
        print(f"refresh_people, {label:>10}: {seconds:.3f} s")


if __name__ == "__main__":
    main()
