"""``manage.py import_doj FILE --office SLUG``: the server-side import path for IT staff."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import service as audit
from intake.models import Batch, SourceFile, SourceKind
from intake.services import files
from offices.models import Office, Role


class Command(BaseCommand):
    help = ("Import a DOJ research file already on this server (any size). Queued for the worker, or read "
            "here with --now. The same file (by SHA-256) is never ingested twice.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--office", required=True, help="the office's slug")
        parser.add_argument("--name", default="", help="batch name (default: the file name)")
        parser.add_argument("--user", default="", help="username recorded as uploader (default: an office admin)")
        parser.add_argument("--now", action="store_true", help="read and evaluate in this process, not the worker")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        office = Office.objects.filter(slug=options["office"]).first()
        if office is None:
            raise CommandError(f"no office with slug {options['office']!r}")
        users = office.users.filter(is_active=True)
        user = users.filter(username=options["user"]).first() if options["user"] else None
        user = user or next((u for u in users if u.has_role(Role.OFFICE_ADMIN)), None) or users.first()
        if user is None:
            raise CommandError("the office has no active user to record as the uploader")
        batch = Batch.objects.create(office=office, kind=SourceKind.DOJ, name=options["name"] or path.name,
                                     created_by=user, status=Batch.Status.QUEUED)
        audit.record("batch.created", office=office, actor=user, obj=batch,
                     after={"kind": "doj", "path": str(path), "via": "import_doj"})
        source = files.store_path(batch=batch, path=path, original_name=path.name, user=user)
        if source.status == SourceFile.Status.DUPLICATE:
            self.stdout.write(f"already received: {source.message}")
            return
        from intake.tasks import process_source_file

        if options["now"]:
            from django.conf import settings

            from cmr.celery import app

            app.conf.task_always_eager = True  # evaluation chunks run here too
            try:
                process_source_file(source.pk)
            finally:
                app.conf.task_always_eager = getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
        else:
            process_source_file.delay(source.pk)
        source.refresh_from_db()
        self.stdout.write(f"batch {batch.pk}, file {source.pk}: {source.get_status_display()} {source.message}")
