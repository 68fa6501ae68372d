"""Large refreshes go to the worker after the commit, and end where a full rebuild would."""

import pytest
from django.db import connection

from dashboard import outcomes
from intake.models import Person
from tests.dashboard.factories import build_known_office
from tests.dashboard.test_outcomes import _tables

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the outcome tables are PostgreSQL-only")


def test_a_large_refresh_runs_in_the_worker_after_commit(demo, monkeypatch, django_capture_on_commit_callbacks):
    office, users = demo
    built = build_known_office(office, users["attorney"])
    expected = _tables(built.office)
    ids = list(Person.objects.filter(office=built.office).values_list("pk", flat=True))
    # Wipe this office's rows, then refresh everyone as a bulk operation would.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dashboard_personoutcome WHERE office_id = %s", [built.office.pk])
    monkeypatch.setattr(outcomes, "INLINE_LIMIT", 1)
    monkeypatch.setattr(outcomes, "TASK_CHUNK", 3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcomes.refresh_people(ids)
    assert len(callbacks) == -(-len(ids) // 3), "one worker task per chunk of people, sent on commit"
    assert _tables(built.office)["people"] == [], "nothing is computed inside the caller's transaction"
    for callback in callbacks:
        callback()
    assert _tables(built.office) == expected
