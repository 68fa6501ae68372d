"""Builders for eligibility URL kwargs, used by the office-isolation walk."""

from eligibility.models import PolicyPreview


def _preview(office):
    return PolicyPreview.objects.create(office=office, draft={}, created_by=office.users.first()).pk


BUILDERS = {"preview_id": _preview}
