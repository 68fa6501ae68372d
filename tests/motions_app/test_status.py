import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from motions import services
from motions.models import Motion

from .factories import make_person, make_signed_case

pytestmark = pytest.mark.django_db


def _motions(office, attorney):
    sign_off, _ = make_signed_case(office, attorney, case_number="SEAL-1", seal=True)
    make_signed_case(office, attorney, person=make_person(office, name="B,B"), sign_off=sign_off,
                     case_number="PLAIN-2", relief="PC 1203.4", counts=[("PC 488", "misdemeanor")], seal=False,
                     track="")
    services.generate(office, actor=attorney, sign_off=sign_off, enqueue=False)
    return Motion.objects.get(case_number="SEAL-1"), Motion.objects.get(case_number="PLAIN-2")


def _snapshot():
    return list(Motion.objects.order_by("pk").values("pk", "status", "filed_on", "filed_court", "ruled_on",
                                                       "sealed"))


def test_filing_then_granting_a_sealing_motion_flags_the_record_sealed(office, users):
    attorney = users["paralegal"]
    sealing, plain = _motions(office, users["attorney"])
    assert services.record_status(sealing, "filed", dt.date(2026, 2, 1), actor=attorney, court="Dept. 12")
    assert (sealing.status, sealing.filed_on, sealing.filed_court) == ("filed", dt.date(2026, 2, 1), "Dept. 12")
    assert services.record_status(sealing, "granted", dt.date(2026, 3, 1), actor=attorney)
    assert sealing.sealed and sealing.ruled_on == dt.date(2026, 3, 1)
    assert AuditEvent.objects.filter(action="record.sealed", object_id=str(sealing.person_id)).count() == 1
    assert not services.record_status(sealing, "granted", dt.date(2026, 3, 1), actor=attorney)  # no-op
    services.record_status(plain, "granted", dt.date(2026, 3, 1), actor=attorney)
    assert not plain.sealed  # PC 1203.4 dismisses; it does not seal
    assert AuditEvent.objects.filter(action="motion.status_recorded").count() == 3


def test_a_future_date_is_refused(office, users):
    sealing, _ = _motions(office, users["attorney"])
    with pytest.raises(services.MotionError):
        services.record_status(sealing, "filed", dt.date.today() + dt.timedelta(days=3), actor=users["attorney"])


def test_importing_unknown_case_numbers_reports_them_and_changes_nothing_else(office, users, other_office):
    sealing, plain = _motions(office, users["attorney"])
    # Another office's motion with the same case number must not be touched either.
    other, other_user = other_office
    sign_off, _ = make_signed_case(other, other_user, person=make_person(other), case_number="SEAL-1")
    services.generate(other, actor=other_user, sign_off=sign_off, enqueue=False)
    before = _snapshot()
    content = (b"case_number,status,date,court\r\nNOPE-1,granted,2026-03-01,Dept 1\r\n"
               b"nope-2,denied,03/02/2026,Dept 1\r\n")

    report = services.import_court_response(office, content, actor=users["paralegal"])

    assert report.applied and report.unknown == ["NOPE-1", "nope-2"]
    assert [r.line for r in report.rows] == [2, 3]
    assert _snapshot() == before
    event = AuditEvent.objects.get(action="court_response.imported")
    assert event.after["unknown_case_numbers"] == ["NOPE-1", "nope-2"]


def test_import_applies_known_rows_and_reports_each(office, users, client_for):
    sealing, plain = _motions(office, users["attorney"])
    content = ("\ufeffCase_Number,Status,Date,Court\r\nSEAL-1,granted,2026-03-01,Dept 12\r\n"
               "PLAIN-2,filed,2026-02-01,Dept 3\r\nGHOST-9,granted,2026-03-01,\r\n").encode()
    response = client_for(users["paralegal"]).post(
        "/motions/court-response/", {"file": SimpleUploadedFile("resp.csv", content, content_type="text/csv")})
    assert response.status_code == 200
    report = response.context["report"]
    assert [(r.case_number, r.result) for r in report.rows] == [
        ("SEAL-1", "updated"), ("PLAIN-2", "updated"), ("GHOST-9", "unknown")]
    assert b"GHOST-9" in response.content and b"unknown" in response.content
    sealing.refresh_from_db()
    plain.refresh_from_db()
    assert (sealing.status, sealing.sealed, sealing.filed_court) == ("granted", True, "Dept 12")
    assert (plain.status, plain.filed_on) == ("filed", dt.date(2026, 2, 1))


def test_a_malformed_row_rejects_the_whole_file(office, users):
    sealing, plain = _motions(office, users["attorney"])
    before = _snapshot()
    content = b"case_number,status,date,court\nSEAL-1,granted,2026-03-01,\nPLAIN-2,maybe,2026-03-01,\n"
    report = services.import_court_response(office, content, actor=users["paralegal"])
    assert not report.applied and "Nothing was imported" in report.message
    assert report.rows[0].result == "not applied"
    assert report.rows[1].result == "error" and "maybe" in report.rows[1].message
    assert _snapshot() == before
    missing = services.import_court_response(office, b"case,status\nSEAL-1,granted\n", actor=users["paralegal"])
    assert not missing.applied and "case_number" in missing.message


def test_status_form_records_through_the_page(office, users, client_for):
    sealing, _ = _motions(office, users["attorney"])
    client = client_for(users["paralegal"])
    response = client.post(f"/motions/{sealing.pk}/status/", {"status": "filed", "on": "2026-02-01",
                                                               "court": "Dept. 12"})
    assert response.status_code == 302
    sealing.refresh_from_db()
    assert sealing.status == "filed"
    assert client_for(users["supervisor"]).post(f"/motions/{sealing.pk}/status/", {}).status_code == 403
