"""Upload pages. Views stay thin: bytes go to ``services.files``, work goes to Celery tasks."""

import csv
import os
from pathlib import Path

from django.db import transaction
from django.db.models import Count as Total
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit import service as audit
from offices.access import permission_required
from offices.tenancy import get_for_office_or_404

from .models import Batch, ChunkedUpload, Count, RowError, SourceFile, SourceKind
from .services import batches as batch_service
from .services import files
from .tasks import process_source_file


@permission_required("intake.upload")
def batch_list(request):
    batches = Batch.objects.for_office(request.office).select_related("created_by")[:100]
    return render(request, "intake/batch_list.html", {"batches": batches, "kinds": SourceKind.choices})


@require_POST
@permission_required("intake.upload")
def batch_create(request):
    kind = request.POST.get("kind")
    if kind not in SourceKind.values:
        return HttpResponseBadRequest("unknown kind of batch")
    name = (request.POST.get("name") or "").strip() or f"{SourceKind(kind).label} upload"
    batch = Batch.objects.create(office=request.office, kind=kind, name=name[:200], created_by=request.user)
    audit.record("batch.created", office=request.office, actor=request.user, obj=batch,
                 after={"kind": kind, "name": name})
    return redirect("intake:batch_detail", batch_id=batch.pk)


def _batch(request, batch_id):
    return get_for_office_or_404(Batch.objects.select_related("created_by"), request.office, pk=batch_id)


@permission_required("intake.view_batches")
def batch_detail(request, batch_id):
    batch = _batch(request, batch_id)
    from .models import Person

    people = (Person.objects.for_office(request.office).filter(snapshots__source_file__batch=batch)
              .distinct().order_by("name")[:50])
    from eligibility.services import office_today

    context = {"batch": batch, **_progress_context(batch), "summary": _summary(batch), "people": people,
               "exports": batch.exports.select_related("created_by")[:10], "today": office_today(request.office),
               "can_upload": request.user.has_perm("intake.upload"),
               "can_view_people": request.user.has_perm("review.view_person")}
    return render(request, "intake/batch_detail.html", context)


@permission_required("intake.view_batches")
def batch_progress(request, batch_id):
    """The live part of the batch page, polled by htmx while the batch is open."""
    batch = _batch(request, batch_id)
    context = {"batch": batch, **_progress_context(batch)}
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({
            "status": batch.status, "files_total": batch.files_total, "files_done": batch.files_done,
            "files_failed": batch.files_failed, "rows_read": batch.rows_read, "rows_rejected": batch.rows_rejected,
            "persons_built": batch.persons_built, "persons_evaluated": batch.persons_evaluated,
            "files": [{"id": f.pk, "name": f.original_name, "status": f.status, "message": f.message}
                      for f in context["files"]],
        })
    return render(request, "intake/_progress.html", context)


def _progress_context(batch):
    # Polled every second: read the files once.
    files = list(batch.files.order_by("id")[:500])
    finished = batch.files_done + batch.files_failed
    percent = int(100 * finished / batch.files_total) if batch.files_total else 0
    if batch.kind == SourceKind.DOJ and batch.status == Batch.Status.PROCESSING:
        # A DOJ batch is usually one huge file: show how far into its lines the worker is.
        lines = sum(f.lines_total or 0 for f in files if f.status != SourceFile.Status.DUPLICATE)
        read = sum(f.rows_read for f in files)
        if lines:
            percent = max(percent, min(99, int(100 * read / lines)))
    return {"files": files, "percent": percent,
            "open": batch.status in (Batch.Status.RECEIVING, Batch.Status.QUEUED, Batch.Status.PROCESSING)}


def _summary(batch):
    counts = Count.objects.filter(case__snapshot__source_file__batch=batch)
    convictions = counts.filter(convicted=True)
    from .models import Person, RecordSnapshot

    return {
        # Records are what the files describe (DOJ subjects, sheets); persons are the people they
        # turned out to be once the same CII (or name and DOB) was recognised across records.
        "records": RecordSnapshot.objects.filter(source_file__batch=batch).count(),
        "persons": Person.objects.filter(snapshots__source_file__batch=batch).distinct().count(),
        "cycles": batch.cycles_built,
        "counts": counts.count(),
        "convictions": convictions.count(),
        "felonies": convictions.filter(level="felony").count(),
        "by_section": list(
            convictions.values("code_section").annotate(n=Total("id")).order_by("-n", "code_section")[:40]
        ),
        "errors": RowError.objects.filter(source_file__batch=batch).count(),
        "needs_review": batch.files.filter(status=SourceFile.Status.NEEDS_REVIEW).count(),
    }


@require_POST
@permission_required("intake.upload")
def upload_file(request, batch_id):
    """One file per request (the page sends many in parallel); big files use the chunked endpoints."""
    batch = _batch(request, batch_id)
    if batch.status not in (Batch.Status.RECEIVING, Batch.Status.QUEUED, Batch.Status.PROCESSING):
        return JsonResponse({"error": "this batch is closed; start a new batch"}, status=409)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return JsonResponse({"error": "no file in the request"}, status=400)
    source = files.store_stream(batch=batch, chunks=uploaded.chunks(), original_name=uploaded.name, user=request.user)
    _enqueue(source)
    return JsonResponse({"id": source.pk, "name": source.original_name, "status": source.status,
                         "message": source.message, "sha256": source.sha256})


def _enqueue(source):
    if source.status == SourceFile.Status.QUEUED:
        transaction.on_commit(lambda: process_source_file.delay(source.pk))


@require_POST
@permission_required("intake.upload")
def batch_close(request, batch_id):
    """All files are sent: the batch may finish once the worker has read them."""
    batch = _batch(request, batch_id)
    Batch.objects.filter(pk=batch.pk, status=Batch.Status.RECEIVING).update(status=Batch.Status.QUEUED)
    audit.record("batch.closed", office=request.office, actor=request.user, obj=batch,
                 after={"files": batch.files_total})
    batch_service.close_if_complete(batch.pk)
    if request.headers.get("HX-Request") or request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"status": Batch.objects.get(pk=batch.pk).status})
    return redirect("intake:batch_detail", batch_id=batch.pk)


# --- chunked, resumable upload of large DOJ files ------------------------------------------------


def _chunk_path(upload: ChunkedUpload) -> Path:
    path = files._incoming_dir() / f"{upload.pk}.part"
    return path


@require_POST
@permission_required("intake.upload")
def chunked_start(request, batch_id):
    batch = _batch(request, batch_id)
    try:
        size = int(request.POST.get("size", ""))
    except ValueError:
        return JsonResponse({"error": "size must be the file's size in bytes"}, status=400)
    name = (request.POST.get("name") or "").strip()
    if not name:
        return JsonResponse({"error": "name is required"}, status=400)
    # Resuming: the same file name and size in this batch continues where it stopped.
    upload = ChunkedUpload.objects.for_office(request.office).filter(
        batch=batch, original_name=name, expected_size=size, completed=False).first()
    if upload is None:
        upload = ChunkedUpload.objects.create(office=request.office, batch=batch, original_name=name[:255],
                                              expected_size=size, created_by=request.user)
        _chunk_path(upload).touch()
    return JsonResponse({"upload": str(upload.pk), "received": upload.received, "size": size})


@require_POST
@permission_required("intake.upload")
def chunked_put(request, upload_id):
    upload = get_for_office_or_404(ChunkedUpload, request.office, pk=upload_id)
    if upload.completed:
        return JsonResponse({"error": "this upload is already complete"}, status=409)
    try:
        offset = int(request.headers.get("X-Upload-Offset", ""))
    except ValueError:
        return JsonResponse({"error": "X-Upload-Offset header is required"}, status=400)
    path = _chunk_path(upload)
    with transaction.atomic():
        upload = ChunkedUpload.objects.select_for_update().get(pk=upload.pk)
        if offset != upload.received:
            return JsonResponse({"error": "offset does not match what was received", "received": upload.received},
                                status=409)
        body = request.body
        with open(path, "r+b" if path.exists() else "wb") as out:
            out.seek(offset)
            out.write(body)
            out.truncate()
        upload.received = offset + len(body)
        if upload.received > upload.expected_size:
            return JsonResponse({"error": "more bytes than the announced size"}, status=400)
        upload.save(update_fields=["received"])
    result = {"upload": str(upload.pk), "received": upload.received, "size": upload.expected_size}
    if upload.received == upload.expected_size:
        source = _finish_chunked(upload, request.user)
        result.update({"file": source.pk, "status": source.status, "message": source.message})
    return JsonResponse(result)


@require_GET
@permission_required("intake.upload")
def chunked_status(request, upload_id):
    upload = get_for_office_or_404(ChunkedUpload, request.office, pk=upload_id)
    return JsonResponse({"upload": str(upload.pk), "received": upload.received, "size": upload.expected_size,
                         "completed": upload.completed})


def _finish_chunked(upload: ChunkedUpload, user):
    import hashlib

    path = _chunk_path(upload)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(files.CHUNK * 8):
            digest.update(block)
    with transaction.atomic():
        ChunkedUpload.objects.filter(pk=upload.pk).update(completed=True)
        source = files.register_file(batch=upload.batch, temp_path=path, sha256=digest.hexdigest(),
                                     size=os.path.getsize(path), original_name=upload.original_name, user=user)
        _enqueue(source)
    return source


# --- error report --------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


@permission_required("intake.view_batches")
def error_report(request, batch_id):
    """Every row or file that could not be read, with line number, column, problem and raw line."""
    batch = _batch(request, batch_id)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["file", "line", "column", "problem", "raw_line"])
        for source in batch.files.filter(Q(status=SourceFile.Status.FAILED) | Q(row_errors__isnull=False)).distinct():
            if source.status == SourceFile.Status.FAILED:
                yield writer.writerow([source.original_name, "", "", source.message, ""])
            for error in source.row_errors.order_by("line_number").iterator(chunk_size=2000):
                yield writer.writerow([source.original_name, error.line_number, error.column, error.problem,
                                       error.raw_line])

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-errors.csv"'
    audit.record("batch.error_report_downloaded", office=request.office, actor=request.user, obj=batch)
    return response


@permission_required("intake.view_batches")
def file_original(request, file_id):
    """The original uploaded bytes (a PDF opens at ``#page=N`` in the browser's viewer)."""
    source = get_for_office_or_404(SourceFile, request.office, pk=file_id)
    if source.status == SourceFile.Status.DUPLICATE:
        source = source.duplicate_of
    path = files.source_path(source)
    content_type = "application/pdf" if source.original_name.lower().endswith(".pdf") else "text/plain; charset=utf-8"
    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{source.original_name}"'
    audit.record("file.viewed", office=request.office, actor=request.user, obj=source)
    return response


# --- person matches across files ------------------------------------------------------------------


@permission_required("intake.view_batches")
def merge_list(request):
    """Every time a new record was attached to a person we already had, and how sure we were."""
    from .models import PersonMerge

    merges = (PersonMerge.objects.for_office(request.office)
              .select_related("kept", "snapshot__source_file", "split_person", "undone_by")
              .order_by("undone_at", "confidence", "-created_at"))
    batch_id = request.GET.get("batch")
    if batch_id and batch_id.isdigit():
        merges = merges.filter(snapshot__source_file__batch_id=int(batch_id))
    return render(request, "intake/merges.html", {"merges": merges[:300], "can_undo": request.user.has_perm(
        "intake.undo_merge")})


@require_POST
@permission_required("intake.undo_merge")
def merge_undo(request, merge_id):
    from .models import PersonMerge
    from .services.records import undo_merge

    merge = get_for_office_or_404(PersonMerge, request.office, pk=merge_id)
    split = undo_merge(merge, request.user)
    from eligibility.tasks import enqueue_reevaluation

    enqueue_reevaluation([merge.kept_id, split.pk])
    return redirect(f"{reverse('intake:merge_list')}#merge-{merge.pk}")


# --- results export of a DOJ batch ------------------------------------------------------------------


@require_POST
@permission_required("intake.view_batches")
def results_export_create(request, batch_id):
    import datetime as dt

    from eligibility.services import office_today

    from .models import ResultsExport
    from .tasks import build_results_export

    batch = _batch(request, batch_id)
    try:
        as_of = dt.date.fromisoformat(request.POST.get("as_of") or office_today(request.office).isoformat())
    except ValueError:
        return HttpResponseBadRequest("as_of must be a date YYYY-MM-DD")
    export = ResultsExport.objects.create(office=request.office, batch=batch, as_of=as_of, policy_version="",
                                          created_by=request.user)
    audit.record("batch.results_export_requested", office=request.office, actor=request.user, obj=export,
                 after={"batch": batch.pk, "as_of": as_of})
    transaction.on_commit(lambda: build_results_export.delay(export.pk))
    return redirect(f"{reverse('intake:batch_detail', args=[batch.pk])}#results")


@permission_required("intake.view_batches")
def results_export_download(request, export_id):
    from .models import ResultsExport

    export = get_for_office_or_404(ResultsExport, request.office, pk=export_id)
    if export.status != ResultsExport.Status.DONE:
        return HttpResponse(f"This export is {export.get_status_display().lower()}.", status=409)
    audit.record("batch.results_downloaded", office=request.office, actor=request.user, obj=export)
    response = HttpResponse(export.zip_file.read(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{Path(export.zip_file.name).name}"'
    return response
