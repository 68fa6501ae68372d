import csv
import hashlib
import io
import zipfile

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from audit.models import AuditEvent
from motions import services
from motions.models import FilingPackage, Motion
from tests import factories

from .factories import make_person, make_signed_case
from .helpers import read

pytestmark = pytest.mark.django_db


def _three_motions(office, attorney, committed):
    batch = factories.make_batch(office)
    sign_off = None
    for i, (relief, section, level) in enumerate([("HS 11361.8", "HS 11359", "felony"),
                                                  ("PC 1203.4", "PC 488", "misdemeanor"),
                                                  ("PC 17(b)", "PC 496(a)", "felony")]):
        sign_off, _ = make_signed_case(office, attorney, person=make_person(office, name=f"PERSON,NUMBER{i}"),
                                       sign_off=sign_off, batch=batch, case_number=f"SJ-{i}", relief=relief,
                                       counts=[(section, level)], outcome="dismiss" if i < 2 else "reduce",
                                       reduce_to="" if i < 2 else "misdemeanor", seal=i == 0)
    with committed():
        services.generate(office, actor=attorney, batch=batch)
    return batch


def _zip(package):
    return zipfile.ZipFile(io.BytesIO(read(package.zip_file)))


def _manifest(archive, name="manifest.csv"):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_the_package_manifest_matches_its_files_and_their_hashes(office, users, committed, client_for):
    batch = _three_motions(office, users["attorney"], committed)
    client = client_for(users["paralegal"])
    response = client.post("/motions/packages/build/", {"court": "SAN JOAQUIN", "batch": batch.pk})
    assert response.status_code == 302
    package = FilingPackage.objects.get()
    assert package.motion_count == 3 and package.sha256 == hashlib.sha256(read(package.zip_file)).hexdigest()

    archive = _zip(package)
    rows = _manifest(archive)
    assert [r["case_number"] for r in rows] == ["SJ-0", "SJ-1", "SJ-2"]
    for row in rows:
        assert hashlib.sha256(archive.read(row["file_name"])).hexdigest() == row["sha256"]
        assert row["court"] == "Superior Court of California, County of San Joaquin"
    assert {r["relief_law"] for r in rows} == {"HS 11361.8", "PC 1203.4", "PC 17(b)"}
    assert rows[0]["person"] == "PERSON, NUMBER0" and rows[0]["counts"] == "1: HS 11359"
    assert rows[0]["relief"] == "dismiss and seal" and rows[0]["cii"]
    # What was packaged is exactly the stored documents.
    stored = {d.sha256 for d in package.documents.all()}
    assert stored == {r["sha256"] for r in rows}
    merged = PdfReader(io.BytesIO(archive.read("all_motions.pdf")))
    assert len(merged.pages) == sum(int(r["pages"]) for r in rows)
    assert [r["case_number"] for r in _manifest(archive, "hs_11361_9_not_challenged.csv")] == ["SJ-0"]
    assert "cover_sheet.pdf" in archive.namelist()

    download = client.get(f"/motions/packages/{package.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content) == read(package.zip_file)
    assert AuditEvent.objects.filter(action="package.downloaded", object_id=str(package.pk)).exists()
    assert AuditEvent.objects.filter(action="package.built").exists()


def test_a_package_takes_the_newest_version_and_the_history_stays(office, users, committed):
    attorney = users["attorney"]
    _three_motions(office, attorney, committed)
    first = services.build_package(office, "SAN JOAQUIN", actor=attorney)
    motion = Motion.objects.get(case_number="SJ-1")
    with committed():
        services.request_regeneration(motion, actor=attorney)
    second = services.build_package(office, "SAN JOAQUIN", actor=attorney)

    assert list(motion.documents.values_list("version", flat=True)) == [2, 1]
    assert first.documents.get(motion=motion).version == 1
    assert second.documents.get(motion=motion).version == 2
    row = next(r for r in _manifest(_zip(second)) if r["case_number"] == "SJ-1")
    assert row["sha256"] == motion.documents.get(version=2).sha256


def test_filed_motions_leave_the_next_package(office, users, committed):
    import datetime as dt

    attorney = users["attorney"]
    _three_motions(office, attorney, committed)
    services.record_status(Motion.objects.get(case_number="SJ-0"), "filed", dt.date(2026, 1, 20), actor=attorney)
    package = services.build_package(office, "SAN JOAQUIN", actor=attorney)
    assert [r["case_number"] for r in _manifest(_zip(package))] == ["SJ-1", "SJ-2"]
    assert "hs_11361_9_not_challenged.csv" not in _zip(package).namelist()


def test_paralegals_download_packages_but_cannot_generate(office, users, client_for, committed):
    batch = _three_motions(office, users["attorney"], committed)
    paralegal = client_for(users["paralegal"])
    assert paralegal.post(f"/motions/batches/{batch.pk}/generate/").status_code == 403
    assert paralegal.get("/motions/generate/").status_code == 403
    assert paralegal.get("/motions/signature/").status_code == 403
    supervisor = client_for(users["supervisor"])
    assert supervisor.post("/motions/packages/build/", {"court": "SAN JOAQUIN"}).status_code == 403


def test_render_motions_command_renders_a_batch_and_writes_its_packages(office, users, tmp_path):
    attorney = users["attorney"]
    batch = factories.make_batch(office)
    make_signed_case(office, attorney, batch=batch, case_number="CLI-1")
    out = io.StringIO()
    call_command("render_motions", "--batch", str(batch.pk), "--package-dir", str(tmp_path / "out"),
                 "--as", "paralegal", stdout=out)
    motion = Motion.objects.get()
    assert motion.documents.count() == 1
    zips = list((tmp_path / "out").glob("*.zip"))
    assert len(zips) == 1 and "1 motions" in out.getvalue()
    call_command("render_motions", "--batch", str(batch.pk), stdout=out)
    assert motion.documents.count() == 1  # nothing new without --regenerate
    call_command("render_motions", "--batch", str(batch.pk), "--regenerate", stdout=out)
    assert list(motion.documents.values_list("version", flat=True)) == [2, 1]
