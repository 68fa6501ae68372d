import io
import re
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from motions.documents.acroform import (
    FormFillError,
    apply_mapping,
    data_items,
    fill_form,
    fill_with_mapping,
    list_fields,
    suggest_mapping,
)
from motions.documents.data import PROP64_FELONY, PROP64_MISDEMEANOR, MotionCase, MotionCount
from tests.motions import factories

TEMPLATES = Path("/work/shared/reference/motion-templates")
OFFICE = factories.office()
ATTORNEY = factories.attorney()

# The mappings an admin would save for San Francisco's two Prop 64 forms. The court's half of
# each form (orders, judge's date) is deliberately left unmapped.
MOTION_MAPPING = {
    "Assistant District Attorney": "attorney_name",
    "CA SB": "attorney_bar_number",
    "Defendant": "defendant_caption",
    "SCN": "case_number",
    "FOR RESENTENCING OR DISMISSAL HS  113618b": "relief_b",
    "FOR REDESIGNATION OR DISMISSALSEALING HS  113618f": "relief_f",
    "11357  Possession of Marijuana": "code:HS 11357",
    "11358  Cultivation of Marijuana": "code:HS 11358",
    "11359  Possession of Marijuana for Sale": "code:HS 11359",
    "11360  Transportation Distribution or": "code:HS 11360",
    "11357 Count": "code_count:HS 11357",
    "11358 Count": "code_count:HS 11358",
    "11359 Count": "code_count:HS 11359",
    "11360 Count": "code_count:HS 11360",
    "Other Health and Safety Code Section": "has_other_sections",
    "Text2": "other_sections",
    "The District Attorney finds that defendant is eligible for relief and now requests the court to recall and resentence": "const:true",
    "Executed on": "signed_on",
    "Signature1_es_:signer:signature": "signature",
}
MISDEMEANOR_MAPPING = {
    "defendant": "defendant_caption",
    "court_number": "case_number",
    "dismissal": "relief_dismiss",
    "11357a": "code:HS 11357(a)",
    "11357b": "code:HS 11357(b)",
    "11357c": "code:HS 11357(c)",
    "11360b": "code:HS 11360(b)",
    "others": "has_other_sections",
    "other_charges_description": "other_sections",
    "completed_sentence": "const:true",
    "record_sealed": "relief_seal",
    "date": "signed_on",
}


def felony_case() -> MotionCase:
    counts = [
        MotionCount(1, "HS 11359", "felony", "reduce to misdemeanor", "HS 11361.8(f)"),
        MotionCount(2, "HS 11357(a)", "felony", "dismiss and seal", "HS 11361.8(f)"),
        MotionCount(3, "HS 11359", "felony", "reduce to misdemeanor", "HS 11361.8(f)"),
        MotionCount(4, "HS 11364", "misdemeanor", "dismiss and seal", "HS 11361.8(f)"),
    ]
    return MotionCase(
        PROP64_FELONY,
        "Superior Court of California, County of San Francisco",
        "San Francisco",
        "SCN-2044871",
        "TERRENCE WALLACE",
        counts,
        date(2026, 1, 15),
        aliases=["T. WALLACE"],
        track="redesignation",
    )


def misdemeanor_case() -> MotionCase:
    counts = [
        MotionCount(1, "HS 11357(b)", "misdemeanor", "dismiss and seal", "HS 11361.8(e)"),
        MotionCount(2, "HS 11360(b)", "misdemeanor", "dismiss and seal", "HS 11361.8(e)"),
    ]
    return MotionCase(
        PROP64_MISDEMEANOR,
        "Superior Court of California, County of San Francisco",
        "San Francisco",
        "MCN-13004455",
        "ROSA DELGADO",
        counts,
        date(2026, 2, 3),
        aliases=["ROSA D. MARTINEZ"],
    )


CASES = {
    "prop64_motion.pdf": (MOTION_MAPPING, felony_case),
    "prop64_misdemeanors.pdf": (MISDEMEANOR_MAPPING, misdemeanor_case),
}


def template(name: str) -> bytes:
    return (TEMPLATES / name).read_bytes()


def squeeze(text: str) -> str:
    # Flattened values sit on the form's underscores, which the extractor interleaves with them.
    return re.sub(r"[\s_]+", "", text)


def test_it_lists_the_real_forms_fields_with_their_own_export_values():
    motion = {f.name: f for f in list_fields(template("prop64_motion.pdf"))}
    misdemeanors = {f.name: f for f in list_fields(template("prop64_misdemeanors.pdf"))}

    assert len(motion) == 34
    assert motion["Defendant"].type == "text"
    assert motion["11357  Possession of Marijuana"].type == "checkbox"
    assert motion["11357  Possession of Marijuana"].export_values == ("/On",)
    assert motion["11357  Possession of Marijuana"].current_value == "/Off"
    assert len(misdemeanors) == 17
    assert misdemeanors["11357b"].export_values == ("/Yes",)
    assert misdemeanors["completed_sentence"].current_value == "/Yes"
    assert {f.page for f in misdemeanors.values()} == {1}


@pytest.mark.parametrize("form", sorted(CASES))
def test_every_mapped_field_holds_its_value_when_read_back(form):
    mapping, make_case = CASES[form]
    case = make_case()
    expected = apply_mapping(mapping, data_items(case, OFFICE, ATTORNEY))
    fields = {f.name: f for f in list_fields(template(form))}

    filled = fill_with_mapping(template(form), mapping, case, OFFICE, ATTORNEY, flatten=False)
    read_back = PdfReader(io.BytesIO(filled)).get_fields()

    for name, value in expected.items():
        got = read_back[name].get("/V")
        if fields[name].type == "checkbox":
            on = value is True or str(value).lower() == "true"
            assert got == (fields[name].export_values[0] if on else "/Off"), name
        else:
            assert got == value, name


def test_the_mapping_puts_the_cases_facts_in_the_sf_felony_form():
    values = apply_mapping(MOTION_MAPPING, data_items(felony_case(), OFFICE, ATTORNEY))
    assert values["Defendant"] == "TERRENCE WALLACE (AKA T. WALLACE)"
    assert values["FOR REDESIGNATION OR DISMISSALSEALING HS  113618f"] is True
    assert values["FOR RESENTENCING OR DISMISSAL HS  113618b"] is False
    assert values["11359  Possession of Marijuana for Sale"] is True
    assert values["11359 Count"] == "2"
    assert values["11357 Count"] == "1"
    assert values["11358  Cultivation of Marijuana"] is False
    assert values["11358 Count"] == ""
    assert values["Text2"] == "HS 11364"
    assert values["Signature1_es_:signer:signature"] == "/s/ Dana Q. Prosecutor"
    assert values["Executed on"] == "01/15/2026"


def test_subdivision_boxes_tick_only_for_the_subdivisions_charged():
    values = apply_mapping(MISDEMEANOR_MAPPING, data_items(misdemeanor_case(), OFFICE, ATTORNEY))
    assert (values["11357a"], values["11357b"], values["11357c"], values["11360b"]) == (False, True, False, True)
    assert values["others"] is False


@pytest.mark.parametrize("form", sorted(CASES))
def test_a_flattened_fill_has_no_fields_left_and_shows_the_values(form):
    mapping, make_case = CASES[form]
    case = make_case()
    expected = apply_mapping(mapping, data_items(case, OFFICE, ATTORNEY))

    flattened = fill_with_mapping(template(form), mapping, case, OFFICE, ATTORNEY)
    reader = PdfReader(io.BytesIO(flattened))
    assert not reader.get_fields()
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert not [a for a in reader.pages[0].get("/Annots") or [] if a.get_object().get("/Subtype") == "/Widget"]

    with pdfplumber.open(io.BytesIO(flattened)) as doc:
        text = squeeze(doc.pages[0].extract_text())
    for name, value in expected.items():
        if isinstance(value, str) and value and not value.startswith("true"):
            assert squeeze(value) in text, name
    assert squeeze(case.defendant_caption) in text


def test_filling_twice_gives_the_same_bytes():
    mapping, make_case = CASES["prop64_motion.pdf"]
    first = fill_with_mapping(template("prop64_motion.pdf"), mapping, make_case(), OFFICE, ATTORNEY)
    second = fill_with_mapping(template("prop64_motion.pdf"), mapping, make_case(), OFFICE, ATTORNEY)
    assert first == second


def test_an_unknown_field_name_is_refused_with_a_suggestion():
    with pytest.raises(FormFillError, match=r"no field named 'Defendent' \(did you mean 'Defendant'\?\)"):
        fill_form(template("prop64_motion.pdf"), {"Defendent": "X"})


def test_an_unknown_data_item_is_refused_with_a_suggestion():
    with pytest.raises(FormFillError, match=r"unknown data item 'case_nmber' \(did you mean 'case_number'\?\)"):
        apply_mapping({"SCN": "case_nmber"}, data_items(felony_case(), OFFICE, ATTORNEY))


def test_a_checkbox_refuses_a_value_it_does_not_export():
    with pytest.raises(FormFillError, match="accepts"):
        fill_form(template("prop64_misdemeanors.pdf"), {"11357b": "/On"})


def test_a_checkbox_can_be_cleared_and_a_default_tick_survives_flattening():
    filled = fill_form(template("prop64_misdemeanors.pdf"), {"court_granted": False}, flatten=False)
    fields = PdfReader(io.BytesIO(filled)).get_fields()
    assert fields["court_granted"]["/V"] == "/Off"
    assert fields["court_sealed"]["/V"] == "/Yes"  # untouched fields keep the form's default


def test_suggested_mapping_gets_the_obvious_fields_right():
    suggested = suggest_mapping(list_fields(template("prop64_motion.pdf")))
    assert suggested["Defendant"] == "defendant_caption"
    assert suggested["CA SB"] == "attorney_bar_number"
    assert suggested["Assistant District Attorney"] == "attorney_name"
    assert suggested["SCN"] == "case_number"
    assert suggested["FOR RESENTENCING OR DISMISSAL HS  113618b"] == "relief_b"
    assert suggested["FOR REDESIGNATION OR DISMISSALSEALING HS  113618f"] == "relief_f"
    assert suggested["11359  Possession of Marijuana for Sale"] == "code:HS 11359"
    assert suggested["11360 Count"] == "code_count:HS 11360"
    assert suggested["Signature1_es_:signer:signature"] == "signature"
    assert "Judge of the Superior Court" not in suggested
    assert "Executed on_2" not in suggested  # the judge's date

    suggested = suggest_mapping(list_fields(template("prop64_misdemeanors.pdf")))
    assert suggested["11357b"] == "code:HS 11357(b)"
    assert suggested["court_number"] == "case_number"
    assert "court_granted" not in suggested


def synthetic_form() -> bytes:
    """A form with the field kinds the SF forms lack: a radio group, a choice list, a nested name."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    form = pdf.acroForm
    form.radio(name="track", value="resentencing", selected=False, x=50, y=700, buttonStyle="circle")
    form.radio(name="track", value="redesignation", selected=True, x=150, y=700, buttonStyle="circle")
    form.choice(name="county", value="Alameda", options=["Alameda", "Fresno"], x=50, y=650, width=150, height=20)
    form.checkbox(name="seal", x=50, y=600, checked=False, buttonStyle="check")
    form.textfield(name="who", x=50, y=550, width=200, height=20)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def test_radio_groups_and_choice_lists_are_listed_and_filled():
    fields = {f.name: f for f in list_fields(synthetic_form())}
    assert fields["track"].type == "radio"
    assert fields["track"].export_values == ("/resentencing", "/redesignation")
    assert fields["county"].type == "choice"
    assert fields["county"].export_values == ("Alameda", "Fresno")

    values = {"track": "resentencing", "county": "Fresno", "seal": True, "who": "ROSA DELGADO"}
    read_back = PdfReader(io.BytesIO(fill_form(synthetic_form(), values, flatten=False))).get_fields()
    assert {name: read_back[name]["/V"] for name in values} == {
        "track": "/resentencing",
        "county": "Fresno",
        "seal": "/Yes",
        "who": "ROSA DELGADO",
    }
    with pytest.raises(FormFillError, match="radio group"):
        fill_form(synthetic_form(), {"track": True})


def test_a_flattened_radio_group_shows_only_the_chosen_button():
    import pypdfium2

    flattened = fill_form(synthetic_form(), {"track": "resentencing"})
    assert not PdfReader(io.BytesIO(flattened)).get_fields()
    image = pypdfium2.PdfDocument(flattened)[0].render(scale=2).to_pil().convert("L")

    def dark_pixels(x: int) -> int:
        # The 20-pt button whose lower-left corner is at (x, 700), in a 2x render of a 842-pt page.
        box = image.crop((2 * x, 2 * (842 - 720), 2 * (x + 20), 2 * (842 - 700)))
        return sum(box.histogram()[:80])

    assert dark_pixels(50) > dark_pixels(150) + 20  # the dot is drawn in the chosen button only
