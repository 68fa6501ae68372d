"""Generated sheets, parsed back, must give exactly the generator's truth.

500 text sheets (clean and OCR-noisy) and 120 PDFs (clean and noisy). The noise mode uses only the
noise forms of the format note, all of which the parser repairs, so a noisy sheet must read the same
as a clean one; repairs that matter (dates) must be noted without sending the record to review.
"""

import collections

import pytest

from intake.rap_sheet.extract import extract_file, extract_text
from intake.rap_sheet.generator import generate_sheet, record_view, render_pdf
from intake.rap_sheet.parser import parse_rap_sheet

TEXT_SEEDS = range(0, 500)
PDF_SEEDS = range(10_000, 10_120)

# Every construct and trap the generator can write; the round trip must have met each of them.
CONSTRUCTS = {
    "aliases",
    "alias_dob",
    "applicant",
    "attempt_flag",
    "attempt_prefix",
    "attempt_suffix",
    "banner",
    "bare_date_registration",
    "comma_section",
    "concurrent",
    "count_range",
    "custody",
    "deceased",
    "imp_sen_ss",
    "mental_health",
    "multiline_sentence",
    "page_break",
    "probation_event",
    "pros_rej",
    "registration_followup_bare_date",
    "see_comment",
    "strike_block",
    "supplemental_arrest",
    "suspended_term",
    "update_conviction_only_in_update",
    "update_reduced",
    "update_revoked",
    "update_sentence_modified",
    "update_set_aside",
    "update_with_count_line",
    "xsen_comment",
}


def differences(expected, actual, path=""):
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [
            d
            for key in expected.keys() | actual.keys()
            for d in differences(expected.get(key), actual.get(key), f"{path}.{key}")
        ]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (a, b) in enumerate(zip(expected, actual)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if expected == actual else [(path, expected, actual)]


def check(sheet, parsed):
    assert parsed.status == sheet.status, (sheet.seed, parsed.message)
    assert differences(record_view(sheet.expected), record_view(parsed.person)) == [], sheet.seed
    review = [w for w in parsed.warnings if w.affects_eligibility]
    assert review == [], (sheet.seed, review[:3])
    if sheet.noise and sheet.expected is not None:
        repaired_dates = [w for w in parsed.warnings if "repaired date" in w.message]
        assert len(repaired_dates) == sheet.noise_applied.count("date"), sheet.seed
    elif sheet.expected is not None:
        assert parsed.warnings == [], sheet.seed


@pytest.mark.parametrize("noise", [False, True], ids=["clean", "noisy"])
def test_text_sheets_round_trip(noise):
    statuses = collections.Counter()
    for seed in TEXT_SEEDS[::2] if not noise else TEXT_SEEDS[1::2]:
        sheet = generate_sheet(seed, noise=noise)
        parsed = parse_rap_sheet(extract_text(sheet.text, f"{seed}.txt"), f"{seed}.txt")
        check(sheet, parsed)
        statuses[parsed.status] += 1
    assert statuses["ok"] > 200 and statuses["record_error"] >= 1


def test_pdf_sheets_round_trip(tmp_path):
    for seed in PDF_SEEDS:
        sheet = generate_sheet(seed, noise=seed % 2 == 1)
        path = render_pdf(sheet.pdf_text, tmp_path / f"{seed}.pdf", seed=seed)
        parsed = parse_rap_sheet(extract_file(path), path.name)
        check(sheet, parsed)
        if parsed.person is not None:
            assert all(r.page is not None for e in parsed.person.events() for c in e.counts for r in c.refs)


def test_every_construct_and_trap_is_generated_by_the_seeds_of_the_round_trip():
    seen = set()
    for seed in [*TEXT_SEEDS, *PDF_SEEDS]:
        seen |= generate_sheet(seed, noise=seed % 2 == 1).constructs
    assert CONSTRUCTS - seen == set()


def test_record_error_variant_has_no_person():
    sheet = generate_sheet(1, record_error=True)
    parsed = parse_rap_sheet(sheet.text.splitlines(), "error.txt")
    assert sheet.expected is None and parsed.status == "record_error" and parsed.person is None
    assert "RECORD ERROR" in parsed.message


def test_generation_is_reproducible_from_the_seed():
    assert generate_sheet(42, noise=True).text == generate_sheet(42, noise=True).text
    assert generate_sheet(42).text != generate_sheet(43).text
