"""The command-line reader and the JSON form of a record."""

import json
from pathlib import Path

from intake.rap_sheet.cli import main, to_json
from intake.rap_sheet.generator import generate_batch, generate_sheet, record_view

EXAMPLE = Path(__file__).parent / "data" / "spec_example.txt"


def test_it_prints_the_record_and_warnings(capsys):
    assert main([str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "CII A12345678" in out and "attempted PC 487(a)" in out and "[ALAMEDA]" in out


def test_json_output_has_iso_dates_and_enum_values(capsys):
    assert main([str(EXAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "ok" and data["needs_review"] is False
    count = data["person"]["cycles"][0]["events"][1]["counts"][0]
    assert count["code_section"] == "HS 11359"
    assert count["dispositions"][1] == {**count["dispositions"][1], "kind": "probation_revoked", "date": "1997-08-15"}
    assert count["refs"][0]["line"] > 0


def test_unreadable_file_exits_with_a_reason(tmp_path, capsys):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage")
    assert main([str(path), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["status"] == "unreadable:corrupt"


def test_to_json_is_plain_data():
    person = generate_sheet(3, record_error=False).expected
    data = to_json(person)
    assert json.loads(json.dumps(data)) == data
    assert data["dob"] == person.dob.isoformat()


def test_generate_batch_writes_text_pdf_and_expected_reading(tmp_path):
    written = generate_batch(tmp_path, 3, seed=7)
    assert sorted(p.suffix for p in written) == [".pdf", ".pdf", ".pdf", ".txt", ".txt", ".txt"]
    expected = json.loads((tmp_path / "rap_000007.expected.json").read_text())
    sheet = generate_sheet(7)
    assert expected.get("cii", "") == (sheet.expected.cii if sheet.expected else "")
    assert record_view(sheet.expected) is None or record_view(sheet.expected)["cii"] == expected["cii"]
