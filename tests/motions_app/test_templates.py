"""The two real court forms, uploaded by an office admin, mapped, and filled from stored decisions."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from motions import services
from motions.documents import apply_mapping, data_items, fill_with_mapping
from motions.models import Motion, MotionDocument, MotionTemplate
from tests.motions.test_acroform import MISDEMEANOR_MAPPING, MOTION_MAPPING, TEMPLATES

from .factories import make_person, make_signed_case
from .helpers import read

pytestmark = pytest.mark.django_db

FORMS = {
    "prop64_motion.pdf": ("prop64_felony", MOTION_MAPPING, [("HS 11359", "felony"), ("HS 11357(a)", "felony"),
                                                             ("HS 11364", "misdemeanor")]),
    "prop64_misdemeanors.pdf": ("prop64_misdemeanor", MISDEMEANOR_MAPPING, [("HS 11357(b)", "misdemeanor"),
                                                                           ("HS 11360(b)", "misdemeanor")]),
}


def _flat(value):
    return str(value).lstrip("/")


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_real_form_uploaded_and_mapped_is_filled_from_signed_off_decisions(form, office, users, committed):
    relief_type, mapping, counts = FORMS[form]
    admin, attorney = users["officeadmin"], users["attorney"]
    template = services.upload_template(office, actor=admin, name=form, relief_type=relief_type,
                                        content=(TEMPLATES / form).read_bytes())
    services.save_mapping(template, mapping, actor=admin)
    person = make_person(office, name="WALLACE,TERRENCE")
    sign_off, _ = make_signed_case(office, attorney, person=person, case_number="SCN-2044871", counts=counts)
    with committed():
        services.generate(office, actor=attorney, sign_off=sign_off)

    document = MotionDocument.objects.get()
    assert (document.template_id, document.template_version) == (template.pk, 1)
    assert document.template_label == f"{form} v1"
    generated = PdfReader(io.BytesIO(read(document.pdf)))
    assert not generated.get_fields()  # flattened: nothing left for anyone to edit
    text = generated.pages[0].extract_text()
    assert "SCN-2044871" in text.replace(" ", "") and "WALLACE" in text

    # The same stored data, filled without flattening, holds every mapped value.
    motion = Motion.objects.get()
    case = services.motion_case(motion, services.backing_decisions(motion))
    office_data, attorney_data = services.office_data(office), services.attorney_data(sign_off)
    expected = apply_mapping(mapping, data_items(case, office_data, attorney_data))
    unflattened = fill_with_mapping(read(template.pdf), mapping, case, office_data, attorney_data, flatten=False)
    fields = PdfReader(io.BytesIO(unflattened)).get_fields()
    types = {f["name"]: f["type"] for f in template.fields}
    for name, value in expected.items():
        held = fields[name].get("/V")
        if types[name] in ("checkbox", "radio"):
            ticked = value is True or str(value).lower() in ("true", "yes", "on", "1")
            assert (_flat(held) not in ("Off", "", "None")) == ticked, name
        else:
            assert str(held or "") == str(value), name
    assert document.data["form_values"] == dict(expected)
    assert expected[next(k for k, v in mapping.items() if v == "case_number")] == "SCN-2044871"
    assert "WALLACE, TERRENCE" in expected[next(k for k, v in mapping.items() if v == "defendant_caption")]


def test_admin_uploads_maps_and_previews_through_the_pages(office, users, client_for):
    client = client_for(users["officeadmin"])
    pdf = (TEMPLATES / "prop64_motion.pdf").read_bytes()
    response = client.post("/motions/templates/", {
        "name": "SF Prop 64 motion", "relief_type": "prop64_felony",
        "file": SimpleUploadedFile("prop64_motion.pdf", pdf, content_type="application/pdf"),
    })
    template = MotionTemplate.objects.get()
    assert response.status_code == 302 and response.url == f"/motions/templates/{template.pk}/"
    assert len(template.fields) == 34
    assert template.mapping["SCN"] == "case_number"  # suggested before the admin touches it

    page = client.get(f"/motions/templates/{template.pk}/")
    assert page.status_code == 200 and b"11357  Possession of Marijuana" in page.content
    post = {f"f{i}": MOTION_MAPPING.get(spec["name"], "") for i, spec in enumerate(template.fields)}
    assert client.post(f"/motions/templates/{template.pk}/", post).status_code == 302
    template.refresh_from_db()
    assert template.mapping == MOTION_MAPPING

    preview = client.get(f"/motions/templates/{template.pk}/preview/")
    assert preview["Content-Type"] == "application/pdf"
    assert "SAMPLE" in PdfReader(io.BytesIO(preview.content)).pages[0].extract_text()

    post[next(f"f{i}" for i, s in enumerate(template.fields) if s["name"] == "SCN")] = "no_such_item"
    refused = client.post(f"/motions/templates/{template.pk}/", post)
    assert refused.status_code == 200 and b"no_such_item" in refused.content
    template.refresh_from_db()
    assert template.mapping == MOTION_MAPPING


def test_a_second_upload_is_a_new_version_that_keeps_the_mapping(office, users):
    admin = users["officeadmin"]
    pdf = (TEMPLATES / "prop64_misdemeanors.pdf").read_bytes()
    first = services.upload_template(office, actor=admin, name="misd", relief_type="prop64_misdemeanor", content=pdf)
    services.save_mapping(first, MISDEMEANOR_MAPPING, actor=admin)
    second = services.upload_template(office, actor=admin, name="misd", relief_type="prop64_misdemeanor",
                                      content=pdf)
    first.refresh_from_db()
    assert second.version == 2 and second.active and not first.active
    assert second.mapping == {**second.mapping, **MISDEMEANOR_MAPPING}


def test_a_pdf_without_fields_is_refused(office, users):
    from motions.documents import render_motion
    from tests.motions import factories as doc_factories

    flat = render_motion(doc_factories.make_case("pc1203_4"), doc_factories.office(), doc_factories.attorney())
    with pytest.raises(services.MotionError, match="no fillable fields"):
        services.upload_template(office, actor=users["officeadmin"], name="x", relief_type="pc1203_4", content=flat)


def test_only_office_admins_manage_templates(users, client_for):
    for role in ("attorney", "paralegal", "supervisor"):
        assert client_for(users[role]).get("/motions/templates/").status_code == 403
