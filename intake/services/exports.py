"""Building a DOJ batch's results download: the four results files per source file, zipped."""

import hashlib
import tempfile
import zipfile
from pathlib import Path

from django.core.files.base import File

from audit import service as audit
from eligibility.services import current_policy
from intake.doj.results import write_results

from ..models import ResultsExport, SourceFile, SourceKind
from .doj import named_link


def build_results_export(export: ResultsExport) -> None:
    policy, label = current_policy(export.office)
    sources = export.batch.files.filter(kind=SourceKind.DOJ, status=SourceFile.Status.DONE).order_by("id")
    summaries = {}
    with tempfile.TemporaryDirectory(prefix="results-") as work:
        work = Path(work)
        archive_path = work / f"batch-{export.batch_id}-results-{export.as_of.isoformat()}.zip"
        with zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for source in sources:
                link, folder = named_link(source)
                try:
                    out = work / f"file-{source.pk}"
                    summaries[source.original_name] = write_results(link, out, policy, export.as_of)
                finally:
                    folder.cleanup()
                stem = Path(source.original_name).stem
                for produced in sorted(out.iterdir()):
                    archive.write(produced, f"{stem}/{produced.name}")
        digest = hashlib.sha256(archive_path.read_bytes()).hexdigest()
        with open(archive_path, "rb") as handle:
            export.zip_file.save(archive_path.name, File(handle), save=False)
    export.sha256 = digest
    export.summary = summaries
    export.policy_version = label
    export.status = ResultsExport.Status.DONE
    export.save(update_fields=["zip_file", "sha256", "summary", "policy_version", "status"])
    audit.record("batch.results_exported", office=export.office, obj=export, actor=export.created_by,
                 after={"batch": export.batch_id, "as_of": export.as_of, "sha256": digest, "policy": label})
