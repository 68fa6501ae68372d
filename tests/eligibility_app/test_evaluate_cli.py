"""``manage.py evaluate``: the stable contract, and the same output on one process or several."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import eligibility.headless as headless
import eligibility.headless_parallel as headless_parallel
from intake.doj.generator import generate_doj_file

CONTRACT = ["source", "cii", "name", "case_number", "court_county", "count", "code_section", "attempted", "level",
            "disposition_date", "relief", "outcome", "reduce_to", "seal", "eligible_on", "reasons"]
SAMPLES = "/work/shared/reference/doj-samples"
ROOT = Path(__file__).resolve().parents[2]


def _run(*args):
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_jsonl_lines_carry_the_contract_keys_first(tmp_path):
    target = tmp_path / "out.jsonl"
    call_command("evaluate", f"{SAMPLES}/no_headers.csv", "--as-of", "2026-01-15", "--county", "San Joaquin",
                 "-o", str(target))
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert rows and all(list(row)[:len(CONTRACT)] == CONTRACT for row in rows)
    assert all(r["outcome"] in {"dismiss", "reduce", "not_eligible", "needs_review", "not_yet_eligible"} for r in rows)
    assert all(reason.endswith(")") for r in rows for reason in r["reasons"])


def test_csv_and_person_summary(tmp_path):
    target = tmp_path / "out.csv"
    call_command("evaluate", f"{SAMPLES}/bad.csv", "--as-of", "2026-01-15", "--format", "csv", "-o", str(target))
    header = next(csv.reader(target.open()))
    assert header[:len(CONTRACT)] == CONTRACT
    summary = tmp_path / "people.jsonl"
    call_command("evaluate", f"{SAMPLES}/bad.csv", "--as-of", "2026-01-15", "--person-summary", "-o", str(summary))
    people = [json.loads(line) for line in summary.read_text().splitlines()]
    assert len(people) == 12
    assert {"no_felony_after_relief", "no_conviction_after_relief"} <= set(people[0])


def test_policy_of_the_earlier_tool_is_accepted(tmp_path):
    target = tmp_path / "out.jsonl"
    call_command("evaluate", f"{SAMPLES}/no_headers.csv", "--as-of", "2026-01-15", "--policy",
                 f"{SAMPLES}/eligibility_options.json", "-o", str(target))
    assert target.read_text()


def test_an_unreadable_file_fails_that_file_only(tmp_path):
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(b"\x00\x01\x02 not a record")
    target = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("evaluate", str(bad), f"{SAMPLES}/no_headers.csv", "--as-of", "2026-01-15", "-o", str(target))
    assert target.read_text().count("no_headers.csv") > 10


def test_as_of_is_required_and_checked():
    with pytest.raises(CommandError):
        call_command("evaluate", f"{SAMPLES}/no_headers.csv", "--as-of", "15/01/2026")


@pytest.mark.parametrize("split_subject", [False, True], ids=["contiguous", "split-subjects"])
def test_two_processes_write_exactly_what_one_writes_chunk_by_chunk(tmp_path, monkeypatch, capsys, split_subject):
    source = tmp_path / "county.csv"
    generate_doj_file(source, rows=3000, seed=11)
    if split_subject:
        lines = source.read_text().splitlines(keepends=True)
        # Move two rows of an early subject and then two of a later one to the end: their rows are
        # now split across the file, and they are written last, in the order their second runs end.
        source.write_text("".join(lines[:5] + lines[7:1500] + lines[1502:] + lines[1500:1502] + lines[5:7]))
    monkeypatch.setattr(headless, "PARALLEL_MIN_BYTES", 0)
    # Many small chunks, as a county's file has: shares are appended while later chunks run.
    monkeypatch.setattr(headless_parallel, "MIN_CHUNK_BYTES", 16 * 1024)
    assert len(headless_parallel.plan(source, 2)) == 2 * headless_parallel.CHUNKS_PER_WORKER
    outputs, warnings = {}, {}
    for workers in ("1", "2"):
        target = tmp_path / f"out-{workers}.jsonl"
        call_command("evaluate", str(source), "--as-of", "2026-01-15", "--county", "San Joaquin", "-o", str(target),
                     "--export-dir", str(tmp_path / f"export-{workers}"), "--workers", workers)
        outputs[workers] = target.read_bytes()
        warnings[workers] = capsys.readouterr().err
    assert outputs["1"] == outputs["2"]
    # The generated file has rows to reject; the user is told the same, and where to find them.
    assert "row(s) rejected (marked in results_all_rows.csv)" in warnings["1"]
    assert warnings["1"] == warnings["2"]
    for name in ("results_all_rows.csv", "results_condensed.csv", "results_determinations_only.csv",
                 "impact_summary.json"):
        one = (tmp_path / "export-1" / "county" / name).read_bytes()
        two = (tmp_path / "export-2" / "county" / name).read_bytes()
        assert one == two, name
    assert sorted(p.name for p in (tmp_path / "export-2" / "county").iterdir()) == [
        "impact_summary.csv", "impact_summary.json", "results_all_rows.csv", "results_condensed.csv",
        "results_determinations_only.csv"]


def test_two_processes_piped_to_standard_output_write_what_one_writes(tmp_path):
    # The real command, its output a pipe: the shares are appended by the kernel, one CSV header.
    source = tmp_path / "county.csv"
    generate_doj_file(source, rows=16000, seed=12, irregular_rate=0.01)
    assert source.stat().st_size >= headless.PARALLEL_MIN_BYTES
    printed, exports = {}, {}
    for workers in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "manage.py", "evaluate", str(source), "--as-of", "2026-01-15", "--county", "San Joaquin",
             "--format", "csv", "--workers", workers, "--export-dir", str(tmp_path / workers)],
            cwd=ROOT, capture_output=True, check=True, timeout=300)
        printed[workers] = done.stdout
        exports[workers] = {path.name: path.read_bytes() for path in (tmp_path / workers / "county").iterdir()}
    assert printed["1"] == printed["2"]
    assert printed["2"].count(b"source,cii,name") == 1
    assert exports["1"] == exports["2"]
    assert sorted(exports["2"]) == ["impact_summary.csv", "impact_summary.json", "results_all_rows.csv",
                                    "results_condensed.csv", "results_determinations_only.csv"]


def test_jsonl_lines_are_exactly_the_standard_compact_json_encoding(tmp_path):
    target = tmp_path / "out.jsonl"
    call_command("evaluate", f"{SAMPLES}/bad.csv", f"{SAMPLES}/no_headers.csv", "--as-of", "2026-01-15",
                 "-o", str(target))
    for line in target.read_text(encoding="utf-8").splitlines():
        assert line == json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":"))


def test_a_large_file_after_a_small_one_lands_after_its_rows_in_the_same_output(tmp_path, monkeypatch):
    # The chunks of the large file write into the output at offsets: they must start where the
    # rows of the file before them end, and the file after them must follow on.
    source = tmp_path / "county.csv"
    generate_doj_file(source, rows=2000, seed=5)
    monkeypatch.setattr(headless, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(headless_parallel, "MIN_CHUNK_BYTES", 32 * 1024)
    outputs = {}
    for workers in ("1", "2"):
        target = tmp_path / f"out-{workers}.jsonl"
        call_command("evaluate", f"{SAMPLES}/bad.csv", str(source), f"{SAMPLES}/no_headers.csv", "--as-of",
                     "2026-01-15", "--county", "San Joaquin", "-o", str(target), "--workers", workers)
        outputs[workers] = target.read_bytes()
    assert outputs["1"] == outputs["2"]
    sources = [json.loads(line)["source"] for line in outputs["2"].splitlines()]
    assert sources == sorted(sources, key=["bad.csv", "county.csv", "no_headers.csv"].index)


def test_standard_output_appended_to_a_file_gets_the_rows_in_order(tmp_path):
    # `evaluate ... >> rows.jsonl`: the kernel ignores write offsets on a file opened for appending;
    # the rows must still follow what was there, in the order one process writes them.
    source = tmp_path / "county.csv"
    generate_doj_file(source, rows=16000, seed=12)
    assert source.stat().st_size >= headless.PARALLEL_MIN_BYTES
    written = {}
    for workers in ("1", "2"):
        target = tmp_path / f"rows-{workers}.jsonl"
        target.write_bytes(b"already here\n")
        with open(target, "ab") as handle:
            subprocess.run([sys.executable, "manage.py", "evaluate", str(source), "--as-of", "2026-01-15",
                            "--county", "San Joaquin", "--workers", workers],
                           cwd=ROOT, stdout=handle, check=True, timeout=300)
        written[workers] = target.read_bytes()
    assert written["1"].startswith(b"already here\n{")
    assert written["1"] == written["2"]
