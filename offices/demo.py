"""The demo office and its users, documented in the README. Safe to run again and again."""

from dataclasses import dataclass

from django.db import transaction

from audit import service as audit

from .models import Office, Role, User

DEMO_OFFICE = {
    "slug": "demo",
    "name": "Demo County District Attorney",
    # The generated demo data and the DOJ sample files are San Joaquin records.
    "county": "San Joaquin",
    "address": "222 E. Weber Avenue, Room 202\nStockton, CA 95202",
    "phone": "(209) 555-0100",
    "elected_da": "Alex Demo",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    roles: tuple[str, ...]
    first_name: str
    last_name: str
    bar_number: str = ""
    title: str = ""
    staff: bool = False


DEMO_USERS = (
    DemoUser("paralegal", "demo-paralegal-pass", (Role.PARALEGAL,), "Pat", "Paralegal", title="Paralegal"),
    DemoUser("attorney", "demo-attorney-pass", (Role.ATTORNEY,), "Ana", "Attorney", "123456",
             "Deputy District Attorney"),
    DemoUser("supervisor", "demo-supervisor-pass", (Role.SUPERVISOR,), "Sam", "Supervisor",
             title="Chief Deputy District Attorney"),
    DemoUser("officeadmin", "demo-admin-pass", (Role.OFFICE_ADMIN,), "Olu", "Admin", title="Office administrator",
             staff=True),
)


@transaction.atomic
def seed_demo() -> tuple[Office, list[User]]:
    office, created = Office.objects.get_or_create(slug=DEMO_OFFICE["slug"], defaults=DEMO_OFFICE)
    if created:
        audit.record("office.created", office=office, obj=office, after=DEMO_OFFICE, actor_label="seed_demo")
    users = []
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "office": office,
                "roles": list(spec.roles),
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "bar_number": spec.bar_number,
                "title": spec.title,
                "is_staff": spec.staff,
            },
        )
        if created or not user.check_password(spec.password):
            user.set_password(spec.password)
            user.save(update_fields=["password"])
        if created:
            audit.record("user.created", office=office, obj=user, actor_label="seed_demo",
                         after={"username": user.username, "roles": user.roles})
        users.append(user)
    attorney = next(u for u in users if Role.ATTORNEY in u.roles)
    office.default_signing_attorneys.add(attorney)
    _grant_admin_permissions(next(u for u in users if u.is_staff))
    return office, users


def _grant_admin_permissions(user: User) -> None:
    # The office admin manages users, offices and templates in Django admin, scoped to the office.
    from django.contrib.auth.models import Permission

    codenames = ["view_office", "change_office", "view_user", "add_user", "change_user", "view_auditevent"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
