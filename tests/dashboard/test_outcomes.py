"""The precomputed tables: what the services' refreshes leave equals a rebuild from scratch."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection

from dashboard import outcomes, report
from dashboard.queries import Scope
from eligibility.models import Determination
from motions import services as motion_services
from motions.models import Motion
from review import services as review_services
from review.models import Decision
from tests.dashboard.factories import EXPECTED, build_known_office

TALLIES = {
    "dashboard_determinationtally": "evaluated",
    "dashboard_motiontally": "n",
    "dashboard_snapshottally": "n",
}


@pytest.fixture
def known(demo):
    office, users = demo
    return build_known_office(office, users["attorney"]), users


def _tables(office) -> dict:
    """Every dashboard row of ``office`` (tally rows that count nothing left out), ids left out."""
    state = {}
    with connection.cursor() as cursor:
        for table, count in TALLIES.items():
            cursor.execute(f"SELECT * FROM {table} WHERE office_id = %s AND {count} <> 0", [office.pk])
            names = [c.name for c in cursor.description]
            state[table] = sorted(tuple(v for n, v in zip(names, row) if n != "id") for row in cursor.fetchall())
        cursor.execute("SELECT * FROM dashboard_personoutcome WHERE office_id = %s ORDER BY person_id", [office.pk])
        state["people"] = [tuple(sorted(v) if isinstance(v, list) else v for v in row) for row in cursor.fetchall()]
        for fact in ("dashboard_determinationfact", "dashboard_motionfact", "dashboard_snapshotfact"):
            cursor.execute(f"SELECT count(*) FROM {fact} WHERE office_id = %s", [office.pk])
            state[fact] = cursor.fetchone()[0]
    return state


def _figures(office) -> dict:
    return report.build(Scope(office)).figures


def test_services_keep_the_tables_as_a_rebuild_would(known):
    built, users = known
    office, attorney = built.office, users["attorney"]
    waiting = Determination.objects.filter(office=office, current=True, person__name__startswith="FILLER")
    first, second, *rest = list(waiting.order_by("pk"))

    decision = review_services.decide(first, attorney, "approve")
    review_services.decide(second, attorney, "not_eligible", "no")
    review_services.undo(decision, attorney)
    review_services.bulk_approve(Determination.objects.filter(pk__in=[d.pk for d in rest[:3]]), attorney)
    pending = Motion.objects.get(office=office, status="filed")
    motion_services.record_status(pending, "granted", dt.date(2026, 3, 2), actor=attorney)

    figures = _figures(office)
    assert figures["determinations"]["approved"] == EXPECTED["determinations"]["approved"] + 3
    assert figures["determinations"]["overridden"] == EXPECTED["determinations"]["overridden"] + 1
    assert figures["determinations"]["undecided"] == EXPECTED["determinations"]["undecided"] - 4
    # P1's pending reduction was granted: P1 now has no felony left, so far too.
    assert figures["people"]["no_felony_granted"] == EXPECTED["people"]["no_felony_granted"] + 1
    assert figures["motions"]["pending"] == 0

    incremental = _tables(office)
    out = io.StringIO()
    call_command("refresh_outcomes", "--office", office.slug, stdout=out)
    assert out.getvalue().startswith(f"{office.slug}: rebuilt in ")
    assert _tables(office) == incremental
    assert _figures(office) == figures


def test_refresh_is_idempotent_and_deferred_calls_refresh_once(known):
    built, _users = known
    office = built.office
    before = _tables(office)
    people = list(Decision.objects.filter(office=office).values_list("person_id", flat=True))
    outcomes.refresh_people(people)
    outcomes.refresh_people(people)
    with outcomes.deferred():
        outcomes.refresh_people(people[:1])
        outcomes.refresh_people(people)
        assert _tables(office) == before  # nothing recomputed yet: it happens at the end
    assert _tables(office) == before


def test_refreshing_someone_who_does_not_exist_changes_nothing(known):
    built, _users = known
    office = built.office
    before = _tables(office)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) + 1000 FROM intake_person")
        ghost = cursor.fetchone()[0]
    outcomes.refresh_people([ghost])
    assert _tables(office) == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dashboard_personoutcome WHERE person_id = %s", [ghost])
        assert cursor.fetchone()[0] == 0
