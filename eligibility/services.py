"""Running the engine over stored persons and keeping its output.

Determinations are append-only in spirit: a re-evaluation writes new rows and retires the old
ones (``current=False``). A determination an attorney already decided is never changed: when the
engine now proposes something else, the decision is flagged ``engine_disagrees`` for review.
"""

import datetime as dt
import json

from django.db import transaction
from django.utils import timezone

from audit import service as audit
from dashboard import outcomes
from intake.models import Count, Person

from .engine.evaluate import evaluate_person
from .engine.policy import Policy
from .engine.record import DispositionKind, Level
from .engine.record import Person as PersonRecord
from .engine.serialize import person_from_dict
from .models import Determination, OfficePolicy, PersonEvaluation

DISMISSED_KINDS = {DispositionKind.SET_ASIDE, DispositionKind.RELIEF_GRANTED, DispositionKind.SEALED}


def office_today(office=None) -> dt.date:
    """The evaluation date the app uses: today in the office's time zone, passed to the engine."""
    return timezone.localdate()


def current_policy(office) -> tuple[Policy, str]:
    saved = OfficePolicy.objects.for_office(office).order_by("-version").first()
    if saved is None:
        return Policy(county=office.county_key, version="law-minimum"), "law-minimum"
    policy = Policy.from_dict({**saved.data, "county": office.county_key, "version": saved.label})
    return policy, saved.label


@transaction.atomic
def save_policy(office, data: dict, user, note: str = "") -> OfficePolicy:
    policy = Policy.from_dict({**data, "county": office.county_key})
    latest = OfficePolicy.objects.for_office(office).select_for_update().order_by("-version").first()
    version = (latest.version + 1) if latest else 1
    saved = OfficePolicy.objects.create(office=office, version=version, data=policy.to_dict(), note=note[:300],
                                        created_by=user)
    audit.record("policy.saved", office=office, actor=user, obj=saved,
                 before=latest.data if latest else None, after=saved.data)
    return saved


def record_facts(record: PersonRecord) -> tuple[bool, bool]:
    """(has a felony conviction, has any conviction) on the record as it stands, before new relief."""
    has_felony = has_conviction = False
    for _event, count in record.convictions():
        if any(d.kind in DISMISSED_KINDS for d in count.dispositions):
            continue
        has_conviction = True
        if count.current_level == Level.FELONY:
            has_felony = True
    return has_felony, has_conviction


def evaluate_people(person_ids, *, batch_id=None, as_of: dt.date | None = None) -> int:
    """Evaluate the current record of each person and store the results; returns how many."""
    people = list(Person.objects.filter(pk__in=list(person_ids)).select_related("office", "current_snapshot"))
    if not people:
        return 0
    office = people[0].office
    policy, _label = current_policy(office)
    as_of = as_of or office_today(office)
    for person in people:
        if person.current_snapshot is None:
            continue
        store_evaluation(person, policy, as_of, batch_id=batch_id)
    return len(people)


DETERMINATION_FIELDS = (
    "relief", "outcome", "reduce_to", "seal", "eligible_on", "route", "track", "in_county", "code_section", "level",
    "case_number", "court_county", "count_number", "disposition_date", "questions", "question_codes", "reasons",
    "rule_set_version", "policy_version", "as_of", "input_hash",
)


def _same(value):
    return value


def determination_row(det, result, encode=_same) -> tuple:
    """The stored fields of one engine determination, in ``DETERMINATION_FIELDS`` order: the same for
    the per-person and bulk paths. ``encode`` is applied to the two JSON values (the bulk path's COPY
    takes them as JSON text); a tuple, not a dict, because the bulk path builds one per determination."""
    questions = det.questions
    return (
        det.relief.value, det.outcome.value, det.reduce_to.value if det.reduce_to else "", det.seal, det.eligible_on,
        det.route, det.track, det.in_county, det.code_section, det.level, det.case_number[:60],
        det.court_county[:60], det.count_number, det.disposition_date,
        encode([{"code": q.code, "text": q.text} for q in questions]),
        " ".join(sorted({q.code for q in questions}))[:200] if questions else "",
        encode([str(r) for r in det.reasons]), result.rule_set_version, result.policy_version, result.as_of,
        result.input_hash,
    )


def determination_values(det, result) -> dict:
    return dict(zip(DETERMINATION_FIELDS, determination_row(det, result), strict=True))


def evaluation_values(record, result) -> dict:
    """The stored person-level findings of one evaluation."""
    has_felony, has_conviction = record_facts(record)
    return {
        "registrant": result.registrant, "superstrike_priors": list(result.superstrike_priors),
        "currently_serving": result.currently_serving, "under_supervision": result.under_supervision,
        "pending_case": result.pending_case, "has_felony": has_felony, "has_conviction": has_conviction,
        "no_felony_after_relief": result.no_felony_after_relief,
        "no_conviction_after_relief": result.no_conviction_after_relief,
        "rule_set_version": result.rule_set_version, "policy_version": result.policy_version,
        "as_of": result.as_of, "input_hash": result.input_hash,
    }


@transaction.atomic
def store_evaluation(person: Person, policy: Policy, as_of: dt.date, *, batch_id=None) -> PersonEvaluation:
    snapshot = person.current_snapshot
    record = person_from_dict(snapshot.record)
    result = evaluate_person(record, policy, as_of)
    previous = PersonEvaluation.objects.filter(person=person, current=True).first()
    if previous is not None and previous.input_hash == result.input_hash and previous.snapshot_id == snapshot.pk:
        return previous  # same record, policy, rules and date: the stored result is byte-for-byte this one
    counts = {
        (c.case.cycle_index, c.case.event_index, c.count_index): c
        for c in Count.objects.filter(case__snapshot=snapshot).select_related("case")
    }
    old = {
        _identity(d): d
        for d in Determination.objects.filter(person=person, current=True).prefetch_related("decisions")
    }
    kept_ids = []
    rows = []
    for det in result.determinations:
        count = counts.get((det.key.cycle, det.key.event, det.key.count))
        row = Determination(office=person.office, person=person, snapshot=snapshot, count=count, batch_id=batch_id,
                            **determination_values(det, result))
        before = old.get(_identity(row))
        decision = _active_decision(before)
        if decision is not None and _proposal(before) == _proposal(row):
            kept_ids.append(before.pk)  # decided, and the engine still agrees: nothing to ask again
            continue
        if decision is not None:
            _flag_disagreement(decision, before, row)
        rows.append(row)
    Determination.objects.filter(person=person, current=True).exclude(pk__in=kept_ids).update(current=False)
    PersonEvaluation.objects.filter(person=person, current=True).update(current=False)
    Determination.objects.bulk_create(rows, batch_size=500)
    evaluation = PersonEvaluation.objects.create(office=person.office, person=person, snapshot=snapshot,
                                                 **evaluation_values(record, result))
    outcomes.refresh_people([person.pk])  # the outcome dashboard's rows of this person
    return evaluation


def _identity(d: Determination) -> tuple:
    return (d.case_number, d.count_number, d.code_section, d.relief, d.disposition_date)


def _proposal(d: Determination) -> str:
    return json.dumps([d.outcome, d.reduce_to, d.seal, d.eligible_on and d.eligible_on.isoformat()])


def _active_decision(determination):
    if determination is None:
        return None
    return next((d for d in determination.decisions.all() if d.active), None)


def _flag_disagreement(decision, before: Determination, row: Determination) -> None:
    """The attorney's decision stays exactly as made; the new proposal goes to the queue beside it."""
    from review.models import Decision

    Decision.objects.filter(pk=decision.pk).update(engine_disagrees=True)
    audit.record("decision.engine_disagrees", office=row.office, obj=decision, actor_label="engine",
                 before={"proposal": _proposal(before)}, after={"proposal": _proposal(row)})
