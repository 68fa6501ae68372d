"""Keeping the dashboard's precomputed tables (``dashboard.models``) up to date.

``refresh_people(person_ids)`` is the one entry point for the rest of the code: call it inside
the transaction that changed those people's records, determinations, decisions or motions. It is
set-based SQL and idempotent: it recomputes each person's ``PersonOutcome`` row, replaces their
facts and adds the difference (new facts minus old) to the per-batch tallies.

``rebuild(office)`` recomputes everything from scratch (``manage.py refresh_outcomes``).

Concurrency: a refresh takes a transaction-level advisory lock per person (in id order), so two
transactions refreshing the same person run one after the other and never count it twice. Tally
rows are upserted in key order. Several calls in one transaction can be collected into one with
:func:`deferred` (a bulk operation that decides many determinations one by one).

Only PostgreSQL is supported (the dashboard's queries need it); elsewhere this does nothing.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

ELIGIBLE = "('dismiss', 'reduce')"
# Latest dispositions after which a count no longer stands as a conviction on the record...
CLEARED_DISPOSITIONS = ["dismissed", "set_aside", "relief_granted", "sealed", "acquitted", "prosecutor_rejected"]
# ...and after which it no longer stands as a felony (it is still a conviction).
REDUCED_DISPOSITIONS = ["reduced_to_misdemeanor", "reduced_to_infraction"]
LOCK_NAMESPACE = 0x44415348  # "DASH": pg_advisory_xact_lock(namespace, person id)


@dataclass(frozen=True)
class Tally:
    """Per-row facts of a person, and their sums per key: how one pair of tables is kept."""

    fact: str
    tally: str
    columns: tuple[str, ...]  # fact columns besides office_id and person_id
    keys: tuple[str, ...]  # tally key besides office_id
    counters: tuple[tuple[str, str], ...]  # tally column, predicate on a fact row
    alias: str  # of the source table that carries office_id and person_id
    source: str  # SELECT office_id, person_id, *columns ... WHERE {people}

    def _source(self, by: str) -> str:
        return self.source.replace("{people}", f"{self.alias}.{by}")

    def _sums(self, sign: str = "1") -> str:
        return ", ".join(f"coalesce(sum({sign}) FILTER (WHERE {pred}), 0) AS {name}" for name, pred in self.counters)

    def refresh_sql(self) -> str:
        cols = ", ".join(("office_id", "person_id", *self.columns))
        keys = ", ".join(("office_id", *self.keys))
        names = [name for name, _ in self.counters]
        return f"""
        WITH old AS (
            DELETE FROM {self.fact} WHERE person_id = ANY(%(ids)s) RETURNING {cols}
        ), new AS (
            INSERT INTO {self.fact} ({cols}) {self._source('person_id = ANY(%(ids)s)')}
            RETURNING {cols}
        ), delta AS (
            SELECT {keys}, {self._sums("sign")}
            FROM (SELECT -1 AS sign, * FROM old UNION ALL SELECT 1 AS sign, * FROM new) f
            GROUP BY {keys}
        )
        INSERT INTO {self.tally} ({keys}, {", ".join(names)})
        SELECT {keys}, {", ".join(names)} FROM delta
        WHERE {" OR ".join(f"{n} <> 0" for n in names)}
        ORDER BY {keys}
        ON CONFLICT ({keys}) DO UPDATE SET {", ".join(f"{n} = {self.tally}.{n} + EXCLUDED.{n}" for n in names)}
        """

    def rebuild_sql(self) -> list[str]:
        cols = ", ".join(("office_id", "person_id", *self.columns))
        keys = ", ".join(("office_id", *self.keys))
        names = ", ".join(name for name, _ in self.counters)
        return [
            f"DELETE FROM {self.fact} WHERE office_id = %(office)s",
            f"DELETE FROM {self.tally} WHERE office_id = %(office)s",
            f"INSERT INTO {self.fact} ({cols}) {self._source('office_id = %(office)s')}",
            f"""INSERT INTO {self.tally} ({keys}, {names})
                SELECT {keys}, {self._sums()} FROM {self.fact} WHERE office_id = %(office)s GROUP BY {keys}""",
        ]


DETERMINATIONS = Tally(
    fact="dashboard_determinationfact", tally="dashboard_determinationtally",
    columns=("determination_id", "batch_id", "relief", "code_section", "court_county", "outcome", "seal", "decision"),
    keys=("batch_id", "relief", "code_section", "court_county"),
    alias="det",
    counters=(
        ("evaluated", "TRUE"),
        ("eligible", f"outcome IN {ELIGIBLE}"),
        ("dismiss", "outcome = 'dismiss'"),
        ("reduce", "outcome = 'reduce'"),
        ("seal", f"outcome IN {ELIGIBLE} AND seal"),
        ("needs_review", "outcome = 'needs_review'"),
        ("not_yet_eligible", "outcome = 'not_yet_eligible'"),
        ("not_eligible", "outcome = 'not_eligible'"),
        ("approved", "decision = 'approve'"),
        ("overridden", "decision = 'override'"),
        ("deferred", "decision = 'defer'"),
        ("undecided", "decision = ''"),
    ),
    # One active decision per determination at most (a unique constraint says so).
    source="""
        SELECT det.office_id, det.person_id, det.id, det.batch_id, det.relief, det.code_section, det.court_county,
               det.outcome, det.seal,
               CASE WHEN d.id IS NULL THEN '' WHEN d.action IN ('approve', 'defer') THEN d.action ELSE 'override' END
        FROM eligibility_determination det
        LEFT JOIN review_decision d ON d.determination_id = det.id AND d.active
        WHERE det.current AND det.count_id IS NOT NULL AND {people}
    """,
)

MOTIONS = Tally(
    fact="dashboard_motionfact", tally="dashboard_motiontally",
    columns=("motion_id", "batch_id", "relief_type", "status", "filed_month", "ruled_month"),
    keys=("batch_id", "relief_type", "status", "filed_month", "ruled_month"),
    counters=(("n", "TRUE"),), alias="m",
    source="""
        SELECT m.office_id, m.person_id, m.id, m.batch_id, m.relief_type, m.status,
               date_trunc('month', m.filed_on)::date, date_trunc('month', m.ruled_on)::date
        FROM motions_motion m WHERE {people}
    """,
)

SNAPSHOTS = Tally(
    fact="dashboard_snapshotfact", tally="dashboard_snapshottally",
    columns=("snapshot_id", "batch_id", "kind", "month"),
    keys=("batch_id", "kind", "month"),
    counters=(("n", "TRUE"),), alias="s",
    source="""
        SELECT s.office_id, s.person_id, s.id, f.batch_id, f.kind,
               date_trunc('month', s.created_at AT TIME ZONE %(tz)s)::date
        FROM intake_recordsnapshot s JOIN intake_sourcefile f ON f.id = s.source_file_id WHERE {people}
    """,
)

TALLIES = (DETERMINATIONS, MOTIONS, SNAPSHOTS)

PERSON_COLUMNS = (
    "office_id", "race", "sex", "snapshot_batches", "det_batches", "eligible_batches", "eligible_any_batches",
    "convictions", "convictions_eligible", "split", "with_conviction", "with_felony", "no_felony_if_granted",
    "no_felony_granted", "no_conviction_if_granted", "no_conviction_granted", "evaluations", "engine_felony",
    "engine_conviction", "engine_no_felony", "engine_no_conviction",
)

# Every person-level figure for the people picked by {person} ({people:alias} on each table), one row
# each. The definitions are those of report.DEFINITIONS; batch 0 stands for "no batch" in the arrays.
PERSON_SELECT = """
WITH snaps AS (
    SELECT s.person_id, array_agg(DISTINCT f.batch_id ORDER BY f.batch_id) AS batches
    FROM intake_recordsnapshot s JOIN intake_sourcefile f ON f.id = s.source_file_id
    WHERE {people:s}
    GROUP BY s.person_id
),
dets AS (
    SELECT det.person_id,
           array_agg(DISTINCT coalesce(det.batch_id, 0)) FILTER (WHERE det.count_id IS NOT NULL) AS batches,
           array_agg(DISTINCT coalesce(det.batch_id, 0))
               FILTER (WHERE det.count_id IS NOT NULL AND det.outcome IN ('dismiss', 'reduce')) AS eligible_batches,
           array_agg(DISTINCT coalesce(det.batch_id, 0))
               FILTER (WHERE det.outcome IN ('dismiss', 'reduce')) AS eligible_any_batches,
           count(DISTINCT det.count_id) AS convictions,
           count(DISTINCT det.count_id) FILTER (WHERE det.outcome IN ('dismiss', 'reduce')) AS convictions_eligible
    FROM eligibility_determination det
    WHERE det.current AND {people:det}
    GROUP BY det.person_id
),
granted AS (
    -- Decisions a court has acted on: attached to a motion granted outright or as modified.
    SELECT DISTINCT md.decision_id
    FROM motions_motion m JOIN motions_motion_decisions md ON md.motion_id = m.id
    WHERE m.status IN ('granted', 'modified') AND {people:m}
),
cover AS (
    -- Per count: does an active attorney decision relieve it, and has a court granted it yet?
    SELECT det.count_id,
           bool_or(d.final_outcome IN ('dismiss', 'reduce')) AS relieved,
           bool_or(d.final_outcome = 'dismiss' OR (d.action = 'approve' AND det.seal)) AS cleared,
           bool_or(g.decision_id IS NOT NULL AND d.final_outcome IN ('dismiss', 'reduce')) AS relieved_granted,
           bool_or(g.decision_id IS NOT NULL
                   AND (d.final_outcome = 'dismiss' OR (d.action = 'approve' AND det.seal))) AS cleared_granted
    FROM eligibility_determination det
    JOIN review_decision d ON d.determination_id = det.id AND d.office_id = det.office_id
    LEFT JOIN granted g ON g.decision_id = d.id
    WHERE d.active AND d.action <> 'defer' AND det.count_id IS NOT NULL AND {people:det}
    GROUP BY det.count_id
),
record AS (
    -- Conviction counts of the current record that still stand (not dismissed, set aside, sealed...).
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
    WHERE c.convicted AND c.disposition <> ALL(%(cleared)s) AND {people:c}
    GROUP BY c.person_id
),
engine AS (
    SELECT e.person_id, count(*) AS evaluations,
           count(*) FILTER (WHERE e.has_felony) AS felony,
           count(*) FILTER (WHERE e.has_conviction) AS conviction,
           count(*) FILTER (WHERE e.has_felony AND e.no_felony_after_relief) AS no_felony,
           count(*) FILTER (WHERE e.has_conviction AND e.no_conviction_after_relief) AS no_conviction
    FROM eligibility_personevaluation e
    WHERE e.current AND {people:e}
    GROUP BY e.person_id
)
SELECT p.id, p.office_id, p.race, p.sex,
       coalesce(snaps.batches, '{}'), coalesce(dets.batches, '{}'), coalesce(dets.eligible_batches, '{}'),
       coalesce(dets.eligible_any_batches, '{}'),
       coalesce(dets.convictions, 0), coalesce(dets.convictions_eligible, 0),
       coalesce(cardinality(dets.batches) > 1, FALSE),
       coalesce(record.convictions > 0, FALSE),
       coalesce(record.felonies > 0, FALSE),
       coalesce(record.felonies > 0 AND record.felonies_relieved = record.felonies, FALSE),
       coalesce(record.felonies > 0 AND record.felonies_relieved_granted = record.felonies, FALSE),
       coalesce(record.cleared = record.convictions, FALSE),
       coalesce(record.cleared_granted = record.convictions, FALSE),
       coalesce(engine.evaluations, 0), coalesce(engine.felony, 0), coalesce(engine.conviction, 0),
       coalesce(engine.no_felony, 0), coalesce(engine.no_conviction, 0)
FROM intake_person p
LEFT JOIN snaps ON snaps.person_id = p.id
LEFT JOIN dets ON dets.person_id = p.id
LEFT JOIN record ON record.person_id = p.id
LEFT JOIN engine ON engine.person_id = p.id
WHERE {person}
"""


def _person_insert(by: str) -> str:
    """``by``: "ids" (person_id = ANY(%(ids)s)) or "office" (office_id = %(office)s)."""
    columns = ", ".join(("person_id", *PERSON_COLUMNS))
    select = PERSON_SELECT.replace("{person}", "p.id = ANY(%(ids)s)" if by == "ids" else "p.office_id = %(office)s")
    for alias in ("s", "det", "m", "c", "e"):
        condition = f"{alias}.person_id = ANY(%(ids)s)" if by == "ids" else f"{alias}.office_id = %(office)s"
        select = select.replace("{people:" + alias + "}", condition)
    return f"INSERT INTO dashboard_personoutcome ({columns}) {select}"


def _params(**extra) -> dict:
    return {"reduced": REDUCED_DISPOSITIONS, "cleared": CLEARED_DISPOSITIONS, "tz": settings.TIME_ZONE, **extra}


def enabled() -> bool:
    return connection.vendor == "postgresql"


# --- Deferring: many calls in one transaction, one refresh at the end -------------------------------

_pending: contextvars.ContextVar[set | None] = contextvars.ContextVar("dashboard_outcomes_pending", default=None)


@contextmanager
def _collecting():
    outer = _pending.get()
    if outer is not None:  # nested: the outermost one refreshes
        yield
        return
    pending: set = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    # Reached only without an exception: a failed operation rolls back anyway.
    _refresh(pending)


def deferred(func=None):
    """Collect ``refresh_people`` calls and refresh once at the end, still inside the transaction.

    Use as ``with outcomes.deferred():`` or as a decorator (under ``@transaction.atomic``).
    """
    if func is None:
        return _collecting()

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _collecting():
            return func(*args, **kwargs)

    return wrapper


# --- The entry points ---------------------------------------------------------------------------------

def refresh_people(person_ids: Iterable[int]) -> None:
    """Recompute the dashboard rows of these people (call inside the transaction that changed them)."""
    pending = _pending.get()
    ids = {int(pk) for pk in person_ids if pk is not None}
    if pending is not None:
        pending |= ids
        return
    _refresh(ids)


# A refresh costs a few milliseconds a person: one decision or status change is refreshed in its own
# transaction, but a bulk approve or an ingest chunk must not make the attorney (or the import) wait
# for the dashboard, so large sets are refreshed by the worker right after the commit.
INLINE_LIMIT = 100
TASK_CHUNK = 2000


def _refresh(ids: set[int]) -> None:
    if not ids or not enabled():
        return
    if len(ids) <= INLINE_LIMIT:
        _refresh_now(ids)
        return
    from .tasks import refresh_outcomes

    ordered = sorted(ids)
    for start in range(0, len(ordered), TASK_CHUNK):
        part = ordered[start:start + TASK_CHUNK]
        transaction.on_commit(lambda part=part: refresh_outcomes.delay(part))


def _refresh_now(ids: set[int]) -> None:
    if not ids or not enabled():
        return
    ids_list = sorted(ids)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, (id %% 2147483647)::int) FROM unnest(%s::bigint[]) id "
                       "ORDER BY id", [LOCK_NAMESPACE, ids_list])
        params = _params(ids=ids_list)
        for tally in TALLIES:
            cursor.execute(tally.refresh_sql(), params)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in PERSON_COLUMNS)
        cursor.execute(f"{_person_insert('ids')} ON CONFLICT (person_id) DO UPDATE SET {updates}",
                       params)
        # People who no longer exist (their facts went with the DELETEs above).
        cursor.execute("DELETE FROM dashboard_personoutcome o WHERE o.person_id = ANY(%(ids)s) "
                       "AND NOT EXISTS (SELECT 1 FROM intake_person p WHERE p.id = o.person_id)", params)


def rebuild(office) -> None:
    """Recompute every dashboard row of ``office`` from scratch, in one transaction.

    Writers (refreshes) wait for it; readers (the page) keep reading the previous rows meanwhile.
    """
    if not enabled():
        return
    tables = ["dashboard_personoutcome", *(t.fact for t in TALLIES), *(t.tally for t in TALLIES)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL enable_nestloop = off")  # whole tables: hash joins, whatever the estimates
        params = _params(office=office.pk)
        for tally in TALLIES:
            for sql in tally.rebuild_sql():
                cursor.execute(sql, params)
        cursor.execute("DELETE FROM dashboard_personoutcome WHERE office_id = %(office)s", params)
        cursor.execute(_person_insert("office"), params)
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
