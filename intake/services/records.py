"""Saving a normalized record: the person it belongs to, its snapshot, and its case/count rows.

Persons are matched across files and batches: the same CII is the same person; failing that, the
same name and date of birth is very probably the same person (confidence recorded). Every merge is
a ``PersonMerge`` row and can be undone, which splits the snapshot back out.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import service as audit
from eligibility.engine.record import EventKind
from eligibility.engine.record import Person as PersonRecord
from eligibility.engine.serialize import person_from_dict, person_to_dict

from ..models import Case, Count, Person, PersonMerge, RecordSnapshot, SourceFile

NAME_DOB_CONFIDENCE = Decimal("0.900")


@dataclass
class SavedRecord:
    person: Person
    snapshot: RecordSnapshot
    created: bool


def normalized_name(name: str) -> str:
    return " ".join(name.replace(",", " , ").upper().split())


def find_person(office, record: PersonRecord) -> tuple[Person | None, str, Decimal]:
    people = Person.objects.for_office(office)
    if record.cii:
        match = people.filter(cii=record.cii).order_by("id").first()
        if match is not None:
            return match, PersonMerge.Method.CII, Decimal("1.000")
    if record.name and record.dob:
        candidates = people.filter(dob=record.dob).exclude(cii__gt="", cii__isnull=False) if record.cii else \
            people.filter(dob=record.dob)
        wanted = normalized_name(record.name)
        for candidate in candidates.order_by("id")[:50]:
            names = [candidate.name, *candidate.aliases]
            if any(normalized_name(n) == wanted for n in names):
                return candidate, PersonMerge.Method.NAME_DOB, NAME_DOB_CONFIDENCE
    return None, "", Decimal("0")


@transaction.atomic
def save_record(source: SourceFile, record: PersonRecord, *, needs_review: bool = False) -> SavedRecord:
    """Store one person's record read from ``source``; calling it again for the same subject is a no-op."""
    office = source.office
    subject_key = (record.person_key or record.cii or "")[:64]
    existing = RecordSnapshot.objects.for_office(office).filter(source_file=source, subject_key=subject_key).first()
    if existing is not None:
        return SavedRecord(existing.person, existing, False)
    person, method, confidence = find_person(office, record)
    created_person = person is None
    if created_person:
        person = Person.objects.create(
            office=office, cii=record.cii, name=record.name or "(no name)", dob=record.dob, sex=record.sex,
            race=record.race, deceased=record.deceased, aliases=record.aliases,
        )
    data = person_to_dict(record)
    warnings = [w["m"] for w in data["w"]]
    try:
        with transaction.atomic():
            snapshot = RecordSnapshot.objects.create(
                office=office, person=person, source_file=source, subject_key=subject_key, record=data,
                warnings=warnings, needs_review=needs_review, source_rows=record.source_rows,
            )
    except IntegrityError:
        # A redelivered task raced us to the same subject: keep theirs.
        snapshot = RecordSnapshot.objects.get(source_file=source, subject_key=subject_key)
        return SavedRecord(snapshot.person, snapshot, False)
    if not created_person:
        PersonMerge.objects.create(office=office, kept=person, snapshot=snapshot, method=method, confidence=confidence)
        _absorb_identity(person, record)
        audit.record("person.matched", office=office, obj=person, actor_label="worker",
                     after={"snapshot": snapshot.pk, "method": method, "confidence": str(confidence)})
    person.current_snapshot = snapshot
    person.needs_review = needs_review or person.needs_review
    person.save()
    write_cases_and_counts(person, snapshot, record)
    return SavedRecord(person, snapshot, True)


def _absorb_identity(person: Person, record: PersonRecord) -> None:
    if not person.cii and record.cii:
        person.cii = record.cii
    if not person.dob and record.dob:
        person.dob = record.dob
    person.deceased = person.deceased or record.deceased
    for name in [record.name, *record.aliases]:
        if name and name != person.name and name not in person.aliases:
            person.aliases = [*person.aliases, name]
    person.race = person.race or record.race
    person.sex = person.sex or record.sex


def write_cases_and_counts(person: Person, snapshot: RecordSnapshot, record: PersonRecord) -> None:
    """The queryable copy of the court events of a record: one Case per court event, its counts."""
    office = person.office
    cases, events = [], []
    for cycle_index, cycle in enumerate(record.cycles):
        for event_index, event in enumerate(cycle.events):
            if event.kind != EventKind.COURT or not event.counts:
                continue
            cases.append(Case(
                office=office, person=person, snapshot=snapshot, case_number=event.case_number[:60],
                court=event.agency[:120], county=event.county[:60], event_date=event.date,
                cycle_index=cycle_index, event_index=event_index,
            ))
            events.append(event)
    Case.objects.bulk_create(cases, batch_size=500)
    counts = [count_row(office, person, case, count_index, count)
              for case, event in zip(cases, events, strict=True) for count_index, count in enumerate(event.counts)]
    Count.objects.bulk_create(counts, batch_size=1000)


COUNT_VALUE_FIELDS = ("number", "code_section", "attempted", "description", "level", "convicted", "conviction_date",
                      "disposition", "sentence", "source_refs", "warnings")


def count_values(count) -> tuple:
    """The stored columns of a count, in COUNT_VALUE_FIELDS order (no model instance: hot path)."""
    latest = count.dispositions[-1] if count.dispositions else None
    sentence = ", ".join(part.raw or part.kind.value for part in count.sentence)[:200]
    convicted = count.is_conviction
    return (
        count.number, str(count.code_section) if count.code_section else "", count.attempted,
        count.description[:200], count.current_level.value if convicted else count.toc.value, convicted,
        count.conviction_date, latest.kind.value if latest else "", sentence,
        [[r.source, r.line, r.page, r.text[:300]] for r in count.refs], [w.message for w in count.warnings],
    )


def count_row(office, person, case, count_index, count) -> Count:
    return Count(office=office, person=person, case=case, count_index=count_index,
                 **dict(zip(COUNT_VALUE_FIELDS, count_values(count), strict=True)))


def record_of(snapshot: RecordSnapshot) -> PersonRecord:
    return person_from_dict(snapshot.record)


@transaction.atomic
def undo_merge(merge: PersonMerge, user) -> Person:
    """Split a merged snapshot back out into its own person; the merge row stays, marked undone."""
    if merge.undone_at is not None:
        return merge.split_person
    snapshot = merge.snapshot
    record = record_of(snapshot)
    split = Person.objects.create(
        office=merge.office, cii=record.cii if record.cii != merge.kept.cii else "", name=record.name or "(no name)",
        dob=record.dob, sex=record.sex, race=record.race, deceased=record.deceased, aliases=record.aliases,
        current_snapshot=snapshot,
    )
    RecordSnapshot.objects.filter(pk=snapshot.pk).update(person=split)
    Case.objects.filter(snapshot=snapshot).update(person=split)
    Count.objects.filter(case__snapshot=snapshot).update(person=split)
    from eligibility.models import Determination, PersonEvaluation

    Determination.objects.filter(snapshot=snapshot).update(person=split)
    PersonEvaluation.objects.filter(snapshot=snapshot).update(person=split)
    kept = merge.kept
    kept.current_snapshot = kept.snapshots.exclude(pk=snapshot.pk).order_by("-id").first()
    kept.save(update_fields=["current_snapshot"])
    merge.undone_at = timezone.now()
    merge.undone_by = user
    merge.split_person = split
    merge.save(update_fields=["undone_at", "undone_by", "split_person"])
    audit.record("person.merge_undone", office=merge.office, actor=user, obj=merge,
                 after={"kept": kept.pk, "split": split.pk, "snapshot": snapshot.pk})
    return split
