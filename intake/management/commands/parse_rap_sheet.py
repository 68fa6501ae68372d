"""``manage.py parse_rap_sheet FILE [--json]``: print the structured record and its warnings."""

from django.core.management.base import BaseCommand, CommandError

from intake.rap_sheet.cli import main


class Command(BaseCommand):
    help = "Read one RAP sheet (PDF or text) and print the structured record and every parse warning."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args, **options):
        argv = [options["file"]] + (["--json"] if options["json"] else [])
        code = main(argv)
        if code:
            raise CommandError("the file could not be read as a RAP sheet", returncode=code)
