"""Rebuild the dashboard's precomputed tables from the records, e.g. after a deploy."""

import time

from django.core.management.base import BaseCommand, CommandError

from dashboard import outcomes
from offices.models import Office


class Command(BaseCommand):
    help = "Recompute the outcome dashboard's tables for every office (or one, with --office SLUG)."

    def add_arguments(self, parser):
        parser.add_argument("--office", metavar="SLUG", help="only this office")

    def handle(self, *args, office=None, **options):
        if not outcomes.enabled():
            raise CommandError("The outcome dashboard's tables are kept on PostgreSQL only.")
        offices = Office.objects.order_by("pk")
        if office:
            offices = offices.filter(slug=office)
            if not offices.exists():
                raise CommandError(f"No office with slug {office!r}.")
        for each in offices:
            started = time.perf_counter()
            outcomes.rebuild(each)
            self.stdout.write(f"{each.slug}: rebuilt in {time.perf_counter() - started:.1f} s")
