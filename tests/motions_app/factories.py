"""Signed-off decisions built straight with the ORM, so these tests do not wait on review's services."""

import datetime as dt
import hashlib
import itertools

from eligibility.models import Determination
from intake.models import Case, Count
from review.models import Decision, SignOff
from tests import factories

_seq = itertools.count(1)


def make_person(office, name="GARCIA,MARIA", **kwargs):
    return factories.make_person(office, name=name, **kwargs)


def make_sign_off(office, attorney, *, batch=None, person=None):
    return SignOff.objects.create(
        office=office, attorney=attorney, bar_number=attorney.bar_number or "123456",
        scope="batch" if batch else "person", person=person, batch=batch,
        content_hash=hashlib.sha256(str(next(_seq)).encode()).hexdigest(), content={},
    )


def make_signed_case(office, attorney, *, person=None, sign_off=None, batch=None, case_number=None,
                     county="SAN JOAQUIN", counts=(("HS 11359", "felony"),), relief="HS 11361.8",
                     outcome="dismiss", reduce_to="", seal=True, track="redesignation", action="approve",
                     conviction_date=dt.date(2011, 3, 4)):
    """One court case of ``person`` with ``counts`` [(code section, level)], each decided and signed off."""
    person = person or make_person(office)
    sign_off = sign_off or make_sign_off(office, attorney, batch=batch, person=None if batch else person)
    case = Case.objects.create(
        office=office, person=person, snapshot=person.current_snapshot,
        case_number=case_number or f"SJ-{next(_seq):06d}", county=county, cycle_index=0, event_index=0,
    )
    decisions = []
    for number, (code_section, level) in enumerate(counts, start=1):
        count = Count.objects.create(
            office=office, person=person, case=case, count_index=number - 1, number=number,
            code_section=code_section, level=level, convicted=True, conviction_date=conviction_date,
        )
        determination = Determination.objects.create(
            office=office, person=person, snapshot=person.current_snapshot, count=count, batch=batch,
            relief=relief, outcome=outcome, reduce_to=reduce_to, seal=seal, track=track,
            code_section=code_section, level=level, case_number=case.case_number, court_county=county,
            count_number=number, reasons=[f"Eligible under {relief}"], rule_set_version="test",
            policy_version="test", as_of=dt.date(2026, 1, 15), input_hash="0" * 64,
        )
        decisions.append(Decision.objects.create(
            office=office, determination=determination, person=person, action=action, final_outcome=outcome,
            final_reduce_to=reduce_to, decided_by=attorney, sign_off=sign_off,
        ))
    return sign_off, decisions
