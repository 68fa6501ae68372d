import hashlib
import io
import re
from dataclasses import replace

import pdfplumber
import pytest

from motions.documents.data import PC17B, PC1203_4, PROP47, PROP64_FELONY, PROP64_MISDEMEANOR, RELIEF_TYPES
from motions.documents.pleading import TEXT_LEFT, TEXT_WIDTH, render_motion
from tests.motions import factories

OFFICE = factories.office()
ATTORNEY = factories.attorney()

# The statute each relief type must cite in its title or body.
EXPECTED_CITATIONS = {
    PROP64_FELONY: ["Health & Safety Code § 11361.8(f)", "section 11361.9"],
    PROP64_MISDEMEANOR: ["Health & Safety Code § 11361.8(e), (f)", "section 11361.9"],
    PC1203_4: ["move this Court under Penal Code §§ 1203.4, 1203.4a", "Penal Code § 1203.4(a)"],
    PC17B: ["Penal Code § 17(b)(3)", "section 17(b)(3)"],
    PROP47: ["Penal Code section 1170.18(f)", "Penal Code § 1170.18(k)", "667(e)(2)(C)(iv)"],
}


def pdf_pages(pdf: bytes) -> list[str]:
    """Text of each page without the line-number column, which would prefix every other line."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [
            re.sub(r"[ \t]+", " ", page.crop((TEXT_LEFT - 4, 0, page.width, page.height)).extract_text() or "")
            for page in doc.pages
        ]


def caption_parties(pdf: bytes) -> str:
    """The left half of page 1's caption box, where the parties are named."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        return flat(page.crop((TEXT_LEFT - 4, 0, TEXT_LEFT + TEXT_WIDTH / 2, page.height)).extract_text())


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def split_motion_and_order(pages: list[str]) -> tuple[str, str]:
    first_order_page = next(i for i, p in enumerate(pages) if "[PROPOSED] ORDER" in p)
    return "\n".join(pages[:first_order_page]), "\n".join(pages[first_order_page:])


@pytest.mark.parametrize("n_counts", [2, 64])
@pytest.mark.parametrize("relief_type", RELIEF_TYPES)
def test_it_prints_the_caption_every_count_and_the_statute(relief_type, n_counts):
    case = factories.make_case(relief_type, n_counts, index=3)  # index 3 has AKAs
    pdf = render_motion(case, OFFICE, ATTORNEY)
    pages = pdf_pages(pdf)
    motion, order = split_motion_and_order(pages)
    everything = flat("\n".join(pages))

    assert "SUPERIOR COURT OF THE STATE OF CALIFORNIA" in motion
    assert "COUNTY OF ALAMEDA" in motion
    assert case.aliases, "the sample needs aliases to test the AKA line"
    parties = caption_parties(pdf)
    assert "THE PEOPLE OF THE STATE OF CALIFORNIA, Plaintiff, v." in parties
    assert f"{case.defendant_name} (AKA {', '.join(case.aliases)}), Defendant." in parties
    assert f"Case No.: {case.case_number}" in motion
    assert f"Case No.: {case.case_number}" in order
    assert f"CII: {case.cii}" in motion
    assert f"DOB: {case.dob:%m/%d/%Y}" in motion
    assert "State Bar No. 234567" in motion
    for citation in EXPECTED_CITATIONS[relief_type]:
        assert citation in everything, citation

    # Every count, one table row each, in the motion and again in the order: nothing truncated.
    motion_lines = set(motion.splitlines())
    order_lines = set(order.splitlines())
    for count in case.counts:
        row = f"{count.count_number} {count.code_section} {count.level} {count.relief} {count.citation}"
        assert row in motion_lines, row
        order_row = f"{count.count_number} {count.code_section} {count.relief} ({count.citation})"
        assert order_row in order_lines, order_row

    assert "IT IS SO ORDERED." in order
    assert "JUDGE OF THE SUPERIOR COURT" in order
    assert "Granted Denied" in order


def test_a_long_count_list_runs_onto_numbered_continuation_pages():
    case = factories.make_case(PROP64_FELONY, 64)
    pages = pdf_pages(render_motion(case, OFFICE, ATTORNEY))

    assert len(pages) >= 6
    # Rule 2.110 footer: the motion's title on its pages, the order's title on the order's pages.
    assert pages[0].rstrip().endswith("PEOPLE'S MOTION FOR REDESIGNATION OR DISMISSAL AND SEALING")
    assert pages[-1].rstrip().endswith("ORDER ON PEOPLE'S MOTION FOR REDESIGNATION OR DISMISSAL AND SEALING")
    for number, page in enumerate(pages, start=1):
        assert f"- {number} -" in page
        # The table header repeats on every page the count list runs onto.
        if re.search(r"^\d+ HS 113", page, re.M):
            assert (
                "Count Code section Level Relief requested Authority" in page
                or "Count Code section Relief Granted Denied" in page
            )


def test_it_signs_with_s_name_when_there_is_no_signature_image():
    case = factories.make_case(PC17B, 2)
    pdf = render_motion(case, OFFICE, ATTORNEY)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert not any(page.images for page in doc.pages)
    assert "/s/ Dana Q. Prosecutor" in "\n".join(pdf_pages(pdf))
    assert "Dated: January 15, 2026" in "\n".join(pdf_pages(pdf))


def test_it_signs_with_the_attorneys_image_when_there_is_one():
    case = factories.make_case(PC17B, 2)
    pdf = render_motion(case, OFFICE, factories.attorney(with_signature=True))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        images = [image for page in doc.pages for image in page.images]
    text = "\n".join(pdf_pages(pdf))
    assert len(images) == 1
    assert "/s/" not in text
    assert "Dana Q. Prosecutor" in text


def test_the_same_case_renders_to_the_same_bytes():
    case = factories.make_case(PROP47, 5, index=7)
    first = render_motion(case, OFFICE, ATTORNEY)
    second = render_motion(factories.make_case(PROP47, 5, index=7), OFFICE, ATTORNEY)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_the_resentencing_track_cites_11361_8_b():
    case = factories.make_case(PROP64_FELONY, 2, track="resentencing")
    text = flat("\n".join(pdf_pages(render_motion(case, OFFICE, ATTORNEY))))
    assert "RECALL AND RESENTENCING" in text
    assert "Health & Safety Code § 11361.8(b)" in text
    assert "1170.18(c)" in text  # the public-safety standard only applies while serving


def test_record_text_with_markup_characters_is_printed_literally():
    case = replace(factories.make_case(PC1203_4, 1), defendant_name="A&B <O'NEIL>", aliases=[])
    text = "\n".join(pdf_pages(render_motion(case, OFFICE, ATTORNEY)))
    assert "A&B <O'NEIL>," in text


def test_an_unknown_relief_type_is_refused_when_the_case_is_built():
    with pytest.raises(ValueError, match="unknown relief_type"):
        replace(factories.make_case(PC17B, 1), relief_type="prop99")
