"""The dashboard's figures: one function per widget, each answered by one aggregate query.

Every function takes a :class:`Scope` (office + upload-date range + batch) and returns plain
dicts, so the page, the CSV/XLSX tables and the PDF summary all read the same numbers.

What the filters mean: the date range and the batch pick a *cohort of batches* by the date they
were uploaded. Every figure then follows the work that came from those batches: the records in
them, the engine's determinations made for them, the attorneys' decisions on those
determinations and the motions generated for them. Person outcomes look at each cohort person's
*whole* current record, not only the counts that arrived in the cohort.

A few widgets are written in SQL because the ORM cannot say it in a single pass over the counts
(grouping sets; joining a per-count aggregate of decisions). Each of those is one statement, and
all of them are parameterised.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from django.db import connection, transaction
from django.db.models import Count, DateField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import TruncMonth

from eligibility.models import Determination, PersonEvaluation
from intake.models import Batch, RecordSnapshot, SourceKind
from motions.models import Motion
from review.models import SignOff

ELIGIBLE_OUTCOMES = ("dismiss", "reduce")
GRANTED_MOTION_STATUSES = (Motion.Status.GRANTED, Motion.Status.MODIFIED)
RULED_MOTION_STATUSES = (Motion.Status.GRANTED, Motion.Status.MODIFIED, Motion.Status.DENIED)
# Latest dispositions after which a count no longer stands as a conviction on the record.
CLEARED_DISPOSITIONS = ("dismissed", "set_aside", "relief_granted", "sealed", "acquitted", "prosecutor_rejected")
# ...and after which it no longer stands as a felony (it is still a conviction).
REDUCED_DISPOSITIONS = ("reduced_to_misdemeanor", "reduced_to_infraction")


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
    snapshots = RecordSnapshot.objects.for_office(scope.office).filter(scope.in_cohort("source_file__batch"))
    return snapshots.aggregate(
        rap_sheets=Count("id", filter=Q(source_file__kind=SourceKind.RAP_SHEET)),
        doj_subjects=Count("id", filter=Q(source_file__kind=SourceKind.DOJ)),
        people=Count("person", distinct=True),
    )


# 2 + 5. Determinations: per relief law (with attorney decisions), per code section, per court --

def determination_breakdowns(scope: Scope) -> dict:
    """One scan of the current determinations, grouped four ways at once (GROUPING SETS).

    A conviction count evaluated under two relief laws has two determinations, so the per-law
    rows add up to determinations, not counts; ``convictions_evaluated`` counts counts.
    """
    cohort, params = scope.sql_cohort("det.batch_id")
    rows = _fetch(
        f"""
        SELECT GROUPING(det.relief) AS by_relief, GROUPING(det.code_section) AS by_section,
               GROUPING(det.court_county) AS by_court,
               det.relief, det.code_section, det.court_county,
               count(*) AS evaluated,
               count(*) FILTER (WHERE det.outcome IN ('dismiss', 'reduce')) AS eligible,
               count(*) FILTER (WHERE det.outcome = 'dismiss') AS dismiss,
               count(*) FILTER (WHERE det.outcome = 'reduce') AS reduce,
               count(*) FILTER (WHERE det.outcome IN ('dismiss', 'reduce') AND det.seal) AS seal,
               count(*) FILTER (WHERE det.outcome = 'needs_review') AS needs_review,
               count(*) FILTER (WHERE det.outcome = 'not_yet_eligible') AS not_yet_eligible,
               count(*) FILTER (WHERE det.outcome = 'not_eligible') AS not_eligible,
               count(d.id) FILTER (WHERE d.action = 'approve') AS approved,
               count(d.id) FILTER (WHERE d.action NOT IN ('approve', 'defer')) AS overridden,
               count(d.id) FILTER (WHERE d.action = 'defer') AS deferred,
               count(*) FILTER (WHERE d.id IS NULL) AS undecided
        FROM eligibility_determination det
        LEFT JOIN review_decision d ON d.determination_id = det.id AND d.active
        WHERE det.office_id = %s AND det.current AND det.count_id IS NOT NULL AND {cohort}
        GROUP BY GROUPING SETS ((det.relief), (det.code_section), (det.court_county), ())
        """,
        [scope.office.pk, *params],
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
    empty = dict.fromkeys(("evaluated", "eligible", "dismiss", "reduce", "seal", "needs_review", "not_yet_eligible",
                           "not_eligible", "approved", "overridden", "deferred", "undecided"), 0)
    result["total"] = result["total"] or empty
    for key in ("relief", "code_section", "court"):
        result[key].sort(key=lambda r: (-r["eligible"], -r["evaluated"], r["label"]))
    return result


def convictions_evaluated(scope: Scope) -> dict:
    """Distinct conviction counts the engine evaluated, and how many are eligible under some law."""
    determinations = Determination.objects.for_office(scope.office).filter(
        scope.in_cohort("batch"), current=True, count__isnull=False
    )
    return determinations.aggregate(
        convictions=Count("count", distinct=True),
        eligible=Count("count", distinct=True, filter=Q(outcome__in=ELIGIBLE_OUTCOMES)),
        people=Count("person", distinct=True),
        eligible_people=Count("person", distinct=True, filter=Q(outcome__in=ELIGIBLE_OUTCOMES)),
    )


# 3. Motions ---------------------------------------------------------------------------------

def motions(scope: Scope) -> dict:
    by_relief = list(
        Motion.objects.for_office(scope.office)
        .filter(scope.in_cohort("batch"))
        .values("relief_type")
        .annotate(
            created=Count("id"),
            filed=Count("id", filter=~Q(status=Motion.Status.DRAFT) | Q(filed_on__isnull=False)),
            granted=Count("id", filter=Q(status__in=GRANTED_MOTION_STATUSES)),
            modified=Count("id", filter=Q(status=Motion.Status.MODIFIED)),
            denied=Count("id", filter=Q(status=Motion.Status.DENIED)),
            pending=Count("id", filter=Q(status=Motion.Status.FILED)),
            not_filed=Count("id", filter=Q(status=Motion.Status.DRAFT, filed_on__isnull=True)),
        )
        .order_by("-created", "relief_type")
    )
    keys = ("created", "filed", "granted", "modified", "denied", "pending", "not_filed")
    # Summing a handful of per-law rows, not people: the database did the counting.
    total = {key: sum(row[key] for row in by_relief) for key in keys}
    return {"total": total, "relief": [{"label": row.pop("relief_type"), **row} for row in by_relief]}


# 4. People left with no felony / no conviction ------------------------------------------------

PERSON_OUTCOMES_SQL = """
WITH granted AS (
    -- Decisions a court has acted on: attached to a motion granted outright or as modified.
    SELECT DISTINCT md.decision_id
    FROM motions_motion_decisions md
    JOIN motions_motion m ON m.id = md.motion_id
    WHERE m.office_id = %(office)s AND m.status IN ('granted', 'modified')
),
cover AS (
    -- Per count: does an active attorney decision relieve it, and has a court granted it yet?
    SELECT det.count_id,
           bool_or(d.final_outcome IN ('dismiss', 'reduce')) AS relieved,
           bool_or(d.final_outcome = 'dismiss' OR (d.action = 'approve' AND det.seal)) AS cleared,
           bool_or(g.decision_id IS NOT NULL AND d.final_outcome IN ('dismiss', 'reduce')) AS relieved_granted,
           bool_or(g.decision_id IS NOT NULL
                   AND (d.final_outcome = 'dismiss' OR (d.action = 'approve' AND det.seal))) AS cleared_granted
    FROM review_decision d
    JOIN eligibility_determination det ON det.id = d.determination_id
    LEFT JOIN granted g ON g.decision_id = d.id
    WHERE d.office_id = %(office)s AND d.active AND d.action <> 'defer' AND det.count_id IS NOT NULL
    GROUP BY det.count_id
),
per_person AS (
    SELECT c.person_id,
           count(*) AS convictions,
           count(*) FILTER (WHERE cover.cleared) AS cleared,
           count(*) FILTER (WHERE cover.cleared_granted) AS cleared_granted,
           count(*) FILTER (WHERE c.level = 'felony' AND c.disposition <> ALL(%(reduced)s)) AS felonies,
           count(*) FILTER (WHERE c.level = 'felony' AND c.disposition <> ALL(%(reduced)s)
                            AND cover.relieved) AS felonies_relieved,
           count(*) FILTER (WHERE c.level = 'felony' AND c.disposition <> ALL(%(reduced)s)
                            AND cover.relieved_granted) AS felonies_relieved_granted
    FROM intake_count c
    JOIN intake_case k ON k.id = c.case_id
    JOIN intake_person p ON p.id = c.person_id AND p.current_snapshot_id = k.snapshot_id
    LEFT JOIN cover ON cover.count_id = c.id
    WHERE c.office_id = %(office)s AND c.convicted AND c.disposition <> ALL(%(cleared_dispositions)s)
      AND {cohort}
    GROUP BY c.person_id
)
SELECT count(*) AS with_conviction,
       count(*) FILTER (WHERE felonies > 0) AS with_felony,
       count(*) FILTER (WHERE felonies > 0 AND felonies_relieved = felonies) AS no_felony_if_granted,
       count(*) FILTER (WHERE felonies > 0 AND felonies_relieved_granted = felonies) AS no_felony_granted,
       count(*) FILTER (WHERE cleared = convictions) AS no_conviction_if_granted,
       count(*) FILTER (WHERE cleared_granted = convictions) AS no_conviction_granted
FROM per_person
"""


def person_outcomes(scope: Scope) -> dict:
    """People whose relief leaves no felony / no conviction, from their whole current record.

    Only people who have a felony (resp. a conviction) today can be left with none, so the
    no-felony figures count among ``with_felony`` and the no-conviction ones among
    ``with_conviction``.
    """
    if scope.batch_ids is None:
        cohort = "TRUE"
    else:
        cohort = """c.person_id IN (
            SELECT s.person_id FROM intake_recordsnapshot s JOIN intake_sourcefile f ON f.id = s.source_file_id
            WHERE s.office_id = %(office)s AND f.batch_id = ANY(%(batches)s))"""
    params = {"office": scope.office.pk, "batches": scope.batch_ids, "reduced": list(REDUCED_DISPOSITIONS),
              "cleared_dispositions": list(CLEARED_DISPOSITIONS)}
    return _fetch(PERSON_OUTCOMES_SQL.format(cohort=cohort), params)[0]


def engine_person_outcomes(scope: Scope) -> dict:
    """The engine's own view: "if every engine proposal were granted"."""
    evaluations = PersonEvaluation.objects.for_office(scope.office).filter(current=True)
    if scope.batch_ids is not None:
        evaluations = evaluations.filter(Exists(
            RecordSnapshot.objects.filter(person=OuterRef("person"), source_file__batch__in=scope.batch_ids)
        ))
    return evaluations.aggregate(
        evaluated=Count("id"),
        with_felony=Count("id", filter=Q(has_felony=True)),
        with_conviction=Count("id", filter=Q(has_conviction=True)),
        no_felony=Count("id", filter=Q(has_felony=True, no_felony_after_relief=True)),
        no_conviction=Count("id", filter=Q(has_conviction=True, no_conviction_after_relief=True)),
    )


# 5. People breakdowns by race/ethnicity and sex --------------------------------------------------

PEOPLE_BREAKDOWN_SQL = """
SELECT GROUPING(p.race) AS by_race, p.race, p.sex, count(*) AS people
FROM intake_person p
WHERE p.office_id = %(office)s AND p.id IN (
    SELECT det.person_id FROM eligibility_determination det
    WHERE det.office_id = %(office)s AND det.current AND det.outcome IN ('dismiss', 'reduce') AND {cohort})
GROUP BY GROUPING SETS ((p.race), (p.sex))
"""


def people_breakdowns(scope: Scope) -> dict:
    """People with at least one eligible conviction, by race/ethnicity and by sex as the source wrote them."""
    cohort = "TRUE" if scope.batch_ids is None else "det.batch_id = ANY(%(batches)s)"
    rows = _fetch(PEOPLE_BREAKDOWN_SQL.format(cohort=cohort), {"office": scope.office.pk, "batches": scope.batch_ids})
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
    """Per month: records received, motions filed, motions granted — one UNION query."""
    received = (
        RecordSnapshot.objects.for_office(scope.office).filter(scope.in_cohort("source_file__batch"))
        .annotate(month=TruncMonth("created_at", output_field=DateField()), series=Value("received"))
        .values("month", "series").annotate(n=Count("id")).values("month", "series", "n")
    )
    motion_rows = Motion.objects.for_office(scope.office).filter(scope.in_cohort("batch"))
    filed = (
        motion_rows.filter(filed_on__isnull=False)
        .annotate(month=TruncMonth("filed_on"), series=Value("filed"))
        .values("month", "series").annotate(n=Count("id")).values("month", "series", "n")
    )
    granted = (
        motion_rows.filter(status__in=GRANTED_MOTION_STATUSES, ruled_on__isnull=False)
        .annotate(month=TruncMonth("ruled_on"), series=Value("granted"))
        .values("month", "series").annotate(n=Count("id")).values("month", "series", "n")
    )
    by_month: dict = {}
    for row in received.union(filed, granted, all=True):
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        by_month.setdefault(month, {"month": month, "received": 0, "filed": 0, "granted": 0})[row["series"]] = row["n"]
    return [by_month[m] for m in sorted(by_month)]


def batches_for_filter(office):
    return Batch.objects.for_office(office).order_by("-created_at").values("pk", "name", "created_at")

