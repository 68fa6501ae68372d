"""Every figure of the dashboard against a seeded office whose answers were worked out by hand."""

import datetime as dt

import pytest

from dashboard import queries, report
from dashboard.queries import Scope
from tests.dashboard.factories import EXPECTED, EXPECTED_MARCH, build_known_office


@pytest.fixture
def known(demo):
    office, users = demo
    return build_known_office(office, users["attorney"])


def _subset(actual: dict, expected: dict) -> dict:
    return {key: actual[key] for key in expected}


def test_every_figure_all_time(known):
    built = report.build(Scope(known.office))
    for section, expected in EXPECTED.items():
        assert _subset(built.figures[section], expected) == expected, section


def test_march_upload_range_selects_the_march_batch_only(known):
    built = report.build(Scope(known.office, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)))
    for section, expected in EXPECTED_MARCH.items():
        assert _subset(built.figures[section], expected) == expected, section


def test_batch_filter_equals_its_date_range(known):
    by_batch = report.build(Scope(known.office, batch=known.march)).figures
    by_dates = report.build(Scope(known.office, start=dt.date(2026, 3, 5), end=dt.date(2026, 3, 5))).figures
    assert by_batch == by_dates


def test_an_empty_period_is_all_zeros(known):
    figures = report.build(Scope(known.office, start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31))).figures
    assert figures["people"] == dict.fromkeys(EXPECTED["people"], 0)
    assert figures["motions"]["created"] == 0


def test_relief_law_table_with_engine_against_attorneys(known):
    rows = {row[0]: row for row in report.build(Scope(known.office)).by_key["relief"].rows}
    columns = report.build(Scope(known.office)).by_key["relief"].columns
    pc1203 = dict(zip(columns, rows["PC 1203.4"]))
    # 20 eligible of 23 is shown; 5 approved, 1 overridden, 1 deferred are small numbers.
    assert pc1203 == {"Relief law": "PC 1203.4", "Eligible": 20, "Share": "87.0%", "Dismiss": 20, "Reduce": 0,
                      "Seal": 0, "Needs review": 0, "Not yet eligible": 0, "Not eligible": 0, "Evaluated": 20,
                      "Approved": "<10", "Overridden": "<10", "Deferred": "<10", "Awaiting decision": 13}
    assert rows["PC 17(b)"][1:3] == ["<10", "—"]
    assert rows["HS 11361.8"][1:3] == ["<10", "—"]


def test_breakdowns_suppress_cells_under_ten(known):
    built = report.build(Scope(known.office))
    assert [r[:3] for r in built.by_key["code_section"].rows] == [
        ["PC 484", 15, "65.2%"], ["PC 459", "<10", "—"], ["PC 487", "<10", "—"], ["HS 11357(b)", "<10", "—"],
    ]
    assert [r[:3] for r in built.by_key["court"].rows] == [["SAN JOAQUIN", 22, "95.7%"], ["SACRAMENTO", "<10", "—"]]
    assert built.by_key["race"].rows == [["Hispanic", 12, "60.0%"], ["Black", "<10", "—"]]
    assert built.by_key["sex"].rows == [["M", 12, "60.0%"], ["F", "<10", "—"]]
    # A suppressed cell draws no bar: its length would give the number away.
    assert built.by_key["race"].chart.count("<rect") == 1


def test_suppression_rule():
    assert [report.suppress(n) for n in (0, 1, 9, 10, 11)] == [0, "<10", "<10", 10, 11]
    assert report.share(9, 100) == "—"
    assert report.share(10, 40) == "25.0%"
    assert report.share(0, 0) == "—"


def test_throughput_per_batch(known):
    rows = {row["name"]: row for row in queries.throughput(Scope(known.office))}
    # The reopened sign-off on day 9 does not count; the last standing one is on day 5.
    assert rows["January"]["days_to_sign_off"] == 5.0
    assert rows["March"]["days_to_sign_off"] == 1.0


def test_timeline_by_month(known):
    months = {m["month"].strftime("%Y-%m"): m for m in queries.timeline(Scope(known.office))}
    assert months["2026-01"]["received"] == 20
    assert months["2026-03"]["received"] == 1
    assert months["2026-02"]["filed"] == 6
    assert months["2026-03"]["granted"] == 4


def test_another_offices_data_changes_nothing(known, other_office):
    office_b, user_b = other_office
    build_known_office(office_b, user_b)
    built = report.build(Scope(known.office))
    for section, expected in EXPECTED.items():
        assert _subset(built.figures[section], expected) == expected, section


def test_each_widget_is_one_query(known, django_assert_num_queries):
    scope = Scope(known.office)
    for widget in (queries.records_received, queries.convictions_evaluated, queries.determination_breakdowns,
                   queries.motions, queries.person_outcomes, queries.engine_person_outcomes,
                   queries.people_breakdowns, queries.throughput, queries.timeline):
        with django_assert_num_queries(1):
            widget(scope)
