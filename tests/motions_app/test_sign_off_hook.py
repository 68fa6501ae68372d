"""Signing off in review generates the motions: review.services.sign_off queues it on commit."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from motions.models import Motion, MotionDocument
from review import services as review
from review.models import Decision, SignOff
from tests import factories

from .factories import make_person, make_signed_case

pytestmark = pytest.mark.django_db


def _decided_not_signed(office, attorney, batch, **kwargs):
    """Decisions as an attorney leaves them before signing: active, with no sign-off yet."""
    placeholder, decisions = make_signed_case(office, attorney, batch=batch, **kwargs)
    Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(sign_off=None)
    placeholder.delete()
    return decisions


def test_signing_off_a_batch_generates_and_renders_its_motions(office, attorney, committed):
    batch = factories.make_batch(office, name="January")
    _decided_not_signed(office, attorney, batch, person=make_person(office, name="GARCIA,MARIA"),
                        case_number="SJ-1", counts=[("HS 11359", "felony"), ("HS 11357(a)", "felony")])
    _decided_not_signed(office, attorney, batch, person=make_person(office, name="NGUYEN,LINH"),
                        case_number="SJ-2", counts=[("PC 488", "misdemeanor")], relief="PC 1203.4", seal=False,
                        track="")
    _decided_not_signed(office, attorney, batch, case_number="SJ-3", outcome="not_eligible")

    with committed():
        signed = review.sign_off(attorney, batch=batch)

    motions = Motion.objects.filter(sign_off=signed)
    assert sorted(motions.values_list("case_number", "relief_type")) == [("SJ-1", "prop64_felony"),
                                                                        ("SJ-2", "pc1203_4")]
    assert MotionDocument.objects.filter(motion__in=motions, version=1).count() == 2
    created = AuditEvent.objects.get(action="motion.created")
    assert created.actor == attorney and len(created.after["motions"]) == 2


def test_nothing_is_generated_when_the_sign_off_rolls_back(office, attorney, committed):
    batch = factories.make_batch(office, name="January")
    _decided_not_signed(office, attorney, batch, case_number="SJ-1")

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        review.sign_off(attorney, batch=batch)
        raise RuntimeError("the request failed after signing")

    assert not SignOff.objects.exists() and not Motion.objects.exists()
