import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from audit.models import AuditEvent
from motions import services
from motions.documents import pool
from motions.models import Motion, MotionDocument
from motions.tasks import render_motion_document
from tests.motions import factories as doc_factories

from .factories import make_person, make_sign_off, make_signed_case
from .helpers import pages, pdf_text, read, squeeze

pytestmark = pytest.mark.django_db


def test_one_motion_per_person_case_and_relief_type(office, attorney, committed):
    person = make_person(office, name="GARCIA,MARIA")
    sign_off, _ = make_signed_case(office, attorney, person=person, case_number="SJ-100",
                                   counts=[("HS 11359", "felony"), ("HS 11357(a)", "felony")])
    # A misdemeanor Prop 64 count of the same case rides on the felony pleading: one petition per case.
    make_signed_case(office, attorney, person=person, sign_off=sign_off, case_number="SJ-100",
                     counts=[("HS 11357(b)", "misdemeanor")])
    make_signed_case(office, attorney, person=person, sign_off=sign_off, case_number="SJ-150",
                     counts=[("HS 11357(b)", "misdemeanor")])
    make_signed_case(office, attorney, person=person, sign_off=sign_off, case_number="SJ-200",
                     counts=[("PC 488", "misdemeanor")], relief="PC 1203.4", seal=False, track="")

    with committed():
        report = services.generate(office, actor=attorney, sign_off=sign_off)

    motions = {(m.case_number, m.relief_type): m for m in Motion.objects.for_office(office)}
    assert set(motions) == {("SJ-100", "prop64_felony"), ("SJ-150", "prop64_misdemeanor"), ("SJ-200", "pc1203_4")}
    assert motions[("SJ-100", "prop64_felony")].decisions.count() == 3
    assert len(report.created) == 3 and not report.skipped
    # One audit event for the run, listing every motion it created and the decisions behind each.
    event = AuditEvent.objects.get(action="motion.created")
    assert sorted(m["id"] for m in event.after["motions"]) == sorted(report.created)
    felony = next(m for m in event.after["motions"] if m["relief_type"] == "prop64_felony")
    assert felony["case_number"] == "SJ-100" and len(felony["decisions"]) == 3
    rendered = AuditEvent.objects.get(action="motion.document_rendered")
    assert sorted(d["motion_id"] for d in rendered.after["documents"]) == sorted(report.created)
    assert {d["sha256"] for d in rendered.after["documents"]} == set(
        MotionDocument.objects.values_list("sha256", flat=True))


def test_only_active_signed_unreopened_dismiss_or_reduce_decisions_make_motions(office, attorney, committed):
    kept, _ = make_signed_case(office, attorney, case_number="KEEP")
    reopened, _ = make_signed_case(office, attorney, case_number="REOPENED")
    reopened.reopened_at = timezone.now()
    reopened.save()
    _, undone = make_signed_case(office, attorney, case_number="UNDONE")
    undone[0].active = False
    undone[0].save()
    _, unsigned = make_signed_case(office, attorney, case_number="UNSIGNED")
    unsigned[0].sign_off = None
    unsigned[0].save()
    make_signed_case(office, attorney, case_number="REFUSED", outcome="not_eligible")
    _, arrest = make_signed_case(office, attorney, case_number="ARREST", relief="PC 851.93")

    report = services.generate(office, actor=attorney)

    assert list(Motion.objects.for_office(office).values_list("case_number", flat=True)) == ["KEEP"]
    assert [(s.decision_id, s.relief) for s in report.skipped] == [(arrest[0].pk, "PC 851.93")]
    assert "without a court motion" in report.skipped[0].reason


@pytest.mark.parametrize(
    ("relief", "level", "expected"),
    [("HS 11361.8", "felony", "prop64_felony"), ("HS 11361.8", "misdemeanor", "prop64_misdemeanor"),
     ("HS 11361.8", "infraction", "prop64_misdemeanor"), ("PC 1203.4", "misdemeanor", "pc1203_4"),
     ("PC 1203.4a", "misdemeanor", "pc1203_4"), ("PC 1203.41", "felony", "pc1203_4"),
     ("PC 1203.42", "felony", "pc1203_4"), ("PC 17(d)(2)", "misdemeanor", "pc1203_4"),
     ("PC 1203.425", "felony", "pc1203_4"), ("PC 17(b)", "felony", "pc17b"), ("PC 1170.18", "felony", "prop47"),
     ("PC 851.93", "", None)],
)
def test_relief_maps_to_the_pleading_it_is_argued_on(relief, level, expected):
    assert services.relief_type_for(relief, level) == expected


def test_generated_pdf_says_who_what_and_under_which_law(office, attorney, committed):
    person = make_person(office, name="NGUYEN,LINH")
    person.aliases = ["NGUYEN,L"]
    person.save()
    sign_off, _ = make_signed_case(office, attorney, person=person, case_number="SJ-2011-0042",
                                   counts=[("HS 11359", "felony"), ("HS 11360(a)", "felony")],
                                   outcome="reduce", reduce_to="misdemeanor", seal=False)
    with committed():
        services.generate(office, actor=attorney, sign_off=sign_off)  # Celery runs eagerly in unit tests

    document = MotionDocument.objects.get(motion__case_number="SJ-2011-0042")
    pdf = read(document.pdf)
    text = squeeze(pdf_text(pdf))
    assert "NGUYEN, LINH" in text and "AKA NGUYEN, L" in text
    assert "SJ-2011-0042" in text
    assert "HS 11359" in text and "HS 11360(a)" in text
    assert "reduce to misdemeanor" in text
    assert "11361.8(f)" in text
    assert "Superior Court" in text.replace("SUPERIOR COURT", "Superior Court") and "San Joaquin" in text.title()
    assert "/s/ Ana Attorney" in text and "123456" in text
    assert document.version == 1 and document.signed_by == attorney
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.template is None and document.template_label == services.BUILT_IN_LABEL
    assert document.data["case"]["case_number"] == "SJ-2011-0042"
    assert [c["code_section"] for c in document.data["case"]["counts"]] == ["HS 11359", "HS 11360(a)"]
    assert document.data["attorney"] == {"name": "Ana Attorney", "bar_number": "123456",
                                         "title": "Deputy District Attorney", "signature": "/s/",
                                         "signature_image_sha256": ""}


@pytest.mark.parametrize("relief,section,level,citation", [
    ("PC 1203.4", "PC 488", "misdemeanor", "1203.4"),
    ("PC 17(b)", "PC 496(a)", "felony", "17(b)"),
    ("PC 1170.18", "HS 11350(a)", "felony", "1170.18"),
])
def test_each_relief_type_renders_its_citation(office, attorney, relief, section, level, citation, committed):
    sign_off, _ = make_signed_case(office, attorney, case_number="CASE-7", counts=[(section, level)], relief=relief,
                                   outcome="reduce" if relief != "PC 1203.4" else "dismiss", seal=False, track="")
    with committed():
        services.generate(office, actor=attorney, sign_off=sign_off)
    text = squeeze(pdf_text(read(MotionDocument.objects.get().pdf)))
    assert "CASE-7" in text and section in text and citation in text and "GARCIA, MARIA" in text


def test_a_long_case_runs_over_several_pages_and_lists_every_count(office, attorney, committed):
    sections = [f"HS 1135{7 + i % 3}" for i in range(45)]
    sign_off, _ = make_signed_case(office, attorney, case_number="BIG-1",
                                   counts=[(s, "felony") for s in sections])
    with committed():
        services.generate(office, actor=attorney, sign_off=sign_off)
    pdf = read(MotionDocument.objects.get().pdf)
    text = squeeze(pdf_text(pdf))
    assert pages(pdf) > 3
    for number in (1, 23, 45):
        assert f"{number} {sections[number - 1]}" in text
    assert text.count("BIG-1") >= 2  # the caption, and the proposed order's caption


def test_generating_twice_and_redelivered_tasks_create_nothing_new(office, attorney, committed):
    sign_off, _ = make_signed_case(office, attorney)
    with committed():
        services.generate(office, actor=attorney, sign_off=sign_off)
    again = services.generate(office, actor=attorney, sign_off=sign_off)
    motion = Motion.objects.get()
    render_motion_document.delay(motion.pk, 1, attorney.pk)  # a redelivered message

    assert again.created == [] and again.existing == [motion.pk] and again.to_render == []
    assert list(motion.documents.values_list("version", flat=True)) == [1]


def test_regenerating_adds_a_version_and_keeps_the_old_one(office, attorney, committed):
    sign_off, _ = make_signed_case(office, attorney)
    with committed():
        services.generate(office, actor=attorney, sign_off=sign_off)
    motion = Motion.objects.get()
    first = motion.documents.get()

    with committed():
        assert services.request_regeneration(motion, actor=attorney) == 2
    versions = {d.version: d for d in motion.documents.all()}
    assert set(versions) == {1, 2}
    assert read(versions[1].pdf) == read(first.pdf)  # the old file is untouched
    assert versions[1].pdf.name != versions[2].pdf.name
    assert AuditEvent.objects.filter(action="motion.document_rendered").count() == 2


def test_regeneration_is_refused_once_the_sign_off_is_reopened(office, attorney, committed):
    sign_off, _ = make_signed_case(office, attorney)
    with committed():
        services.generate(office, actor=attorney, sign_off=sign_off)
    sign_off.reopened_at = timezone.now()
    sign_off.save()
    with pytest.raises(services.MotionError):
        services.request_regeneration(Motion.objects.get(), actor=attorney)


def test_an_uploaded_signature_image_replaces_the_s_line(office, attorney, committed):
    services.save_signature(attorney, doc_factories.signature_png(), "sig.png")
    sign_off, _ = make_signed_case(office, attorney)
    with committed():
        services.generate(office, actor=attorney, sign_off=sign_off)
    document = MotionDocument.objects.get()
    pdf = read(document.pdf)
    assert "/s/ Ana Attorney" not in pdf_text(pdf)
    assert b"/Subtype /Image" in pdf
    assert document.data["attorney"]["signature"] == "image"
    assert AuditEvent.objects.filter(action="signature.uploaded").exists()


def test_co_defendants_sharing_a_case_number_each_get_a_motion(office, attorney, committed):
    sign_off = make_sign_off(office, attorney)
    for name in ("ONE,ANA", "TWO,BEN"):
        make_signed_case(office, attorney, person=make_person(office, name=name), sign_off=sign_off,
                         case_number="SHARED-1")
    with committed():
        services.generate(office, actor=attorney, sign_off=sign_off)
    assert Motion.objects.filter(case_number="SHARED-1").count() == 2


def test_decisions_signed_later_join_their_motion(office, attorney):
    sign_off, _ = make_signed_case(office, attorney, case_number="SJ-300")
    services.generate(office, actor=attorney, sign_off=sign_off, enqueue=False)
    make_signed_case(office, attorney, person=Motion.objects.get().person, sign_off=sign_off, case_number="SJ-300",
                     counts=[("HS 11360(a)", "felony")])

    again = services.generate(office, actor=attorney, sign_off=sign_off, enqueue=False)

    motion = Motion.objects.get()
    assert again.created == [] and again.existing == [motion.pk] and again.to_render == [motion.pk]
    assert motion.decisions.count() == 2
    assert AuditEvent.objects.filter(action="motion.created").count() == 1


def test_many_motions_render_in_a_pool_with_one_audit_event(office, attorney, monkeypatch):
    monkeypatch.setattr(pool, "MIN_POOLED", 2)
    sign_off = make_sign_off(office, attorney)
    for i in range(4):
        make_signed_case(office, attorney, person=make_person(office, name=f"PERSON,NUMBER{i}"),
                         sign_off=sign_off, case_number=f"POOL-{i}")
    report = services.generate(office, actor=attorney, sign_off=sign_off, enqueue=False)

    pooled = services.render_documents([(i, 1) for i in report.to_render], workers=2)

    assert sorted(pooled) == sorted(report.to_render)
    for motion_id, document in pooled.items():
        pdf = read(document.pdf)
        assert document.motion_id == motion_id and document.sha256 == hashlib.sha256(pdf).hexdigest()
        assert document.data["case"]["case_number"] in pdf_text(pdf)
    # A process renders exactly what this one does.
    inline = services.render_documents([(i, 2) for i in report.to_render], workers=1)
    assert {m: d.sha256 for m, d in inline.items()} == {m: d.sha256 for m, d in pooled.items()}
    events = AuditEvent.objects.filter(action="motion.document_rendered")
    assert events.count() == 2 and all(len(e.after["documents"]) == 4 for e in events)
    # Asked again, the stored versions come back as they are.
    assert services.render_documents([(i, 1) for i in report.to_render], workers=2) == pooled
    assert MotionDocument.objects.count() == 8


def test_a_version_stored_meanwhile_wins_and_our_file_is_dropped(office, attorney, monkeypatch):
    sign_off, _ = make_signed_case(office, attorney)
    services.generate(office, actor=attorney, sign_off=sign_off, enqueue=False)
    motion = Motion.objects.get()
    real_render_many = services.render_many

    def another_delivery_first(tasks, shared, workers=1):
        monkeypatch.setattr(services, "render_many", real_render_many)
        winner["document"] = services.render_document(motion.pk, 1)
        return real_render_many(tasks, shared, workers=workers)

    winner = {}
    monkeypatch.setattr(services, "render_many", another_delivery_first)
    document = services.render_document(motion.pk, 1)

    assert document == winner["document"]
    assert list(motion.documents.values_list("version", flat=True)) == [1]
    stored = {p.name for p in Path(settings.MEDIA_ROOT).rglob("*.pdf")}
    assert stored == {Path(document.pdf.name).name}
    assert AuditEvent.objects.filter(action="motion.document_rendered").count() == 1
