"""Build stored objects of a given office for tests (one function per model, sensible defaults)."""

import datetime as dt
import hashlib
import itertools

from eligibility.models import Determination
from intake.models import Batch, Case, Count, Person, RecordSnapshot, SourceFile, SourceKind

_seq = itertools.count(1)


def a_user_of(office):
    return office.users.first()


def make_batch(office, *, kind=SourceKind.RAP_SHEET, name=None, user=None):
    return Batch.objects.create(office=office, kind=kind, name=name or f"batch {next(_seq)}", created_by=user or a_user_of(office))


def make_source_file(office, *, batch=None, name="sheet.txt", content=b"x"):
    batch = batch or make_batch(office)
    digest = hashlib.sha256(content + str(next(_seq)).encode()).hexdigest()
    return SourceFile.objects.create(
        office=office, batch=batch, kind=batch.kind, original_name=name, sha256=digest, size=len(content),
        uploaded_by=batch.created_by,
    )


def make_person(office, *, name="DOE,JANE", cii="", dob=dt.date(1980, 1, 1)):
    person = Person.objects.create(office=office, name=name, cii=cii or f"A{next(_seq):08d}", dob=dob)
    source = make_source_file(office)
    snapshot = RecordSnapshot.objects.create(
        office=office, person=person, source_file=source, subject_key=person.cii, record={"names": []}
    )
    person.current_snapshot = snapshot
    person.save(update_fields=["current_snapshot"])
    return person


def make_count(person, *, code_section="HS 11357(b)", level="misdemeanor"):
    snapshot = person.current_snapshot
    case = Case.objects.create(
        office=person.office, person=person, snapshot=snapshot, case_number=f"C{next(_seq)}", county="SAN JOAQUIN",
        cycle_index=0, event_index=0,
    )
    return Count.objects.create(
        office=person.office, person=person, case=case, count_index=0, number=1, code_section=code_section,
        level=level, convicted=True, conviction_date=dt.date(2010, 1, 1),
    )


def make_determination(person=None, *, office=None, outcome="dismiss", relief="HS 11361.8", count=None, batch=None):
    person = person or make_person(office)
    count = count or make_count(person)
    return Determination.objects.create(
        office=person.office, person=person, snapshot=person.current_snapshot, count=count, batch=batch,
        relief=relief, outcome=outcome, code_section=count.code_section, level=count.level,
        case_number=count.case.case_number, court_county=count.case.county, count_number=count.number,
        reasons=["test reason (HS 11361.8)"], rule_set_version="test", policy_version="test",
        as_of=dt.date(2026, 1, 15), input_hash="0" * 64,
    )
