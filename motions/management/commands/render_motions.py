"""Headless generation: create and render a batch's motions in this process, optionally write packages.

    python manage.py render_motions --batch ID [--regenerate] [--package-dir DIR --as USERNAME]
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from intake.models import Batch
from motions import services
from motions.models import Motion
from offices.models import User


class Command(BaseCommand):
    help = "Generate and render the motions of a batch's signed-off decisions (no Celery needed)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, required=True, help="Batch id")
        parser.add_argument("--regenerate", action="store_true",
                            help="Render a new version of every motion, keeping the old ones")
        parser.add_argument("--package-dir", type=Path, help="Also build one filing package per court into DIR")
        parser.add_argument("--as", dest="username", help="User recorded as building the packages (attorney or "
                                                          "paralegal of the batch's office)")

    def handle(self, *args, batch, regenerate, package_dir, username, **options):
        try:
            batch_obj = Batch.objects.select_related("office").get(pk=batch)
        except Batch.DoesNotExist as missing:
            raise CommandError(f"No batch {batch}") from missing
        office = batch_obj.office
        user = None
        if package_dir:
            user = User.objects.filter(username=username, office=office).first() if username else None
            if user is None or not user.has_perm("motions.download_package"):
                raise CommandError("--package-dir needs --as USERNAME of an attorney or paralegal of the office")

        report = services.generate(office, batch=batch_obj, enqueue=False)
        self.stdout.write(f"Batch {batch}: {report.summary}")
        for skipped in report.skipped:
            self.stdout.write(f"  no motion: {skipped.person}, case {skipped.case_number} ({skipped.relief}): "
                              f"{skipped.reason}")

        motions = Motion.objects.filter(office=office, batch=batch_obj, sign_off__reopened_at__isnull=True)
        wanted = [
            (motion.pk, (motion.latest or 0) + 1)
            for motion in motions.annotate(latest=Max("documents__version")).order_by("pk")
            if regenerate or motion.latest is None
        ]
        # One process per core renders; this one stores the files as they come back.
        documents = services.render_documents(wanted, workers=os.cpu_count() or 1)
        self.stdout.write(f"Rendered {len(documents)} document(s).")

        if package_dir:
            package_dir.mkdir(parents=True, exist_ok=True)
            for row in services.courts_with_pending_motions(office, batch=batch_obj):
                if not row["ready"]:
                    continue
                package = services.build_package(office, row["court_county"], actor=user, batch=batch_obj)
                target = package_dir / Path(package.zip_file.name).name
                with package.zip_file.open("rb") as fh:
                    target.write_bytes(fh.read())
                self.stdout.write(f"Package {target} ({package.motion_count} motions, sha256 {package.sha256})")
