"""The dashboard's tables as CSV and XLSX, a one-page PDF summary, and the de-identified research export."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
from collections.abc import Iterator

from django.conf import settings
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import ExtractYear

from eligibility.models import Determination
from motions.models import Motion
from review.models import Decision

from .report import DEFINITIONS, Report


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def _heading(report: Report) -> list[str]:
    scope = report.scope
    period = f"{scope.start or 'first upload'} to {scope.end or 'today'}"
    batch = f"; batch: {scope.batch.name}" if scope.batch else ""
    return [f"{scope.office.name} — outcome dashboard", f"Batches uploaded {period}{batch}"]


def tables_csv(report: Report) -> str:
    """Every table, one after the other: a title row, the header, the rows, a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _heading(report):
        writer.writerow([line])
    writer.writerow([])
    for table in report.tables:
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([_cell(v) for v in row] for row in table.export_rows)
        writer.writerow([])
    return out.getvalue()


def tables_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "About"
    for line in _heading(report):
        about.append([line])
    about.append([])
    for term, meaning in DEFINITIONS:
        about.append([term, meaning])
    for table in report.tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.export_rows:
            # Excel cannot hold time zones; the office reads local times anyway.
            sheet.append([v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in row])
        sheet.column_dimensions["A"].width = 34
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_pdf(report: Report) -> bytes:
    """One page for a board or the press: the headline figures and the definitions behind them."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    f = report.figures
    people, engine, motions = f["people"], f["engine"], f["motions"]
    rows = [
        ["Records received",
         f"{f['records']['rap_sheets']:,} RAP sheets, {f['records']['doj_subjects']:,} DOJ subjects"],
        ["People identified", f"{f['records']['people']:,}"],
        ["Convictions evaluated", f"{f['evaluated']['convictions']:,}"],
        ["Convictions eligible for relief", f"{f['evaluated']['eligible']:,}"],
        ["Engine proposals approved / overridden / deferred",
         f"{f['determinations']['approved']:,} / {f['determinations']['overridden']:,} / "
         f"{f['determinations']['deferred']:,}"],
        ["Motions created / filed / granted / denied / pending",
         f"{motions['created']:,} / {motions['filed']:,} / {motions['granted']:,} / {motions['denied']:,} / "
         f"{motions['pending']:,}"],
        ["No felony left: if all approved motions are granted / granted so far",
         f"{people['no_felony_if_granted']:,} / {people['no_felony_granted']:,} of {people['with_felony']:,}"],
        ["No conviction left: if all approved motions are granted / granted so far",
         f"{people['no_conviction_if_granted']:,} / {people['no_conviction_granted']:,} of "
         f"{people['with_conviction']:,}"],
        ["If every engine proposal were granted: no felony / no conviction",
         f"{engine['no_felony']:,} / {engine['no_conviction']:,}"],
    ]
    figures = Table([[Paragraph(a, styles["BodyText"]), b] for a, b in rows], colWidths=[4.4 * inch, 2.6 * inch])
    figures.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
    ]))
    story = [Paragraph(_heading(report)[0], styles["Title"]), Paragraph(_heading(report)[1], styles["BodyText"]),
             Paragraph(f"Produced {dt.date.today():%B %d, %Y}.", styles["BodyText"]), Spacer(1, 10), figures,
             Spacer(1, 10), Paragraph("How these figures are counted", styles["Heading3"])]
    story += [Paragraph(f"<b>{term}.</b> {meaning}", small) for term, meaning in DEFINITIONS]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter, topMargin=0.5 * inch, bottomMargin=0.5 * inch,
                      leftMargin=0.6 * inch, rightMargin=0.6 * inch, title="Outcome summary").build(story)
    return out.getvalue()


# De-identified research export ---------------------------------------------------------------------

RESEARCH_COLUMNS = [
    "person_hash", "birth_year", "sex", "race", "court_county", "code_section", "level", "conviction_year",
    "disposition", "relief", "engine_outcome", "engine_reduce_to", "engine_seal", "attorney_action", "final_outcome",
    "motion_status",
]


def office_research_key(office) -> bytes:
    """The office's pseudonymisation key: HMAC-SHA256(SECRET_KEY, "research-export:office:<id>").

    Stable for an office as long as SECRET_KEY is, so two exports can be linked by researchers;
    different per office, and not reversible (nor recomputable) without the server's SECRET_KEY.
    """
    return hmac.new(settings.SECRET_KEY.encode(), f"research-export:office:{office.pk}".encode(),
                    hashlib.sha256).digest()


def person_hash(key: bytes, person_id: int) -> str:
    return hmac.new(key, str(person_id).encode(), hashlib.sha256).hexdigest()[:20]


def research_rows(scope) -> Iterator[list]:
    """One row per conviction count and relief law; no names, CII, case numbers or full dates."""
    active = Decision.objects.filter(determination=OuterRef("pk"), active=True)
    motion_status = Motion.objects.filter(decisions__determination=OuterRef("pk"), decisions__active=True)
    rows = (
        Determination.objects.for_office(scope.office)
        .filter(scope.in_cohort("batch"), current=True, count__isnull=False)
        .annotate(
            birth_year=ExtractYear("person__dob"), sex=F("person__sex"), race=F("person__race"),
            conviction_year=ExtractYear("count__conviction_date"), disposition=F("count__disposition"),
            attorney_action=Subquery(active.values("action")[:1]),
            final_outcome=Subquery(active.values("final_outcome")[:1]),
            motion_status=Subquery(motion_status.order_by("-created_at").values("status")[:1]),
        )
        .order_by("person_id", "count_id", "relief")
        .values_list("person_id", "birth_year", "sex", "race", "court_county", "code_section", "level",
                     "conviction_year", "disposition", "relief", "outcome", "reduce_to", "seal", "attorney_action",
                     "final_outcome", "motion_status")
    )
    key = office_research_key(scope.office)
    for person_id, *rest in rows.iterator(chunk_size=5000):
        yield [person_hash(key, person_id), *("" if v is None else v for v in rest)]


class _Echo:
    def write(self, value):
        return value


def research_csv_lines(scope) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(RESEARCH_COLUMNS)
    for row in research_rows(scope):
        yield writer.writerow(row)
