"""Builders for intake URL kwargs, used by the office-isolation walk."""

from intake.models import ChunkedUpload
from tests import factories


def _chunked_upload(office):
    batch = factories.make_batch(office)
    return ChunkedUpload.objects.create(office=office, batch=batch, original_name="x.csv", expected_size=10,
                                        created_by=batch.created_by).pk


BUILDERS = {"upload_id": _chunked_upload}


def _merge(office):
    from intake.models import PersonMerge

    person = factories.make_person(office)
    return PersonMerge.objects.create(office=office, kept=person, snapshot=person.current_snapshot,
                                      method=PersonMerge.Method.CII, confidence=1).pk


BUILDERS["merge_id"] = _merge


def _export(office):
    import datetime as dt

    from intake.models import ResultsExport

    batch = factories.make_batch(office)
    return ResultsExport.objects.create(office=office, batch=batch, as_of=dt.date(2026, 1, 15), policy_version="x",
                                        created_by=batch.created_by).pk


BUILDERS["export_id"] = _export
