"""Determinations and decisions for review tests, with the fields the queue filters on."""

import datetime as dt

from eligibility.models import Determination
from review.models import SignOff
from tests import factories

QUESTION_TEXT = {
    "plea_bargain": "The record does not say whether this was a plea bargain.",
    "quantity_unknown": "The quantity is not on the record.",
    "sentence_unknown": "The sentence is not on the record.",
    "court_not_in_county": "The court is in another county.",
    "parse_warning": "A line could not be read with certainty.",
}


def make_person(office, **kwargs):
    return factories.make_person(office, **kwargs)


def determination(person, *, outcome="dismiss", relief="HS 11361.8", code_section="HS 11357(b)",
                  level="misdemeanor", batch=None, questions=(), reduce_to="", county="SAN JOAQUIN",
                  disposition_date=dt.date(2012, 3, 4), source_refs=None, count=None):
    count = count or factories.make_count(person, code_section=code_section, level=level)
    if source_refs is not None:
        count.source_refs = source_refs
        count.save(update_fields=["source_refs"])
    return Determination.objects.create(
        office=person.office, person=person, snapshot=person.current_snapshot, count=count, batch=batch,
        relief=relief, outcome=outcome, reduce_to=reduce_to, code_section=code_section, level=level,
        case_number=count.case.case_number, court_county=county, count_number=count.number,
        disposition_date=disposition_date,
        questions=[{"code": q, "text": QUESTION_TEXT.get(q, q)} for q in questions],
        question_codes=" ".join(sorted(questions)),
        reasons=[f"{code_section} is listed in {relief} (test)"], rule_set_version="2026.1", policy_version="law-minimum",
        as_of=dt.date(2026, 1, 15), input_hash="0" * 64,
    )


def make_determination(office, **kwargs):
    person = kwargs.pop("person", None) or make_person(office)
    return determination(person, **kwargs)


def make_decision(office, *, user=None, action="approve", **kwargs):
    from review import services

    d = make_determination(office, **kwargs)
    user = user or office.users.filter(roles__contains=["attorney"]).first() or office.users.first()
    return services.decide(d, user, action, "" if action == "approve" else "test reason")


def make_sign_off(office):
    decision = make_decision(office)
    return SignOff.objects.create(office=office, attorney=decision.decided_by, bar_number="1", scope="person",
                                  person=decision.person, content={}, content_hash="0" * 64)

