"""Tenancy: every model that holds an office's data goes through ``for_office``.

Views take the office from the logged-in user (``request.office``), never from the URL, and
look objects up with :func:`get_for_office_or_404`, so an object of another office is a 404,
not a leak.
"""

from django.db import models
from django.http import Http404


class OfficeScopedQuerySet(models.QuerySet):
    def for_office(self, office):
        if office is None:
            return self.none()
        return self.filter(office=office)


OfficeScopedManager = models.Manager.from_queryset(OfficeScopedQuerySet)


class OfficeScopedModel(models.Model):
    """Base for models holding office data: carries its office and the scoped manager."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")

    objects = OfficeScopedManager()

    class Meta:
        abstract = True


def unchecked_office_field(*, indexed: bool = True) -> models.ForeignKey:
    """The office column of the tables a county's DOJ file fills by the million (cases, counts,
    determinations), without a database foreign-key check: that check ran once per row and, with
    the other checks, was a fifth of the file's ingest time on PostgreSQL. The bulk writer copies
    the office from the source file; PROTECT still holds, enforced by Django on delete.
    ``indexed=False`` for a table whose composite indexes already start with the office."""
    return models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", db_constraint=False,
                             db_index=indexed)


def get_for_office_or_404(model_or_queryset, office, **lookup):
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, models.QuerySet)
        else model_or_queryset.objects.all()
    )
    try:
        return queryset.for_office(office).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404(f"No {queryset.model._meta.verbose_name} here") from missing
