"""Who may do what, as named predicates (django-rules), checked by views and the API."""

import rules

from .models import Role


def _role(role):
    @rules.predicate(name=f"is_{role}")
    def has(user):
        return bool(getattr(user, "is_authenticated", False) and user.office_id and user.has_role(role))

    return has


is_paralegal = _role(Role.PARALEGAL)
is_attorney = _role(Role.ATTORNEY)
is_supervisor = _role(Role.SUPERVISOR)
is_office_admin = _role(Role.OFFICE_ADMIN)


@rules.predicate
def granted_dashboard(user):
    office = getattr(user, "office", None)
    return bool(office and user.role_set & set(office.dashboard_roles or ()))


rules.add_perm("intake.upload", is_paralegal | is_office_admin)
rules.add_perm("intake.undo_merge", is_paralegal | is_attorney | is_office_admin)
rules.add_perm("intake.view_batches", is_paralegal | is_attorney | is_supervisor | is_office_admin)
rules.add_perm("review.view_person", is_attorney | is_supervisor | is_paralegal)
rules.add_perm("review.decide", is_attorney)
rules.add_perm("review.sign_off", is_attorney)
rules.add_perm("review.reopen", is_supervisor)
rules.add_perm("motions.view", is_attorney | is_paralegal | is_supervisor)
rules.add_perm("motions.generate", is_attorney)
rules.add_perm("motions.download_package", is_attorney | is_paralegal)
rules.add_perm("motions.manage_templates", is_office_admin)
rules.add_perm("motions.record_status", is_attorney | is_paralegal)
rules.add_perm("dashboard.view", is_supervisor | granted_dashboard)
rules.add_perm("dashboard.research_export", is_supervisor)
rules.add_perm("dashboard.manage_access", is_office_admin)
rules.add_perm("eligibility.manage_policy", is_office_admin)
rules.add_perm("eligibility.view_policy", is_office_admin | is_attorney | is_supervisor)
