"""California pleading paper, drawn with reportlab platypus.

The page follows California Rules of Court 2.100-2.119: line numbers 1-28 in the left margin,
a double rule left of the text and a single rule right of it, counsel's block from line 1, the
court's title on line 8, the caption box below it, and the document's title in the footer of
every page. Body text is double-spaced on the 24-point grid of the line numbers; tables and the
caption are single-spaced, and SnapToGrid brings the text back onto the grid after them.

Count lists are platypus tables that split across pages with their header repeated, so a motion
for 200 counts prints every one of them.
"""

from __future__ import annotations

import io

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .data import Attorney, MotionCase, Office, format_date, format_short_date
from .templates import MotionText, esc, template_for

# Streams are written as binary rather than ASCII85 text: a quarter smaller, and the pure-Python
# ASCII85 encoder was a tenth of the render time. Every PDF reader handles binary streams.
rl_config.useA85 = 0

PAGE_WIDTH, PAGE_HEIGHT = LETTER
LINE_PITCH = 24.0  # double spacing at 12 pt: the 28 numbered lines
LINES_PER_PAGE = 28
FIRST_BASELINE = 720.0  # line 1; line 28 then sits at 72 pt, one inch above the bottom edge
LEFT_RULE_X = 72.0
RIGHT_RULE_X = 562.0
TEXT_LEFT = 84.0
TEXT_RIGHT = 552.0
TEXT_WIDTH = TEXT_RIGHT - TEXT_LEFT
# The frame starts one ascent above line 1 so a 12-pt paragraph's first baseline lands on it.
FRAME_TOP = FIRST_BASELINE + 12.0 - 2.64
FRAME_BOTTOM = FIRST_BASELINE - (LINES_PER_PAGE - 1) * LINE_PITCH - 15.0
FRAME_HEIGHT = FRAME_TOP - FRAME_BOTTOM

FONT = "Times-Roman"
FONT_BOLD = "Times-Bold"

BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=LINE_PITCH, alignment=TA_JUSTIFY, firstLineIndent=36)
BODY_FLUSH = ParagraphStyle("body_flush", parent=BODY, firstLineIndent=0)
SINGLE = ParagraphStyle("single", fontName=FONT, fontSize=12, leading=12)
HEADING = ParagraphStyle(
    "heading", fontName=FONT_BOLD, fontSize=12, leading=LINE_PITCH, alignment=TA_CENTER, keepWithNext=1
)
COURT = ParagraphStyle("court", fontName=FONT_BOLD, fontSize=12, leading=12, alignment=TA_CENTER)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=10.5, leading=12)
CELL_HEAD = ParagraphStyle("cell_head", parent=CELL, fontName=FONT_BOLD)
FOOTER = ParagraphStyle("footer", fontName=FONT, fontSize=9, leading=10, alignment=TA_CENTER)


class SnapToGrid(Flowable):
    """Blank space down to the next numbered line (or to a given line on the first page).

    Single-spaced blocks leave the text between lines; without this the rest of the page would
    print off the grid and the line numbers would no longer point at the text.
    """

    MIN_GAP = 12.0  # less than this and a heading touches the table above it

    def __init__(self, line: int | None = None):
        super().__init__()
        self.line = line

    def wrap(self, availWidth, availHeight):
        if availHeight > FRAME_HEIGHT:
            # Measured outside a frame (KeepTogether asks with "infinite" height): no grid to snap to.
            return availWidth, 0
        used = FRAME_HEIGHT - availHeight
        target = 0.0 if self.line is None else (self.line - 1) * LINE_PITCH
        if used < target:
            return availWidth, target - used
        pad = (-used) % LINE_PITCH
        if 0.01 < pad < self.MIN_GAP:
            pad += LINE_PITCH
        return availWidth, pad

    def draw(self):
        pass


class FooterTitle(Flowable):
    """Zero-height marker: the footer of this page, and of later pages until the next marker,
    carries this title (Cal. Rules of Court 2.110), so the order's pages are titled as the order."""

    def __init__(self, title: str):
        super().__init__()
        self.title = title

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        self.canv._cmr_footer_title = self.title


class CheckLine(Flowable):
    """A paragraph with an empty box before it, for orders the judge ticks or leaves blank."""

    BOX = 9.0
    INDENT = 22.0

    def __init__(self, text: str, style: ParagraphStyle = BODY_FLUSH):
        super().__init__()
        self.para = Paragraph(text, style)
        self.style = style

    def wrap(self, availWidth, availHeight):
        w, h = self.para.wrap(availWidth - self.INDENT, availHeight)
        self.width, self.height = availWidth, h
        return self.width, self.height

    def split(self, availWidth, availHeight):
        return []

    def draw(self):
        first_baseline = self.height - self.style.fontSize
        self.canv.rect(2, first_baseline - 1, self.BOX, self.BOX, stroke=1, fill=0)
        self.para.drawOn(self.canv, self.INDENT, 0)


def _draw_pleading_paper(canv, doc) -> None:
    canv.saveState()
    canv.setLineWidth(0.6)
    canv.line(LEFT_RULE_X, 0, LEFT_RULE_X, PAGE_HEIGHT)
    canv.line(LEFT_RULE_X + 2.5, 0, LEFT_RULE_X + 2.5, PAGE_HEIGHT)
    canv.line(RIGHT_RULE_X, 0, RIGHT_RULE_X, PAGE_HEIGHT)
    canv.setFont(FONT, 12)
    for line in range(1, LINES_PER_PAGE + 1):
        canv.drawRightString(LEFT_RULE_X - 8, FIRST_BASELINE - (line - 1) * LINE_PITCH, str(line))
    canv.restoreState()


def _draw_footer(canv, doc) -> None:
    canv.saveState()
    canv.setLineWidth(0.6)
    canv.line(TEXT_LEFT, 48, TEXT_RIGHT, 48)
    canv.setFont(FONT, 10)
    canv.drawCentredString((TEXT_LEFT + TEXT_RIGHT) / 2, 36, f"- {canv.getPageNumber()} -")
    title = getattr(canv, "_cmr_footer_title", "")
    para = Paragraph(esc(title), FOOTER)
    _, h = para.wrap(TEXT_WIDTH, 30)
    para.drawOn(canv, TEXT_LEFT, 28 - h)
    canv.restoreState()


def _doc(buffer: io.BytesIO, title: str, author: str) -> BaseDocTemplate:
    # invariant=1 drops the creation date and random document id, so the same motion renders to
    # the same bytes and its SHA-256 in the filing manifest can be checked later.
    doc = BaseDocTemplate(
        buffer,
        pagesize=LETTER,
        invariant=1,
        title=title,
        author=author,
        creator="Clear My Record",
        producer="Clear My Record",
        subject=title,
        leftMargin=TEXT_LEFT,
        rightMargin=PAGE_WIDTH - TEXT_RIGHT,
        topMargin=PAGE_HEIGHT - FRAME_TOP,
        bottomMargin=FRAME_BOTTOM,
    )
    frame = Frame(
        TEXT_LEFT,
        FRAME_BOTTOM,
        TEXT_WIDTH,
        FRAME_HEIGHT,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates(
        [PageTemplate(id="pleading", frames=[frame], onPage=_draw_pleading_paper, onPageEnd=_draw_footer)]
    )
    return doc


def counsel_block(office: Office, attorney: Attorney) -> list[Flowable]:
    lines = [
        f"{esc(office.elected_da)}",
        f"District Attorney, County of {esc(office.county)}",
        f"{esc(attorney.name)}, State Bar No. {esc(attorney.bar_number)}",
        f"{esc(attorney.title)}",
        f"{esc(office.name)}",
        *(esc(line) for line in office.address_lines),
        f"Telephone: {esc(office.phone)}",
        "",
        "Attorneys for Plaintiff, The People of the State of California",
    ]
    return [Paragraph("<br/>".join(lines), SINGLE)]


def caption(case: MotionCase, title: str) -> list[Flowable]:
    parties = [
        Paragraph("THE PEOPLE OF THE STATE OF CALIFORNIA,", SINGLE),
        Spacer(0, 12),
        Paragraph("Plaintiff,", ParagraphStyle("plaintiff", parent=SINGLE, leftIndent=72)),
        Spacer(0, 12),
        Paragraph("v.", ParagraphStyle("v", parent=SINGLE, leftIndent=36)),
        Spacer(0, 12),
        Paragraph(f"{esc(case.defendant_caption)},", SINGLE),
        Spacer(0, 12),
        Paragraph("Defendant.", ParagraphStyle("def", parent=SINGLE, leftIndent=72)),
        Spacer(0, 12),
    ]
    right_lines = [f"Case No.: {esc(case.case_number)}", "", f"<b>{esc(title)}</b>", ""]
    if case.dob:
        right_lines.append(f"DOB: {format_short_date(case.dob)}")
    if case.cii:
        right_lines.append(f"CII: {esc(case.cii)}")
    if case.conviction_date:
        right_lines.append(f"Date of conviction: {format_short_date(case.conviction_date)}")
    right = [Paragraph("<br/>".join(right_lines), SINGLE)]
    half = TEXT_WIDTH / 2
    table = Table([[parties, right]], colWidths=[half, half])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEAFTER", (0, 0), (0, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 0), (0, 0), 0.8, colors.black),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 12),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [
        SnapToGrid(line=8),
        Paragraph("SUPERIOR COURT OF THE STATE OF CALIFORNIA", COURT),
        Paragraph(f"COUNTY OF {esc(case.court_county.upper())}", COURT),
        Spacer(0, 12),
        table,
    ]


CELL_PADDING = 6.0  # left + right padding reportlab puts in every table cell


def _cell(text: str, width: float, style: ParagraphStyle = CELL) -> str | Paragraph:
    """A plain string when the text fits on one line, else a wrapping Paragraph.

    Plain cells skip paragraph parsing and line breaking, which is most of the cost of a long
    count list; anything that would overflow its column still wraps, so nothing is cut off.
    """
    if stringWidth(text, style.fontName, style.fontSize) <= width - 2 * CELL_PADDING:
        return text
    return Paragraph(esc(text), style)


def grid_table(
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    cell: ParagraphStyle = CELL,
    head: ParagraphStyle = CELL_HEAD,
) -> Table:
    """A ruled table whose header repeats on every page it runs onto."""
    data = [[_cell(h, w, head) for h, w in zip(header, widths)]]
    data += [[_cell(text, w, cell) for text, w in zip(row, widths)] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
                ("FONT", (0, 0), (-1, 0), head.fontName, head.fontSize, head.leading),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def counts_table(case: MotionCase) -> Table:
    header = ["Count", "Code section", "Level", "Relief requested", "Authority"]
    rows = [[str(c.count_number), c.code_section, c.level, c.relief, c.citation] for c in case.counts]
    return grid_table(header, rows, [42, 90, 70, 156, TEXT_WIDTH - 42 - 90 - 70 - 156])


def order_table(case: MotionCase) -> Table:
    header = ["Count", "Code section", "Relief", "Granted", "Denied"]
    rows = [[str(c.count_number), c.code_section, f"{c.relief} ({c.citation})", "", ""] for c in case.counts]
    return grid_table(header, rows, [42, 90, TEXT_WIDTH - 42 - 90 - 110, 55, 55])


def signature_block(case: MotionCase, office: Office, attorney: Attorney) -> Flowable:
    if attorney.signature_image:
        reader = ImageReader(io.BytesIO(attorney.signature_image))
        iw, ih = reader.getSize()
        height = 36.0
        width = min(200.0, iw * height / ih)
        signed: Flowable = Image(io.BytesIO(attorney.signature_image), width=width, height=height, hAlign="LEFT")
    else:
        # California courts accept "/s/ Name" as an electronic signature (Cal. Rules of Court 2.257).
        signed = Paragraph(f"/s/ {esc(attorney.name)}", SINGLE)
    left = Paragraph(f"Dated: {format_date(case.signed_on)}", SINGLE)
    right = [
        Paragraph("Respectfully submitted,", SINGLE),
        Spacer(0, 12),
        Paragraph(f"{esc(office.elected_da)}<br/>District Attorney", SINGLE),
        Spacer(0, 12),
        signed,
        Paragraph("_" * 36, SINGLE),
        Paragraph(
            f"{esc(attorney.name)}<br/>{esc(attorney.title)}<br/>State Bar No. {esc(attorney.bar_number)}",
            SINGLE,
        ),
    ]
    table = Table([[left, right]], colWidths=[TEXT_WIDTH / 2, TEXT_WIDTH / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([table])


def judge_block(lead: list[Flowable]) -> Flowable:
    left = Paragraph("Dated: ______________________", SINGLE)
    right = Paragraph("_" * 36 + "<br/>JUDGE OF THE SUPERIOR COURT", SINGLE)
    table = Table([[left, right]], colWidths=[TEXT_WIDTH / 2, TEXT_WIDTH / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    # The last order term travels with the signature line, so the judge never signs a page that
    # holds nothing but "IT IS SO ORDERED".
    return KeepTogether(
        [
            *lead,
            SnapToGrid(),
            Paragraph("IT IS SO ORDERED.", BODY),
            Spacer(0, LINE_PITCH),
            table,
        ]
    )


def motion_story(case: MotionCase, office: Office, attorney: Attorney, text: MotionText) -> list[Flowable]:
    title = text.title(case)
    story: list[Flowable] = [FooterTitle(text.footer_title(case))]
    story += counsel_block(office, attorney)
    story += caption(case, title)
    story.append(SnapToGrid())
    story += [Paragraph(p, BODY) for p in text.intro(case, office, attorney.name, attorney.title)]
    story.append(Paragraph(text.counts_heading(case), BODY_FLUSH))
    story.append(counts_table(case))
    story.append(SnapToGrid())
    story.append(Paragraph("STATUTORY BASIS", HEADING))
    story += [Paragraph(p, BODY) for p in text.basis(case)]
    if case.reasons:
        story.append(Paragraph("The District Attorney's review found:", BODY_FLUSH))
        story += [
            Paragraph(
                f"\u2022 {esc(r)}",
                ParagraphStyle("reason", parent=BODY_FLUSH, leftIndent=36, firstLineIndent=-12),
            )
            for r in case.reasons
        ]
    story.append(Paragraph(text.request(case), BODY))
    story.append(CondPageBreak(5 * LINE_PITCH))
    story.append(SnapToGrid())
    story.append(signature_block(case, office, attorney))

    # The proposed order starts on its own page with its own caption, so the court can sign and
    # file it apart from the motion.
    order_title = text.order_title(case)
    story += [PageBreak(), FooterTitle(order_title.replace("[PROPOSED] ", "").split("(")[0].strip())]
    story += counsel_block(office, attorney)
    story += caption(case, order_title)
    story.append(SnapToGrid())
    story.append(Paragraph(text.order_findings(case), BODY))
    story.append(order_table(case))
    story.append(SnapToGrid())
    terms = [CheckLine(term) for term in text.order_terms(case)]
    story += terms[:-1]
    story.append(judge_block(terms[-1:]))
    return story


def render_motion(case: MotionCase, office: Office, attorney: Attorney) -> bytes:
    """Motion and proposed order for one case, as PDF bytes; the same input gives the same bytes."""
    text = template_for(case)
    buffer = io.BytesIO()
    doc = _doc(buffer, title=f"{text.footer_title(case)} - {case.case_number}", author=office.name)
    doc.build(motion_story(case, office, attorney, text))
    return buffer.getvalue()
