"""The analyst's results files: every input row present, joined by line number, and the impact summary."""

import csv
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from eligibility.engine.policy import Policy
from intake.doj.generator import generate_doj_file
from intake.doj.results import DETERMINATION_COLUMNS, JOINED_FILES, ResultsPass, write_results
from intake.models import Batch, ResultsExport

SAMPLES = "/work/shared/reference/doj-samples"
AS_OF = dt.date(2026, 1, 15)


def _read(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", ["no_headers.csv", "extra_comma.csv", "bad.csv"])
def test_every_input_row_appears_in_the_all_rows_file(tmp_path, name):
    impact = write_results(f"{SAMPLES}/{name}", tmp_path, Policy(county="SAN JOAQUIN"), AS_OF)
    rows = _read(tmp_path / "results_all_rows.csv")
    lines = {int(row["source_line"]) for row in rows}
    assert len(lines) == impact["rows_read"], "each input row is written at least once"
    determined = _read(tmp_path / "results_determinations_only.csv")
    assert determined and all(row["cmr_outcome"] for row in determined)
    assert {r["source_line"] for r in determined} <= {r["source_line"] for r in rows}
    condensed = _read(tmp_path / "results_condensed.csv")
    assert len(condensed) == len(rows)
    assert set(DETERMINATION_COLUMNS) <= set(condensed[0])


@pytest.mark.parametrize("name", ["generated", "bad.csv"])
def test_rows_written_as_each_person_is_done_equal_the_two_pass_files(tmp_path, name):
    # A normal export is joined in one pass; a file with split subjects needs two. Same bytes.
    source = tmp_path / "in.csv"
    if name == "generated":
        generate_doj_file(source, rows=1500, seed=5, irregular_rate=0.05)
    else:
        source.write_bytes(Path(SAMPLES, name).read_bytes())
    written = {}
    for single in (True, False):
        out = tmp_path / f"single-{single}"
        out.mkdir()
        run = ResultsPass(source, out, Policy(county="SAN JOAQUIN"), AS_OF)
        if not single:
            run.single_pass = False
        list(run)
        run.finish()
        written[single] = {name: (out / name).read_bytes() for name in JOINED_FILES}
    assert written[True] == written[False]
    if name == "generated":
        assert written[True]["results_all_rows.csv"].count(b"rejected: ") >= 1


def test_a_field_with_a_line_break_stays_inside_its_row(tmp_path):
    generate_doj_file(tmp_path / "plain.csv", rows=200, seed=4, irregular_rate=0)
    with open(tmp_path / "plain.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("OFFENSE_DESCR")
    rows[5][column] = "11357 HS-POSSESS\nMARIJUANA"
    with open(tmp_path / "in.csv", "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "out"
    write_results(tmp_path / "in.csv", out, Policy(county="SAN JOAQUIN"), AS_OF)
    for name in ("results_all_rows.csv", "results_condensed.csv"):
        with open(out / name, newline="") as handle:
            written = list(csv.reader(handle))
        assert {len(row) for row in written} == {len(written[0])}, name
        offense = written[0].index("OFFENSE_DESCR")
        assert "11357 HS-POSSESS\nMARIJUANA" in {row[offense] for row in written}, name


def test_rejected_rows_are_written_with_the_reason(tmp_path):
    generated = generate_doj_file(tmp_path / "in.csv", rows=600, seed=3, irregular_rate=0.05)
    out = tmp_path / "out"
    impact = write_results(tmp_path / "in.csv", out, Policy(county="SAN JOAQUIN"), AS_OF)
    rejected = [r for r in _read(out / "results_all_rows.csv") if r["cmr_import_error"]]
    assert impact["rows_rejected"] == generated.expected_rejected
    assert len(rejected) == generated.expected_rejected
    assert all(r["cmr_import_error"].startswith("rejected: ") for r in rejected)


def test_impact_summary_compares_the_office_policy_with_the_hypotheticals(tmp_path):
    impact = write_results(f"{SAMPLES}/no_headers.csv", tmp_path, Policy(county="SAN JOAQUIN"), AS_OF)
    after = impact["after_relief"]
    assert set(after) == {"office_policy", "dismiss_all_prop64", "dismiss_all_prop64_and_related"}
    # A hypothetical can only add dismissals on top of the office's results.
    for measure in ("people_with_no_felony", "people_with_no_conviction", "people_with_no_conviction_in_last_7_years"):
        assert after["office_policy"][measure] <= after["dismiss_all_prop64"][measure] <= \
            after["dismiss_all_prop64_and_related"][measure] <= impact["persons"]
    assert impact["convictions"] == impact["felony_convictions"] + impact["non_felony_convictions"]
    assert json.loads((tmp_path / "impact_summary.json").read_text()) == impact
    assert (tmp_path / "impact_summary.csv").read_text().startswith("measure,value")


def test_the_as_of_date_not_the_clock_decides(tmp_path):
    early = write_results(f"{SAMPLES}/no_headers.csv", tmp_path / "a", Policy(), dt.date(2000, 1, 1))
    late = write_results(f"{SAMPLES}/no_headers.csv", tmp_path / "b", Policy(), dt.date(2030, 1, 1))
    assert early["as_of"] == "2000-01-01" and late["as_of"] == "2030-01-01"
    assert early["after_relief"]["office_policy"]["people_with_no_conviction_in_last_7_years"] <= \
        late["after_relief"]["office_policy"]["people_with_no_conviction_in_last_7_years"]


def test_a_paralegal_downloads_the_results_zip_of_a_batch(client_for, users, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["paralegal"])
    client.post(reverse("intake:batch_create"), {"kind": "doj", "name": "export test"})
    batch = Batch.objects.get(name="export test")
    with django_capture_on_commit_callbacks(execute=True), open(f"{SAMPLES}/no_headers.csv", "rb") as handle:
        client.post(reverse("intake:upload_file", args=[batch.pk]),
                    {"file": SimpleUploadedFile("no_headers.csv", handle.read())})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:results_export", args=[batch.pk]), {"as_of": "2026-01-15"})
    export = ResultsExport.objects.get()
    assert export.status == ResultsExport.Status.DONE, export.message
    response = client.get(reverse("intake:results_download", args=[export.pk]))
    archive = zipfile.ZipFile(__import__("io").BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(f"no_headers/{n}" for n in (
        "impact_summary.csv", "impact_summary.json", "results_all_rows.csv", "results_condensed.csv",
        "results_determinations_only.csv"))
    assert export.summary["no_headers.csv"]["as_of"] == "2026-01-15"
