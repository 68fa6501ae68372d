"""The dashboard's figures: one function per widget, each answered by one aggregate query.

Every function takes a :class:`Scope` (office + upload-date range + batch) and returns plain
dicts, so the page, the CSV/XLSX tables and the PDF summary all read the same numbers.

What the filters mean: the date range and the batch pick a *cohort of batches* by the date they
were uploaded. Every figure then follows the work that came from those batches: the records in
them, the engine's determinations made for them, the attorneys' decisions on those
determinations and the motions generated for them. Person outcomes look at each cohort person's
*whole* current record, not only the counts that arrived in the cohort.

Where they are read from: the dashboard's own precomputed tables (``dashboard.models``, kept up
to date by ``dashboard.outcomes.refresh_people`` wherever records, determinations, decisions or
motions change, and rebuilt by ``manage.py refresh_outcomes``). Person figures read one row per
person (``PersonOutcome``); counts of determinations, motions and records read per-batch tallies.
The definitions are worked out there, once per person, exactly as documented on the page. Every
widget is one parameterised SQL statement; throughput still reads the small sign-off table.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery

from intake.models import Batch
from motions.models import Motion
from review.models import SignOff

ELIGIBLE_OUTCOMES = ("dismiss", "reduce")
GRANTED_MOTION_STATUSES = (Motion.Status.GRANTED, Motion.Status.MODIFIED)
RULED_MOTION_STATUSES = (Motion.Status.GRANTED, Motion.Status.MODIFIED, Motion.Status.DENIED)
# Which dispositions clear or reduce a count: dashboard.outcomes.CLEARED_DISPOSITIONS / REDUCED_DISPOSITIONS.


@dataclass(frozen=True)
class Scope:
    """Which office, and which of its batches (by upload date, or one batch) the figures cover."""

    office: object
    start: dt.date | None = None
    end: dt.date | None = None
    batch: Batch | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.start or self.end or self.batch)

    def batches(self):
        batches = Batch.objects.for_office(self.office)
        if self.batch is not None:
            batches = batches.filter(pk=self.batch.pk)
        if self.start:
            batches = batches.filter(created_at__date__gte=self.start)
        if self.end:
            batches = batches.filter(created_at__date__lte=self.end)
        return batches

    @cached_property
    def batch_ids(self) -> list[int] | None:
        """The cohort's batch ids, or None for "every batch" (no filter, cheaper plans)."""
        if not self.filtered:
            return None
        # An office has tens to hundreds of batches: listing them once beats repeating the join.
        return list(self.batches().values_list("pk", flat=True))

    def in_cohort(self, batch_field: str) -> Q:
        if self.batch_ids is None:
            return Q()
        return Q(**{f"{batch_field}__in": self.batch_ids})

    def sql_cohort(self, column: str) -> tuple[str, list]:
        if self.batch_ids is None:
            return "TRUE", []
        return f"{column} = ANY(%s)", [self.batch_ids]


@contextmanager
def reading():
    """One read transaction for all widgets, with JIT off.

    Postgres JIT-compiles these big aggregates and spends ~0.4 s per statement doing it at
    county scale, more than it saves; SET LOCAL keeps the change inside this transaction.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def _fetch(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


# 1. Records received and people identified ------------------------------------------------

def records_received(scope: Scope) -> dict:
    cohort = "TRUE" if scope.batch_ids is None else "batch_id = ANY(%(batches)s::bigint[])"
    people = ("cardinality(snapshot_batches) > 0" if scope.batch_ids is None
              else "snapshot_batches && %(batches)s::bigint[]")
    return _fetch(f"""
        SELECT (SELECT coalesce(sum(n) FILTER (WHERE kind = 'rap_sheet'), 0) FROM dashboard_snapshottally
                WHERE office_id = %(office)s AND {cohort}) AS rap_sheets,
               (SELECT coalesce(sum(n) FILTER (WHERE kind = 'doj'), 0) FROM dashboard_snapshottally
                WHERE office_id = %(office)s AND {cohort}) AS doj_subjects,
               (SELECT count(*) FROM dashboard_personoutcome WHERE office_id = %(office)s AND {people}) AS people
        """, _params(scope))[0]


def _params(scope: Scope) -> dict:
    return {"office": scope.office.pk, "batches": scope.batch_ids}


# 2 + 5. Determinations: per relief law (with attorney decisions), per code section, per court --

DETERMINATION_COUNTERS = ("evaluated", "eligible", "dismiss", "reduce", "seal", "needs_review", "not_yet_eligible",
                          "not_eligible", "approved", "overridden", "deferred", "undecided")


def determination_breakdowns(scope: Scope) -> dict:
    """The current determinations' tallies, grouped four ways at once (GROUPING SETS).

    A conviction count evaluated under two relief laws has two determinations, so the per-law
    rows add up to determinations, not counts; ``convictions_evaluated`` counts counts.
    """
    cohort = "TRUE" if scope.batch_ids is None else "batch_id = ANY(%(batches)s::bigint[])"
    sums = ", ".join(f"coalesce(sum({c}), 0)::bigint AS {c}" for c in DETERMINATION_COUNTERS)
    rows = _fetch(
        f"""
        SELECT GROUPING(relief) AS by_relief, GROUPING(code_section) AS by_section,
               GROUPING(court_county) AS by_court, relief, code_section, court_county, {sums}
        FROM dashboard_determinationtally
        WHERE office_id = %(office)s AND {cohort}
        GROUP BY GROUPING SETS ((relief), (code_section), (court_county), ())
        HAVING coalesce(sum(evaluated), 0) > 0 OR GROUPING(relief, code_section, court_county) = 7
        """,
        _params(scope),
    )
    result = {"total": None, "relief": [], "code_section": [], "court": []}
    for row in rows:
        flags = (row.pop("by_relief"), row.pop("by_section"), row.pop("by_court"))
        relief, section, court = row.pop("relief"), row.pop("code_section"), row.pop("court_county")
        if flags == (1, 1, 1):
            result["total"] = row
        elif flags[0] == 0:
            result["relief"].append({"label": relief, **row})
        elif flags[1] == 0:
            result["code_section"].append({"label": section or "(none)", **row})
        else:
            result["court"].append({"label": court or "(unknown)", **row})
    result["total"] = result["total"] or dict.fromkeys(DETERMINATION_COUNTERS, 0)
    for key in ("relief", "code_section", "court"):
        result[key].sort(key=lambda r: (-r["eligible"], -r["evaluated"], r["label"]))
    return result


CONVICTIONS_SQL = """
SELECT coalesce(sum(convictions) FILTER (WHERE {inside}), 0)::bigint
         + (SELECT count(DISTINCT det.count_id)
            FROM split JOIN eligibility_determination det ON det.person_id = split.id
            WHERE det.office_id = %(office)s AND det.current AND det.count_id IS NOT NULL AND {det_cohort})
         AS convictions,
       coalesce(sum(convictions_eligible) FILTER (WHERE {inside}), 0)::bigint
         + (SELECT count(DISTINCT det.count_id)
            FROM split JOIN eligibility_determination det ON det.person_id = split.id
            WHERE det.office_id = %(office)s AND det.current AND det.count_id IS NOT NULL AND {det_cohort}
              AND det.outcome IN ('dismiss', 'reduce'))
         AS eligible,
       count(*) FILTER (WHERE {evaluated}) AS people,
       count(*) FILTER (WHERE {eligible}) AS eligible_people
FROM dashboard_personoutcome
WHERE office_id = %(office)s
"""


def convictions_evaluated(scope: Scope) -> dict:
    """Distinct conviction counts the engine evaluated, and how many are eligible under some law.

    Read from each person's row. A person whose current determinations came from several batches
    may be only partly in the cohort: those few are counted from their determinations instead.
    """
    if scope.batch_ids is None:
        sql = CONVICTIONS_SQL.format(inside="TRUE", det_cohort="FALSE", evaluated="cardinality(det_batches) > 0",
                                     eligible="cardinality(eligible_batches) > 0")
        sql = "WITH split AS (SELECT NULL::bigint AS id WHERE FALSE) " + sql
    else:
        batches = "%(batches)s::bigint[]"
        sql = CONVICTIONS_SQL.format(
            inside=f"det_batches <@ {batches}", det_cohort=f"det.batch_id = ANY({batches})",
            evaluated=f"det_batches && {batches}", eligible=f"eligible_batches && {batches}")
        sql = (f"WITH split AS (SELECT person_id AS id FROM dashboard_personoutcome WHERE office_id = %(office)s "
               f"AND split AND det_batches && {batches} AND NOT det_batches <@ {batches}) " + sql)
    return _fetch(sql, _params(scope))[0]


# 3. Motions ---------------------------------------------------------------------------------

def motions(scope: Scope) -> dict:
    cohort = "TRUE" if scope.batch_ids is None else "batch_id = ANY(%(batches)s::bigint[])"
    by_relief = _fetch(f"""
        SELECT relief_type,
               sum(n)::bigint AS created,
               coalesce(sum(n) FILTER (WHERE status <> 'draft' OR filed_month IS NOT NULL), 0)::bigint AS filed,
               coalesce(sum(n) FILTER (WHERE status IN ('granted', 'modified')), 0)::bigint AS granted,
               coalesce(sum(n) FILTER (WHERE status = 'modified'), 0)::bigint AS modified,
               coalesce(sum(n) FILTER (WHERE status = 'denied'), 0)::bigint AS denied,
               coalesce(sum(n) FILTER (WHERE status = 'filed'), 0)::bigint AS pending,
               coalesce(sum(n) FILTER (WHERE status = 'draft' AND filed_month IS NULL), 0)::bigint AS not_filed
        FROM dashboard_motiontally
        WHERE office_id = %(office)s AND {cohort}
        GROUP BY relief_type HAVING sum(n) > 0
        ORDER BY created DESC, relief_type
        """, _params(scope))
    keys = ("created", "filed", "granted", "modified", "denied", "pending", "not_filed")
    # Summing a handful of per-law rows, not people: the database did the counting.
    total = {key: sum(row[key] for row in by_relief) for key in keys}
    return {"total": total, "relief": [{"label": row.pop("relief_type"), **row} for row in by_relief]}


# 4. People left with no felony / no conviction ------------------------------------------------

def person_outcomes(scope: Scope) -> dict:
    """People whose relief leaves no felony / no conviction, from their whole current record.

    Only people who have a felony (resp. a conviction) today can be left with none, so the
    no-felony figures count among ``with_felony`` and the no-conviction ones among
    ``with_conviction``. The cohort: people with a snapshot in one of its batches.
    """
    cohort = "TRUE" if scope.batch_ids is None else "snapshot_batches && %(batches)s::bigint[]"
    return _fetch(f"""
        SELECT count(*) AS with_conviction,
               count(*) FILTER (WHERE with_felony) AS with_felony,
               count(*) FILTER (WHERE no_felony_if_granted) AS no_felony_if_granted,
               count(*) FILTER (WHERE no_felony_granted) AS no_felony_granted,
               count(*) FILTER (WHERE no_conviction_if_granted) AS no_conviction_if_granted,
               count(*) FILTER (WHERE no_conviction_granted) AS no_conviction_granted
        FROM dashboard_personoutcome
        WHERE office_id = %(office)s AND with_conviction AND {cohort}
        """, _params(scope))[0]


def engine_person_outcomes(scope: Scope) -> dict:
    """The engine's own view: "if every engine proposal were granted"."""
    cohort = "TRUE" if scope.batch_ids is None else "snapshot_batches && %(batches)s::bigint[]"
    return _fetch(f"""
        SELECT coalesce(sum(evaluations), 0)::bigint AS evaluated,
               coalesce(sum(engine_felony), 0)::bigint AS with_felony,
               coalesce(sum(engine_conviction), 0)::bigint AS with_conviction,
               coalesce(sum(engine_no_felony), 0)::bigint AS no_felony,
               coalesce(sum(engine_no_conviction), 0)::bigint AS no_conviction
        FROM dashboard_personoutcome
        WHERE office_id = %(office)s AND evaluations > 0 AND {cohort}
        """, _params(scope))[0]


# 5. People breakdowns by race/ethnicity and sex --------------------------------------------------

def people_breakdowns(scope: Scope) -> dict:
    """People with at least one eligible conviction, by race/ethnicity and by sex as the source wrote them."""
    cohort = ("cardinality(eligible_any_batches) > 0" if scope.batch_ids is None
              else "eligible_any_batches && %(batches)s::bigint[]")
    rows = _fetch(f"""
        SELECT GROUPING(race) AS by_race, race, sex, count(*) AS people
        FROM dashboard_personoutcome
        WHERE office_id = %(office)s AND {cohort}
        GROUP BY GROUPING SETS ((race), (sex))
        """, _params(scope))
    result = {"race": [], "sex": []}
    for row in rows:
        if row["by_race"] == 0:
            result["race"].append({"label": row["race"] or "(not recorded)", "people": row["people"]})
        else:
            result["sex"].append({"label": row["sex"] or "(not recorded)", "people": row["people"]})
    for key in result:
        result[key].sort(key=lambda r: (-r["people"], r["label"]))
    return result


# 6. Throughput -----------------------------------------------------------------------------------

def throughput(scope: Scope) -> list[dict]:
    """Per batch: uploaded, processed, first and last standing attorney sign-off of the batch.

    Reads the batch on the sign-off itself (the small sign-off table), not the decisions under
    it: walking decisions to their determinations' batch costs a scan of both big tables.
    """
    standing = SignOff.objects.filter(batch=OuterRef("pk"), reopened_at__isnull=True).order_by()
    rows = (
        scope.batches()
        .annotate(
            first_sign_off=Subquery(standing.order_by("signed_at").values("signed_at")[:1]),
            last_sign_off=Subquery(standing.order_by("-signed_at").values("signed_at")[:1]),
        )
        .values("pk", "name", "kind", "created_at", "finished_at", "first_sign_off", "last_sign_off")
        .order_by("-created_at")
    )
    result = []
    for row in rows:
        last = row["last_sign_off"]
        row["days_to_sign_off"] = round((last - row["created_at"]).total_seconds() / 86400, 1) if last else None
        result.append(row)
    return result


# Line over time -----------------------------------------------------------------------------------

def timeline(scope: Scope) -> list[dict]:
    """Per month: records received, motions filed, motions granted — one UNION query over the tallies."""
    cohort = "TRUE" if scope.batch_ids is None else "batch_id = ANY(%(batches)s::bigint[])"
    rows = _fetch(f"""
        SELECT month, 'received' AS series, sum(n)::bigint AS n FROM dashboard_snapshottally
        WHERE office_id = %(office)s AND {cohort} GROUP BY month HAVING sum(n) > 0
        UNION ALL
        SELECT filed_month, 'filed', sum(n)::bigint FROM dashboard_motiontally
        WHERE office_id = %(office)s AND {cohort} AND filed_month IS NOT NULL GROUP BY filed_month HAVING sum(n) > 0
        UNION ALL
        SELECT ruled_month, 'granted', sum(n)::bigint FROM dashboard_motiontally
        WHERE office_id = %(office)s AND {cohort} AND ruled_month IS NOT NULL AND status IN ('granted', 'modified')
        GROUP BY ruled_month HAVING sum(n) > 0
        """, _params(scope))
    by_month: dict = {}
    for row in rows:
        month = row["month"]
        by_month.setdefault(month, {"month": month, "received": 0, "filed": 0, "granted": 0})[row["series"]] = row["n"]
    return [by_month[m] for m in sorted(by_month)]


def batches_for_filter(office):
    return Batch.objects.for_office(office).order_by("-created_at").values("pk", "name", "created_at")

