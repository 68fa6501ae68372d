import pytest

from audit.models import AuditEvent
from motions import services
from motions.models import Motion, MotionDocument
from tests.motions import factories as doc_factories

from .factories import make_signed_case

pytestmark = pytest.mark.django_db


def test_an_attorney_generates_previews_and_regenerates_through_the_pages(office, users, client_for, committed):
    attorney = users["attorney"]
    sign_off, _ = make_signed_case(office, attorney, case_number="PAGE-1")
    client = client_for(attorney)
    page = client.get("/motions/generate/")
    assert page.status_code == 200 and f"/motions/sign-offs/{sign_off.pk}/generate/".encode() in page.content
    with committed():
        assert client.post(f"/motions/sign-offs/{sign_off.pk}/generate/").status_code == 302
    motion = Motion.objects.get()
    listing = client.get("/motions/?court=SAN+JOAQUIN&status=draft")
    assert b"PAGE-1" in listing.content and b"Build package for San Joaquin" in listing.content

    detail = client.get(f"/motions/{motion.pk}/")
    document = MotionDocument.objects.get()
    assert f'<iframe class="pdf" src="/motions/documents/{document.pk}/pdf/"'.encode() in detail.content
    inline = client.get(f"/motions/documents/{document.pk}/pdf/")
    assert inline["Content-Type"] == "application/pdf" and inline["Content-Disposition"].startswith("inline")
    assert inline.get("X-Frame-Options", "SAMEORIGIN") == "SAMEORIGIN"
    attached = client.get(f"/motions/documents/{document.pk}/pdf/?download=1")
    assert attached["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="motion_document.downloaded").count() == 1
    assert AuditEvent.objects.filter(action="motion_document.viewed").count() == 1

    with committed():
        client.post(f"/motions/{motion.pk}/regenerate/")
    assert b"v2" in client.get(f"/motions/{motion.pk}/").content
    assert client.get(f"/motions/{motion.pk}/?version=1").context["shown"].version == 1


def test_signature_upload_page(office, users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["attorney"])
    png = SimpleUploadedFile("sig.png", doc_factories.signature_png(), content_type="image/png")
    assert client.post("/motions/signature/", {"image": png}).status_code == 302
    assert client.get("/motions/signature/image/").status_code == 200
    refused = client.post("/motions/signature/", {"image": SimpleUploadedFile("x.png", b"not an image")})
    assert b"not a PNG or JPEG" in refused.content
    assert client.post("/motions/signature/", {"remove": "1"}).status_code == 302
    assert client.get("/motions/signature/image/").status_code == 404


@pytest.mark.parametrize("role", ["attorney", "paralegal", "supervisor"])
def test_the_list_opens_for_every_role_that_views_motions(users, client_for, role):
    assert client_for(users[role]).get("/motions/").status_code == 200


def test_a_reopened_sign_off_cannot_be_generated(office, users, client_for):
    from django.utils import timezone

    sign_off, _ = make_signed_case(office, users["attorney"])
    sign_off.reopened_at = timezone.now()
    sign_off.save()
    client_for(users["attorney"]).post(f"/motions/sign-offs/{sign_off.pk}/generate/")
    assert not Motion.objects.exists()
    assert services.generate(office, sign_off=sign_off, enqueue=False).created == []
