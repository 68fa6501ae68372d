"""``manage.py evaluate PATH [PATH ...] --as-of YYYY-MM-DD`` — a stable contract; see README."""

import datetime as dt
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eligibility.headless import evaluate_paths, load_policy
from eligibility.output_files import create_output


class Command(BaseCommand):
    help = ("Evaluate RAP sheets (PDF/text) and DOJ research files without a server or stored data; "
            "one output line per (convicted count x relief law).")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files (or folders of files) to evaluate")
        parser.add_argument("--as-of", required=True, help="evaluation date YYYY-MM-DD (never the wall clock)")
        parser.add_argument("--county", default="", help="the office's county, e.g. 'San Joaquin'")
        parser.add_argument("--policy", default=None, help="office policy JSON (ours, or eligibility_options.json)")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--person-summary", action="store_true", help="one line per person instead")
        parser.add_argument("--output", "-o", default="-", help="output file (default: standard output)")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                            help="processes for a large DOJ file (default: one per core); output is the same")
        parser.add_argument("--export-dir", default=None,
                            help="also write, per DOJ file, the analyst's results files and impact summary here")

    def handle(self, *args, **options):
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError as error:
            raise CommandError(f"--as-of must be YYYY-MM-DD: {options['as_of']!r}") from error
        try:
            policy = load_policy(options["policy"], options["county"])
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read the policy: {error}") from error
        paths = [Path(p) for p in options["paths"]]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        out = sys.stdout if options["output"] == "-" else open(create_output(options["output"]), "w", newline="")  # noqa: SIM115
        try:
            reports = evaluate_paths(paths, policy, as_of, fmt=options["format"], out=out,
                                     person_summary=options["person_summary"], err=sys.stderr,
                                     export_dir=Path(options["export_dir"]) if options["export_dir"] else None,
                                     workers=max(1, options["workers"]))
        finally:
            if out is not sys.stdout:
                out.close()
        failed = [r for r in reports if r.error]
        if failed:
            # Every readable file was evaluated; the exit status tells scripts that some were not.
            raise CommandError(f"{len(failed)} of {len(reports)} file(s) could not be evaluated", returncode=1)
