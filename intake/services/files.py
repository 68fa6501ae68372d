"""Storing what a paralegal uploaded: bytes on disk, hashed, once per office."""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from audit import service as audit

from ..models import Batch, SourceFile

CHUNK = 1024 * 1024


def _incoming_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_stream(*, batch: Batch, chunks, original_name: str, user) -> SourceFile:
    """Write the bytes while hashing them, then register the file (or recognise a duplicate)."""
    digest = hashlib.sha256()
    size = 0
    fd, temp_name = tempfile.mkstemp(dir=_incoming_dir(), suffix=".part")
    with os.fdopen(fd, "wb") as out:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return register_file(batch=batch, temp_path=Path(temp_name), sha256=digest.hexdigest(), size=size,
                         original_name=original_name, user=user)


def store_path(*, batch: Batch, path: Path, original_name: str, user, copy: bool = True) -> SourceFile:
    """Register a file already on this machine (the IT import path): hashed while copied."""
    def chunks():
        with open(path, "rb") as handle:
            while block := handle.read(CHUNK):
                yield block

    if copy:
        return store_stream(batch=batch, chunks=chunks(), original_name=original_name, user=user)
    digest = hashlib.sha256()
    for block in chunks():
        digest.update(block)
    return register_file(batch=batch, temp_path=path, sha256=digest.hexdigest(), size=path.stat().st_size,
                         original_name=original_name, user=user, move=False)


def register_file(*, batch, temp_path: Path, sha256: str, size: int, original_name: str, user,
                  move: bool = True) -> SourceFile:
    office = batch.office
    original = SourceFile.objects.for_office(office).exclude(status=SourceFile.Status.DUPLICATE).filter(
        sha256=sha256).first()
    if original is None:
        final_rel = f"sources/{office.pk}/{sha256[:2]}/{sha256}{Path(original_name).suffix.lower()[:10]}"
        final_path = Path(settings.MEDIA_ROOT) / final_rel
        final_path.parent.mkdir(parents=True, exist_ok=True)
        if move:
            shutil.move(str(temp_path), final_path)
        else:
            shutil.copyfile(temp_path, final_path)
        try:
            with transaction.atomic():
                source = SourceFile.objects.create(
                    office=office, batch=batch, kind=batch.kind, original_name=original_name[:255], stored=final_rel,
                    sha256=sha256, size=size, status=SourceFile.Status.QUEUED, uploaded_by=user,
                    message="" if size else "the file is empty (0 bytes)",
                )
                Batch.objects.filter(pk=batch.pk).update(files_total=F("files_total") + 1)
                audit.record("file.received", office=office, actor=user, obj=source,
                             after={"name": original_name, "sha256": sha256, "size": size, "batch": batch.pk})
            return source
        except IntegrityError:
            # The same bytes arrived twice at the same moment: the other request registered them.
            original = SourceFile.objects.for_office(office).exclude(status=SourceFile.Status.DUPLICATE).get(
                sha256=sha256)
    elif move:
        temp_path.unlink(missing_ok=True)
    with transaction.atomic():
        duplicate = SourceFile.objects.create(
            office=office, batch=batch, kind=batch.kind, original_name=original_name[:255], sha256=sha256, size=size,
            status=SourceFile.Status.DUPLICATE, duplicate_of=original, uploaded_by=user,
            message=f"already received as “{original.original_name}” in batch {original.batch_id}; not processed again",
        )
        Batch.objects.filter(pk=batch.pk).update(files_total=F("files_total") + 1, files_done=F("files_done") + 1)
        audit.record("file.duplicate", office=office, actor=user, obj=duplicate,
                     after={"name": original_name, "sha256": sha256, "original": original.pk})
    return duplicate


def source_path(source: SourceFile) -> Path:
    return Path(settings.MEDIA_ROOT) / source.stored.name
