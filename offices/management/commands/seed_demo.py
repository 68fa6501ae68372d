from django.core.management.base import BaseCommand

from offices.demo import DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Create the demo office and one user per role (idempotent)."

    def handle(self, *args, **options):
        office, _ = seed_demo()
        self.stdout.write(f"Demo office: {office.name} ({office.county} County)")
        self.stdout.write("Demo logins (username / password / role):")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<12} {spec.password:<22} {', '.join(spec.roles)}")
