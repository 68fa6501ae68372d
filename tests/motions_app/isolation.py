"""Builders for motions URL kwargs, used by the office-isolation walk."""

from django.core.files.base import ContentFile

from motions.models import FilingPackage, Motion, MotionDocument, MotionTemplate
from tests.factories import a_user_of

from .factories import make_sign_off, make_signed_case


def _attorney(office):
    return a_user_of(office)


def _motion(office):
    sign_off, decisions = make_signed_case(office, _attorney(office))
    motion = Motion.objects.create(office=office, person=decisions[0].person, sign_off=sign_off,
                                   relief_type="prop64_felony", case_number="X-1", court_county="YOLO")
    motion.decisions.set(decisions)
    return motion


def _document(office):
    motion = _motion(office)
    document = MotionDocument(office=office, motion=motion, version=1, template_label="Built-in pleading",
                              sha256="0" * 64, data={}, signed_by=_attorney(office))
    document.pdf.save("isolation.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return document.pk


def _package(office):
    package = FilingPackage(office=office, court_county="YOLO", sha256="0" * 64, motion_count=0,
                            created_by=_attorney(office))
    package.zip_file.save("isolation.zip", ContentFile(b"PK"), save=True)
    return package.pk


def _template(office):
    template = MotionTemplate(office=office, name="other", relief_type="prop64_felony", sha256="0" * 64,
                              created_by=_attorney(office))
    template.pdf.save("isolation.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return template.pk


BUILDERS = {
    "motion_id": lambda office: _motion(office).pk,
    "document_id": _document,
    "package_id": _package,
    "template_id": _template,
    "sign_off_id": lambda office: make_sign_off(office, _attorney(office)).pk,
}
