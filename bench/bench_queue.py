"""Review queue speed on PostgreSQL with 100,000 determinations.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmr_review_bench \\
        .venv/bin/python bench/bench_queue.py [--determinations 100000] [--repeat 20]

Drops and recreates the database named in DATABASE_URL (its name must end in ``_bench``), migrates,
seeds the demo office and bulk-creates persons, cases, counts and determinations. Then, with the
Django test Client (server time in process, no network), prints the median of ``--repeat`` requests
for the queue's first page and for a filtered page, and the time of one bulk approve of 10,000
determinations through the confirmation form. Targets: pages <= 200 ms, bulk approve <= 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmr.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

PER_PERSON = 4
BULK = 10_000
SECTIONS = [("HS 11357(b)", "misdemeanor", "HS 11361.8"), ("HS 11357(a)", "felony", "HS 11361.8"),
            ("HS 11359", "felony", "HS 11361.8"), ("PC 488", "misdemeanor", "PC 1203.4"),
            ("PC 459", "felony", "PC 1203.41"), ("PC 487(a)", "felony", "PC 17(b)"),
            ("HS 11350(a)", "felony", "PC 1170.18"), ("VC 23152(a)", "misdemeanor", "PC 1203.4a")]
OUTCOMES = ["dismiss"] * 55 + ["reduce"] * 15 + ["not_eligible"] * 15 + ["needs_review"] * 12 + ["not_yet_eligible"] * 3
QUESTIONS = ["plea_bargain", "quantity_unknown", "sentence_unknown", "court_not_in_county", "parse_warning"]
COUNTIES = ["SAN JOAQUIN"] * 4 + ["FRESNO", "ALAMEDA"]


def fresh_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if not name.endswith("_bench"):
        sys.exit(f"refusing to drop {name!r}: the benchmark database name must end in _bench")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(total: int, rng: random.Random):
    from eligibility.models import Determination
    from intake.models import Batch, Case, Count, Person, RecordSnapshot, SourceFile
    from offices.demo import seed_demo

    office, users = seed_demo()
    attorney = next(u for u in users if u.username == "attorney")
    people_total = total // PER_PERSON
    bulk_people = BULK // PER_PERSON
    # Batch 1 holds exactly BULK approvable determinations; the rest are spread over nine batches.
    batches = [Batch.objects.create(office=office, kind="doj", name=f"batch {i}", created_by=attorney, status="done")
               for i in range(1, 11)]
    files = [SourceFile.objects.create(office=office, batch=b, kind="doj", original_name=f"doj-{b.pk}.csv",
                                       sha256=f"{b.pk:064d}", uploaded_by=attorney, status="done") for b in batches]
    people = Person.objects.bulk_create([
        Person(office=office, name=f"{rng.choice(LAST)},{rng.choice(FIRST)} {i}", cii=f"A{i:08d}",
               dob=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(18000)))
        for i in range(people_total)], batch_size=5000)
    batch_of = [0 if i < bulk_people else 1 + i % 9 for i in range(people_total)]
    snapshots = RecordSnapshot.objects.bulk_create([
        RecordSnapshot(office=office, person=p, source_file=files[batch_of[i]], subject_key=p.cii, record={})
        for i, p in enumerate(people)], batch_size=5000)
    for person, snapshot in zip(people, snapshots):
        person.current_snapshot = snapshot
    Person.objects.bulk_update(people, ["current_snapshot"], batch_size=5000)
    cases = Case.objects.bulk_create([
        Case(office=office, person=p, snapshot=s, case_number=f"SJ{i:07d}", county=rng.choice(COUNTIES),
             event_date=dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(8000)), cycle_index=0, event_index=0)
        for i, (p, s) in enumerate(zip(people, snapshots))], batch_size=5000)
    counts, determinations = [], []
    for i, (person, case) in enumerate(zip(people, cases)):
        for n in range(PER_PERSON):
            section, level, relief = SECTIONS[0] if batch_of[i] == 0 else rng.choice(SECTIONS)
            counts.append(Count(office=office, person=person, case=case, count_index=n, number=n + 1,
                                code_section=section, level=level, convicted=True, conviction_date=case.event_date,
                                source_refs=[[f"doj-{batch_of[i]}.csv", i * 10 + n, None, "row"]]))
    counts = Count.objects.bulk_create(counts, batch_size=5000)
    for index, count in enumerate(counts):
        i = index // PER_PERSON
        outcome = "dismiss" if batch_of[i] == 0 else rng.choice(OUTCOMES)
        questions = [rng.choice(QUESTIONS)] if outcome == "needs_review" else []
        relief = next(r for s, _l, r in SECTIONS if s == count.code_section)
        determinations.append(Determination(
            office=office, person_id=count.person_id, snapshot_id=count.case.snapshot_id, count=count,
            batch=batches[batch_of[i]], relief=relief, outcome=outcome,
            reduce_to="misdemeanor" if outcome == "reduce" else "", code_section=count.code_section,
            level=count.level, case_number=count.case.case_number, court_county=count.case.county,
            count_number=count.number, disposition_date=count.conviction_date,
            questions=[{"code": q, "text": q} for q in questions], question_codes=" ".join(questions),
            reasons=[f"{count.code_section} is listed in {relief}"], rule_set_version="2026.1",
            policy_version="law-minimum", as_of=dt.date(2026, 1, 15), input_hash="0" * 64))
    Determination.objects.bulk_create(determinations, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return attorney, batches


FIRST = ["MARIA", "JOSE", "DEANDRE", "LINH", "ROBERT", "AISHA", "CARLOS", "EMILY", "KWAME", "SOFIA"]
LAST = ["GARCIA", "NGUYEN", "JOHNSON", "OBRIEN", "NUNEZ", "SMITH", "KIM", "WASHINGTON", "PATEL", "LEE"]


def median_ms(client, url: str, repeat: int) -> tuple[float, int]:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), response.content.count(b'<tr class="det"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--determinations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded data, only undo the bulk approve")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database whose name ends in _bench")
    if not args.reuse:
        fresh_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from eligibility.models import Determination
    from review.models import Decision

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if args.reuse:
        from intake.models import Batch
        from offices.models import User

        Decision.objects.all().delete()
        attorney = User.objects.get(username="attorney")
        batches = list(Batch.objects.order_by("pk"))
    else:
        start = time.perf_counter()
        attorney, batches = seed(args.determinations, random.Random(args.seed))
        print(f"seeded {Determination.objects.count():,} determinations in {time.perf_counter() - start:.1f} s")

    client = Client()
    client.force_login(attorney)
    queue = reverse("review:queue")
    first_ms, first_rows = median_ms(client, queue, args.repeat)
    filtered = (f"{queue}?batch={batches[3].pk}&code_section=11357&level=felony&outcome=dismiss"
                f"&relief=HS+11361.8&sort=date")
    filtered_ms, filtered_rows = median_ms(client, filtered, args.repeat)
    question_ms, _ = median_ms(client, f"{queue}?question=plea_bargain", args.repeat)
    deep_ms, _ = median_ms(client, f"{queue}?page=500", args.repeat)
    print(f"queue first page ({first_rows} rows):        median {first_ms:7.1f} ms over {args.repeat} requests")
    print(f"queue filtered page ({filtered_rows} rows):     median {filtered_ms:7.1f} ms over {args.repeat} requests"
          f"  [{filtered.split('?')[1]}]")
    print(f"queue needs-review reason filter:     median {question_ms:7.1f} ms")
    print(f"queue page 500 (offset 24,950):       median {deep_ms:7.1f} ms")

    bulk_url = reverse("review:bulk_approve")
    start = time.perf_counter()
    confirm = client.get(bulk_url, {"batch": batches[0].pk})
    confirm_ms = (time.perf_counter() - start) * 1000
    from eligibility.models import Determination as D
    from review import services

    preview = services.bulk_preview(D.objects.filter(batch=batches[0]))
    assert confirm.status_code == 200
    start = time.perf_counter()
    response = client.post(bulk_url, {"batch": batches[0].pk, "expected": preview.determinations})
    bulk_s = time.perf_counter() - start
    assert response.status_code == 302, response.status_code
    made = Decision.objects.filter(active=True).count()
    print(f"bulk approve confirmation page:       {confirm_ms:7.1f} ms ({preview.determinations:,} determinations,"
          f" {preview.people:,} people)")
    print(f"bulk approve of {made:,} determinations: {bulk_s:7.2f} s")
    after_ms, _ = median_ms(client, queue, args.repeat)
    print(f"queue first page after the approve:   median {after_ms:7.1f} ms")


if __name__ == "__main__":
    main()
