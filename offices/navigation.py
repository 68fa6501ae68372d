"""The menu each role sees, and the page it lands on after login."""

from django.urls import reverse

from .models import Role

MENU = [
    # (label, url name, permission)
    ("Uploads", "intake:batch_list", "intake.upload"),
    ("Review", "review:queue", "review.decide"),
    ("Motions", "motions:list", "motions.view"),
    ("Dashboard", "dashboard:home", "dashboard.view"),
    ("Policy", "eligibility:policy", "eligibility.view_policy"),
    ("Forms", "motions:templates", "motions.manage_templates"),
    ("Dashboard access", "dashboard:access", "dashboard.manage_access"),
]

HOME_BY_ROLE = [
    (Role.PARALEGAL, "intake:batch_list"),
    (Role.ATTORNEY, "review:queue"),
    (Role.SUPERVISOR, "dashboard:home"),
    (Role.OFFICE_ADMIN, "eligibility:policy"),
]


def menu_for(user):
    return [(label, reverse(name)) for label, name, perm in MENU if user.has_perm(perm)]


def home_url_for(user) -> str | None:
    for role, name in HOME_BY_ROLE:
        if user.has_role(role):
            return reverse(name)
    return None
