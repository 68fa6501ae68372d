"""Read the text of a California RAP sheet into the normalized record (``eligibility.engine.record``).

The layout is described in ``/work/shared/reference/rap-sheet-format.md``. The parser reads
line by line with a small amount of state (the current cycle, event, group of counts, disposition
and pending update date). It never drops a line silently: a line it cannot place becomes a
:class:`ParseWarning` on the count, event or person it sits in, marked ``affects_eligibility`` when
it is inside a court event or could change a determination, so that the record goes to an attorney
instead of being guessed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from eligibility.engine.code_section import Charge, parse_charge, parse_comment_charge
from eligibility.engine.record import (
    Count,
    Cycle,
    Disposition,
    DispositionKind,
    Event,
    EventKind,
    Level,
    Name,
    ParseWarning,
    Person,
    RegistrationKind,
    SentenceKind,
    SentencePart,
    SourceRef,
)
from intake.courts import county_for_agency

from .extract import ExtractionResult, SheetLine, is_page_furniture, strip_page_furniture

STATUS_OK = "ok"
STATUS_RECORD_ERROR = "record_error"
STATUS_NOT_A_RAP_SHEET = "not_a_rap_sheet"
STATUS_EMPTY = "empty"


@dataclass(slots=True)
class ParsedSheet:
    person: Person | None
    warnings: list[ParseWarning] = field(default_factory=list)  # every warning, wherever attached
    status: str = STATUS_OK
    message: str = ""
    source: str = ""

    @property
    def needs_review(self) -> bool:
        return self.status != STATUS_OK or any(w.affects_eligibility for w in self.warnings)


# --- normalisation of OCR noise ---------------------------------------------------------------

_STRAY_RE = re.compile(r"(?<!\S)[.'`]+(?!\S)")
_EDGE_STRAY = ".'` "
_CNT_OCR_RE = re.compile(r"^C\s?[NH]\s?[TI1]\s*:")
_COURT_OCR_RE = re.compile(r"^COUR[I1]\s*:")
_DISPO_OCR_RE = re.compile(r"D\s?I\s?S\s?P\s?O\s*:")
_DOTTED_DATE_RE = re.compile(r"(?<![\d.])\d[\d.]{7,11}\d(?![\d.])")


def _valid_date(digits: str) -> dt.date | None:
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        value = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def normalize_line(text: str) -> tuple[str, list[str]]:
    """Upper-case, ASCII, single-spaced text with the documented OCR noise repaired.

    Returns the text and a list of repairs worth telling a reviewer about.
    """
    repairs: list[str] = []
    folded = unicodedata.normalize("NFKD", text.replace("\u00b7", " "))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.upper().replace(";", ":")
    folded = _STRAY_RE.sub(" ", folded)
    folded = " ".join(folded.split()).strip(_EDGE_STRAY)
    if _CNT_OCR_RE.match(folded) and not folded.startswith("CNT:"):
        repairs.append(f"read {folded.split(':')[0]!r} as 'CNT'")
        folded = _CNT_OCR_RE.sub("CNT:", folded, count=1)
    if _COURT_OCR_RE.match(folded) and not folded.startswith("COURT:"):
        repairs.append("read 'COURI' as 'COURT'")
        folded = _COURT_OCR_RE.sub("COURT:", folded, count=1)
    match = _DISPO_OCR_RE.search(folded)
    if match and match.group(0) != "DISPO:":
        repairs.append(f"read {match.group(0)!r} as 'DISPO:'")
        folded = _DISPO_OCR_RE.sub("DISPO:", folded, count=1)

    def _repair_date(match: re.Match[str]) -> str:
        token = match.group(0)
        digits = token.replace(".", "")
        if "." in token and _valid_date(digits):
            repairs.append(f"repaired date {token!r} as {digits}")
            return digits
        return token

    folded = _DOTTED_DATE_RE.sub(_repair_date, folded)
    folded = re.sub(r"\s*:\s*", ":", folded) if folded.startswith(("CNT", "TOC")) else folded
    return folded, repairs


# --- line patterns -----------------------------------------------------------------------------

_END_RE = re.compile(r"^\*[\s*]*END\s*OF\s*MESSAGE")
_RECORD_ERROR_RE = re.compile(r"\bRECORD\s+ERROR\b")
_CYCLE_SEPARATOR_RE = re.compile(r"^\*(?: ?\*){2,3}$")
_ASTERISK_ROW_RE = re.compile(r"^\*(?: ?\*){4,}$")
_EVENT_SEPARATOR_RE = re.compile(r"^-(?: ?-)+$")
_EVENT_HEADER_RE = re.compile(
    r"^(?P<kind>ARR/DET/CITE|SUPPLEMENTAL ARR|COURT|CUSTODY|PROBATION|REGISTRATION|APPLICANT|"
    r"MENTAL HLTH CUS/SUPV|DECEASED)(?::|(?<=SUPV)\b)\s?(?P<rest>.*)$"
)
_EVENT_KINDS = {
    "ARR/DET/CITE": EventKind.ARREST,
    "SUPPLEMENTAL ARR": EventKind.SUPPLEMENTAL_ARREST,
    "COURT": EventKind.COURT,
    "CUSTODY": EventKind.CUSTODY,
    "PROBATION": EventKind.PROBATION,
    "REGISTRATION": EventKind.REGISTRATION,
    "APPLICANT": EventKind.APPLICANT,
    "MENTAL HLTH CUS/SUPV": EventKind.MENTAL_HEALTH,
    "DECEASED": EventKind.DECEASED,
}
_NAME_CODE_RE = re.compile(r"\bNAM:\s?(\d{1,3})\b")
_EVENT_DOB_RE = re.compile(r"\bDOB:\s?(\d{8})\b")
_DATE_LINE_RE = re.compile(r"^(?P<date>\d{8})(?:\s+(?P<agency>.*))?$")
_COUNT_RE = re.compile(r"^CNT:\s?(?P<first>\d{1,3})(?:\s?-\s?(?P<last>\d{1,3}))?(?P<rest>.*)$")
_CASE_RE = re.compile(r"#\s?(?P<case>[A-Z0-9][A-Z0-9\-/.]*)")
_TOC_RE = re.compile(r"\bTOC:\s?(?P<level>[FMI])\b")
_DISPO_RE = re.compile(r"^\*?\s?DISPO:\s?(?P<text>.*)$")
_CONV_STATUS_RE = re.compile(r"^CONV\s?STATUS:\s?(?P<level>[A-Z]+)")
_SENTENCE_RE = re.compile(r"^SEN:\s?(?P<text>.*)$")
_COMMENT_RE = re.compile(r"^COM:\s?(?P<text>.*)$")
_XSEN_RE = re.compile(r"\bXSEN:\s?(?P<text>.*)$")
_COMMENT_COUNT_RE = re.compile(r"\bCNT\s?(\d{1,3})\b")
_FLAG_RE = re.compile(r"^-\s?(?P<flag>[A-Z].*)$")
STRIKE_FLAG = "POTENTIAL FELONY STRIKE ENTRY"
_STRIKE_RE = re.compile(r"POTENTIAL\s+FELONY\s+STRIKE\s+ENTRY")
_ID_FIELD_RE = re.compile(r"(?<![A-Z])(CII|DOB|SEX|RAC|HGT|WGT|EYE|HAI|POB|NAM|FBI|CDL|SOC|OCC|SID|MNU|CIT)/")
_ALIAS_NAME_RE = re.compile(r"^(?P<code>\d{2})\s+(?P<name>[A-Z][A-Z ,.'\-]*)$")
_CII_RE = re.compile(r"^[AHM]\d{8}$")
# Lines that may appear before the identification block and are not part of the record.
_TRANSMISSION_RES = (
    re.compile(r"^RE:"),
    re.compile(r"^RESTRICTED\b"),
    re.compile(r"^ATTN:"),
    re.compile(r"^\*\*"),
    re.compile(r"^\*+$"),
    re.compile(r"^INFORMATION FURNISHED\b"),
)
# Comments that could change what a count is (a set-aside, reduction, relief or vacatur) but are
# not written as a disposition: kept, and shown to an attorney.
_LEGAL_COMMENT_RE = re.compile(r"1203\.4|\b17\s?\(\s?[BD]\s?\)|11361\.8|1170\.18|VACAT|SEAL|REDUC|DISM|RELIEF")

# Disposition phrases that stand on a line of their own in dated updates, without "DISPO:".
_BARE_DISPOSITION_RE = re.compile(
    r"^(CONV SET ASIDE|CONVICTION SET ASIDE|PROBATION REVOKED|PROB REVOKED|SENTENCE MODIFIED|"
    r"REDUCED TO (MISDEMEANOR|INFRACTION)|(PC )?17 ?\( ?[BD] ?\)|RELIEF GRANTED|REDESIGNATED)"
)


def classify_disposition(text: str) -> tuple[DispositionKind, str]:
    """The kind of a disposition text and, for set-asides, reductions and relief, the statute."""
    set_aside = re.search(r"1203\.4(?:25|1|2|A)?", text)
    if set_aside or "SET ASIDE" in text:
        return DispositionKind.SET_ASIDE, "PC " + (set_aside.group(0).lower() if set_aside else "1203.4")
    if "REDUCED TO MISD" in text or re.search(r"\b17\s?\(\s?B\s?\)", text):
        return DispositionKind.REDUCED_TO_MISDEMEANOR, "PC 17(b)"
    if "REDUCED TO INFRACTION" in text or re.search(r"\b17\s?\(\s?D\s?\)", text):
        return DispositionKind.REDUCED_TO_INFRACTION, "PC 17(d)"
    relief = re.search(r"11361\.8|1170\.18|1170\.126", text)
    if relief or "RELIEF GRANTED" in text or "REDESIGNATED" in text:
        statute = ""
        if relief:
            statute = ("HS " if relief.group(0).startswith("11361") else "PC ") + relief.group(0)
        return DispositionKind.RELIEF_GRANTED, statute
    if "PROBATION REVOKED" in text or "PROB REVOKED" in text:
        return DispositionKind.PROBATION_REVOKED, ""
    if "SENTENCE MODIFIED" in text or "SEN MODIFIED" in text:
        return DispositionKind.SENTENCE_MODIFIED, ""
    if "CONVICTED" in text:
        return DispositionKind.CONVICTED, ""
    if "PROS REJ" in text or "PROSECUTOR REJ" in text:
        return DispositionKind.PROSECUTOR_REJECTED, ""
    if "ACQUITTED" in text or "NOT GUILTY" in text:
        return DispositionKind.ACQUITTED, ""
    if "DISMISSED" in text or re.search(r"\bDISM\b", text):
        return DispositionKind.DISMISSED, ""
    if "SEALED" in text:
        return DispositionKind.SEALED, ""
    if "PENDING" in text:
        return DispositionKind.PENDING, ""
    return DispositionKind.OTHER, ""


# --- sentences ---------------------------------------------------------------------------------

_UNITS = {
    "D": "D",
    "DAY": "D",
    "DAYS": "D",
    "DS": "D",
    "DYS": "D",
    "M": "M",
    "MO": "M",
    "MOS": "M",
    "MONTH": "M",
    "MONTHS": "M",
    "Y": "Y",
    "YR": "Y",
    "YRS": "Y",
    "YEAR": "Y",
    "YEARS": "Y",
}
# Searched in this order: a 1170(h) county jail term is not plain jail, mandatory supervision is
# not probation. Words around the kind ("FORMAL PROBATION", "JAIL WEEKENDS") do not change it.
_TERM_KINDS = (
    (re.compile(r"\b1170 ?\(H\)"), SentenceKind.COUNTY_JAIL_1170H),
    (re.compile(r"\b(MANDATORY SUPERVISION|MAND SUPV)\b"), SentenceKind.MANDATORY_SUPERVISION),
    (re.compile(r"\bPAROLE\b"), SentenceKind.PAROLE),
    (re.compile(r"\b(CYA|YOUTH AUTHORITY|DJJ)\b"), SentenceKind.CYA),
    (re.compile(r"\b(PRISON|PRIS|CDC|CDCR)\b"), SentenceKind.PRISON),
    (re.compile(r"\b(JAIL|JL)\b"), SentenceKind.JAIL),
    (re.compile(r"\b(PROBATION|PROB)\b"), SentenceKind.PROBATION),
)
_TERM_RE = re.compile(r"^(?P<amount>\d{1,4}) ?(?P<unit>[A-Z]+) (?P<what>.+)$")
_PLAIN_PARTS = (
    (re.compile(r"^(\$?\d+ )?FINE( SS)?$"), SentenceKind.FINE),
    (re.compile(r"^(RESTN|RESTITUTION)$"), SentenceKind.RESTITUTION),
    (re.compile(r"^(PROBATION|PROB)$"), SentenceKind.PROBATION),
    (re.compile(r"^(JAIL|JL)$"), SentenceKind.JAIL),
    (re.compile(r"^(PRISON|CDC)$"), SentenceKind.PRISON),
)
_HOURS_RE = re.compile(r"^\d{1,4} ?(HOURS|HRS|HR) (COMMUNITY SERVICE|COMM SERV|CS|COMMUNITY WORK)$")
_SUSPENDED_RE = re.compile(r"^(IMP SEN SS|IMP SENT SS|IMPOSITION (OF )?SENTENCE SUSPENDED)$")


def _term_kind(what: str) -> SentenceKind | None:
    for pattern, kind in _TERM_KINDS:
        if pattern.search(what):
            return kind
    return None


def parse_sentence(text: str) -> tuple[list[SentencePart], list[str]]:
    """``036 MONTHS PROBATION, 090 DAYS JAIL, FINE`` -> parts; also returns the pieces not understood.

    ``SS`` after a part marks it suspended; ``CONCURRENT`` after a part, or alone right after it,
    marks it concurrent (concurrent terms overlap, so the engine must not add them).
    """
    parts: list[SentencePart] = []
    unknown: list[str] = []
    for piece in (p.strip(" .") for p in text.split(",")):
        if not piece:
            continue
        if piece in ("CONCURRENT", "CONC", "CC") or piece.startswith(("CONCURRENT ", "CONC W")):
            if parts and parts[-1].amount is not None:
                parts[-1] = dataclasses.replace(parts[-1], concurrent=True, raw=parts[-1].raw + ", " + piece)
            else:
                parts.append(SentencePart(SentenceKind.OTHER, raw=piece, concurrent=True))
            continue
        if piece.startswith("CONSECUTIVE"):
            # Consecutive is how terms add up by default; kept for display, nothing to flag.
            parts.append(SentencePart(SentenceKind.OTHER, raw=piece))
            continue
        hours = _HOURS_RE.match(piece)
        if hours:
            # Hours do not fit the D/M/Y units of a term; the amount stays in the raw text.
            parts.append(SentencePart(SentenceKind.COMMUNITY_SERVICE, raw=piece))
            continue
        if _SUSPENDED_RE.match(piece):
            parts.append(SentencePart(SentenceKind.OTHER, raw=piece, suspended=True))
            continue
        plain = next((kind for pattern, kind in _PLAIN_PARTS if pattern.match(piece)), None)
        if plain is not None:
            parts.append(SentencePart(plain, raw=piece, suspended=piece.endswith(" SS")))
            continue
        match = _TERM_RE.match(piece)
        unit = _UNITS.get(match.group("unit")) if match else None
        if match and unit:
            what = match.group("what")
            suspended = concurrent = False
            while True:
                if what.endswith(" SS"):
                    suspended, what = True, what[:-3]
                elif re.search(r" (CONCURRENT|CONC|CC)$", what):
                    concurrent, what = True, what.rsplit(" ", 1)[0]
                else:
                    break
            kind = _term_kind(what)
            if kind is not None:
                parts.append(SentencePart(kind, int(match.group("amount")), unit, piece, suspended, concurrent))
                continue
        parts.append(SentencePart(SentenceKind.OTHER, raw=piece))
        unknown.append(piece)
    return parts, unknown


# --- the parser --------------------------------------------------------------------------------


def _registration_kind(counts: list[Count], texts: list[str]) -> RegistrationKind | None:
    for count in counts:
        section = count.code_section
        if section is None:
            continue
        if section.code == "PC" and section.section.split(".")[0] == "290":
            return RegistrationKind.SEX_OFFENDER
        if section.code == "HS" and section.section == "11590":
            return RegistrationKind.NARCOTICS
        if section.code == "PC" and section.section == "457.1":
            return RegistrationKind.ARSON
    joined = " ".join(texts)
    if "SEX OFF" in joined:
        return RegistrationKind.SEX_OFFENDER
    if "NARC" in joined or "CNTL SUB" in joined or "CONTROLLED SUB" in joined:
        return RegistrationKind.NARCOTICS
    if "ARSON" in joined:
        return RegistrationKind.ARSON
    return None


class _SheetReader:
    def __init__(self, source: str):
        self.source = source
        self.person = Person(source=source, person_key="", source_kind="rap_sheet")
        self.status = STATUS_OK
        self.cycle: Cycle | None = None
        self.event: Event | None = None
        self.event_texts: list[str] = []
        self.kind_to_infer = False
        self.group: list[Count] = []
        self.disposition: Disposition | None = None
        self.update_date: dt.date | None = None
        self.update_ref: SourceRef | None = None
        self.in_sentence = False
        self.see_comment: set[int] = set()  # ids of counts whose charge is in a comment
        self.in_identification = True
        self.names_open = False
        self.saw_identification = False
        self.ended = False

    # warnings ------------------------------------------------------------------------------
    def _affects(self) -> bool:
        if self.event is None:
            return not self.in_identification
        return self.kind_to_infer or self.event.kind in (EventKind.COURT, EventKind.REGISTRATION)

    def warn(self, message: str, ref: SourceRef | None, affects: bool | None = None, count: Count | None = None):
        warning = ParseWarning(message, ref, self._affects() if affects is None else affects)
        if count is not None:
            count.warnings.append(warning)
        elif self.group and self.event is not None:
            self.group[0].warnings.append(warning)
        elif self.event is not None:
            self.event.warnings.append(warning)
        else:
            self.person.warnings.append(warning)

    # structure -----------------------------------------------------------------------------
    def start_cycle(self):
        self.close_event()
        self.in_identification = False
        self.cycle = Cycle(date=None, number=len(self.person.cycles) + 1)
        self.person.cycles.append(self.cycle)

    def start_event(self, kind: EventKind, ref: SourceRef):
        self.close_event()
        if self.cycle is None:
            self.start_cycle()
        self.in_identification = False
        self.event = Event(kind=kind, date=None)
        self.event.refs.append(ref)
        self.event_texts = []
        self.kind_to_infer = False
        self.cycle.events.append(self.event)

    def close_event(self):
        event = self.event
        if event is None:
            return
        self.event = None
        self.flush_group()
        case_number = ""
        for count in event.counts:
            case_number = count.case_number = count.case_number or case_number
            count.dispositions = [
                dataclasses.replace(d, sentence=list(d.sentence), refs=list(d.refs)) for d in count.dispositions
            ]
        # An event without a header is a registration only on the strength of a registration
        # section; words such as "NARCOTIC" in an ordinary charge must not make it one.
        kind = _registration_kind(event.counts, [] if self.kind_to_infer else self.event_texts)
        if self.kind_to_infer:
            if kind is not None:
                event.kind = EventKind.REGISTRATION
            else:
                event.kind = EventKind.OTHER
                event.warnings.append(
                    ParseWarning(
                        "event without a header line and without a registration charge: kind unknown",
                        event.refs[0] if event.refs else None,
                        True,
                    )
                )
        if event.kind == EventKind.REGISTRATION:
            event.registration = kind or RegistrationKind.OTHER
            if kind is None:
                event.warnings.append(
                    ParseWarning(
                        "registration event whose statute (PC 290, HS 11590, PC 457.1) could not be read",
                        event.refs[0] if event.refs else None,
                        True,
                    )
                )
        if event.kind == EventKind.DECEASED:
            self.person.deceased = True
        if event.date is None and event.kind != EventKind.OTHER:
            event.warnings.append(
                ParseWarning(
                    "event without a date line", event.refs[0] if event.refs else None, event.kind == EventKind.COURT
                )
            )
        if event.kind == EventKind.COURT:
            if not event.county:
                where = repr(event.agency) if event.agency else "(no agency on the date line)"
                event.warnings.append(
                    ParseWarning(
                        f"county of court {where} is unknown: not in the agency table",
                        event.refs[-1] if event.refs else None,
                    )
                )
            self.check_court_counts(event)
        if self.cycle is not None and self.cycle.date is None:
            self.cycle.date = event.date
        self.kind_to_infer = False

    @staticmethod
    def check_court_counts(event: Event):
        """Court counts the engine could not decide on are sent to review, not left to a default."""
        for count in event.counts:
            ref = count.refs[0] if count.refs else None
            if count.code_section is None and not any("SEE COMMENT" in w.message for w in count.warnings):
                count.warnings.append(ParseWarning(f"court count {count.number} without a readable charge", ref))
            if not count.dispositions:
                count.warnings.append(ParseWarning(f"court count {count.number} without a disposition", ref))
            conviction = count.conviction
            if conviction is not None and conviction.level == Level.UNKNOWN and count.toc == Level.UNKNOWN:
                count.warnings.append(
                    ParseWarning(f"court count {count.number}: conviction without CONV STATUS or TOC", ref)
                )

    def flush_group(self):
        for count in self.group:
            if id(count) in self.see_comment:
                self.see_comment.discard(id(count))
                count.warnings.append(
                    ParseWarning(
                        "SEE COMMENT FOR CHARGE, but no comment names the charge",
                        count.refs[0] if count.refs else None,
                        True,
                    )
                )
        self.group = []
        self.disposition = None
        self.update_date = None
        self.update_ref = None
        self.in_sentence = False

    # lines ---------------------------------------------------------------------------------
    def read(self, raw: str, line_number: int, page: int | None):
        if self.ended or not raw.strip():
            self.in_sentence = False if not raw.strip() else self.in_sentence
            return
        if is_page_furniture(raw):
            return
        raw = strip_page_furniture(raw)
        ref = SourceRef(self.source, line_number, page, raw.strip())
        text, repairs = normalize_line(raw)
        if not text:
            return
        if _END_RE.match(text):
            self.close_event()
            self.ended = True
            return
        if _RECORD_ERROR_RE.search(text) and self.in_identification:
            self.status = STATUS_RECORD_ERROR
            self.ended = True
            return
        self.dispatch(text, ref)
        if repairs:
            self.warn("OCR repair: " + "; ".join(repairs), ref, affects=False)

    def dispatch(self, text: str, ref: SourceRef) -> bool:
        if _CYCLE_SEPARATOR_RE.match(text):
            self.start_cycle()
            return True
        if _EVENT_SEPARATOR_RE.match(text):
            self.close_event()
            return True
        header = _EVENT_HEADER_RE.match(text)
        if header:
            self.read_event_header(header, ref)
            return True
        if self.in_identification and self.event is None:
            return self.read_identification(text, ref)
        if _ASTERISK_ROW_RE.match(text):
            return True
        if self.event is None and _STRIKE_RE.search(text):
            # Strike block framed by short asterisk rows read as cycle separators: it closes the
            # event before them.
            previous = list(self.person.events())
            if previous:
                for count in previous[-1].counts:
                    if STRIKE_FLAG not in count.flags:
                        count.flags.append(STRIKE_FLAG)
                previous[-1].refs.append(ref)
                return True
        if self.event is None:
            date_line = _DATE_LINE_RE.match(text)
            if date_line and self.cycle is not None:
                # In a registration cycle a bare date starts the next event; elsewhere the kind is
                # inferred from its charges when the event closes.
                previous = self.cycle.events[-1].kind if self.cycle.events else None
                self.start_event(EventKind.REGISTRATION if previous == EventKind.REGISTRATION else EventKind.OTHER, ref)
                self.kind_to_infer = previous != EventKind.REGISTRATION
                self.set_event_date(date_line, ref)
                return True
            self.warn(f"line outside any event: {text!r}", ref, affects=True)
            return False
        self.event_texts.append(text)
        return self.read_event_line(text, ref)

    def read_identification(self, text: str, ref: SourceRef) -> bool:
        fields = list(_ID_FIELD_RE.finditer(text))
        if fields and fields[0].start() == 0:
            self.names_open = False
            for index, match in enumerate(fields):
                end = fields[index + 1].start() if index + 1 < len(fields) else len(text)
                self.read_id_field(match.group(1), text[match.end() : end].strip(), ref)
            self.saw_identification = True
            return True
        alias = _ALIAS_NAME_RE.match(text)
        if alias and self.names_open:
            self.person.names.append(Name(alias.group("code"), alias.group("name").strip()))
            return True
        if any(pattern.match(text) for pattern in _TRANSMISSION_RES):
            return True
        self.warn(f"unrecognized line before the first cycle: {text!r}", ref, affects=False)
        return False

    def read_id_field(self, name: str, value: str, ref: SourceRef):
        if name == "CII":
            cii = value.replace(" ", "")
            if not _CII_RE.match(cii):
                self.warn(f"CII {value!r} is not a letter and 8 digits", ref, affects=False)
            self.person.cii = cii
        elif name == "DOB":
            for token in value.split():
                date = _valid_date(token)
                if date is None:
                    self.warn(f"unreadable date of birth {token!r}", ref, affects=True)
                elif self.person.dob is None:
                    self.person.dob = date
                elif date != self.person.dob and date not in self.person.other_dobs:
                    self.person.other_dobs.append(date)
        elif name == "SEX":
            self.person.sex = value
        elif name == "RAC":
            self.person.race = value
        elif name == "NAM":
            match = re.match(r"^(\d{2})\s+(.+)$", value)
            if match:
                self.person.names.append(Name(match.group(1), match.group(2).strip()))
            elif value:
                self.person.names.append(Name(f"{len(self.person.names) + 1:02d}", value))
            self.names_open = True
        elif name in ("FBI", "CDL", "SOC", "SID", "MNU", "CIT") and value:
            self.person.identifiers[name] = value
        # HGT, WGT, EYE, HAI, POB, OCC describe the person and are not used by the record.

    def read_event_header(self, header: re.Match[str], ref: SourceRef):
        kind = _EVENT_KINDS[header.group("kind")]
        self.start_event(kind, ref)
        rest = header.group("rest")
        if kind == EventKind.CUSTODY:
            self.event.custody_kind = (rest.split() or [""])[0] if rest[:3] in ("JAI", "CDC", "CYA") else ""
        name = _NAME_CODE_RE.search(rest)
        if name:
            self.event.name_code = f"{int(name.group(1)):02d}"
        self.event_texts.append(header.group(0))

    def set_event_date(self, match: re.Match[str], ref: SourceRef):
        self.event.date = _valid_date(match.group("date"))
        if self.event.date is None:
            self.warn(f"invalid event date {match.group('date')!r}", ref, affects=True)
        agency = (match.group("agency") or "").strip()
        self.event.agency = agency
        self.event.county = county_for_agency(agency)
        self.event.refs.append(ref)

    def read_event_line(self, text: str, ref: SourceRef) -> bool:
        event = self.event
        date_line = _DATE_LINE_RE.match(text)
        if date_line and event.date is None and not event.counts and self.update_ref is None:
            self.set_event_date(date_line, ref)
            return True
        if _STRIKE_RE.search(text):
            for count in event.counts:
                if STRIKE_FLAG not in count.flags:
                    count.flags.append(STRIKE_FLAG)
            event.refs.append(ref)
            return True
        if _ASTERISK_ROW_RE.match(text):
            return True
        count_line = _COUNT_RE.match(text)
        if count_line:
            self.read_count_line(count_line, ref)
            return True
        if date_line:
            if not event.counts:
                self.warn(f"second date line in an event with no counts: {text!r}", ref)
                event.refs.append(ref)
                return False
            # A dated update: the dispositions that follow happen on this date.
            self.update_date = _valid_date(date_line.group("date"))
            self.update_ref = ref
            self.disposition = None
            self.in_sentence = False
            if self.update_date is None:
                self.warn(f"invalid update date {text!r}", ref)
            return True
        name = _NAME_CODE_RE.match(text)
        if name and text == name.group(0):
            event.name_code = f"{int(name.group(1)):02d}"
            event.refs.append(ref)
            return True
        if _EVENT_DOB_RE.match(text):
            event.refs.append(ref)
            return True
        toc = _TOC_RE.search(text)
        if toc:
            if not self.group:
                self.warn(f"type of charge outside a count: {text!r}", ref)
            for count in self.group:
                count.toc = Level.from_text(toc.group("level"))
                count.refs.append(ref)
            text = (text[: toc.start()] + text[toc.end() :]).strip()
            if not text:
                return True
        dispo = _DISPO_RE.match(text)
        if dispo or _BARE_DISPOSITION_RE.match(text):
            self.read_disposition(dispo.group("text") if dispo else text, ref)
            return True
        status = _CONV_STATUS_RE.match(text)
        if status:
            return self.read_conviction_status(status.group("level"), ref)
        sentence = _SENTENCE_RE.match(text)
        if sentence:
            self.read_sentence(sentence.group("text"), ref)
            self.in_sentence = True
            return True
        comment = _COMMENT_RE.match(text)
        if comment:
            return self.read_comment(comment.group("text"), ref)
        flag = _FLAG_RE.match(text)
        if flag:
            return self.read_flag(flag.group("flag").strip(), ref)
        if re.search(r"SEE\s+COMMENT\s+FOR\s+CHARGE", text):
            if not self.group:
                self.open_implicit_count(ref)
            for count in self.group:
                self.see_comment.add(id(count))
                count.refs.append(ref)
            return True
        if self.in_sentence:
            parts, unknown = parse_sentence(text)
            if parts and not unknown:
                self.read_sentence(text, ref)
                return True
        charge = parse_charge(text)
        if charge is not None:
            self.read_charge(charge, text, ref)
            return True
        self.in_sentence = False
        self.warn(f"unrecognized line in a {event.kind.value} event: {text!r}", ref)
        if self.group:
            self.group[-1].refs.append(ref)
        else:
            event.refs.append(ref)
        return False

    def open_implicit_count(self, ref: SourceRef):
        # A registration written under a bare date has a charge and no CNT line; anywhere else a
        # missing CNT line is unusual enough to mention.
        number = len(self.event.counts) + 1
        count = Count(number=number)
        self.event.counts.append(count)
        self.flush_group()
        self.group = [count]
        if self.event.kind != EventKind.REGISTRATION and not self.kind_to_infer:
            self.warn("charge without a CNT line; read as a count of its own", ref, count=count)

    def read_count_line(self, match: re.Match[str], ref: SourceRef):
        event = self.event
        first = int(match.group("first"))
        last = int(match.group("last")) if match.group("last") else first
        if last < first or last - first > 98:
            self.warn(f"count range {first}-{last} cannot be right; read as count {first}", ref)
            last = first
        rest = match.group("rest")
        case = _CASE_RE.search(rest)
        existing = {count.number: count for count in event.counts}
        numbers = range(first, last + 1)
        in_update = self.update_date is not None
        if all(n in existing for n in numbers):
            # A CNT line naming counts already read: an update (or a repeated count) refers back.
            pending_date, pending_ref = self.update_date, self.update_ref
            self.flush_group()
            self.update_date, self.update_ref = pending_date, pending_ref
            self.group = [existing[n] for n in numbers]
            if not in_update:
                self.warn(f"count {first} appears twice in the event", ref, count=self.group[0])
        else:
            # A new count number ends a dated update: updates follow the count they change.
            self.flush_group()
            self.group = []
            for number in numbers:
                if number in existing:
                    self.warn(f"count {number} appears twice in the event", ref, count=existing[number])
                count = Count(number=number)
                event.counts.append(count)
                self.group.append(count)
        for count in self.group:
            count.refs.append(ref)
            if case and not count.case_number:
                count.case_number = case.group("case")
        leftover = (_CASE_RE.sub("", rest) if case else rest).strip()
        if leftover:
            charge = parse_charge(leftover)
            if charge is not None:
                self.read_charge(charge, leftover, ref, from_count_line=True)
            else:
                self.warn(f"unrecognized text on a count line: {leftover!r}", ref)

    def read_charge(self, charge: Charge, text: str, ref: SourceRef, from_count_line: bool = False):
        if not self.group:
            self.open_implicit_count(ref)
        for count in self.group:
            if count.code_section is not None and id(count) not in self.see_comment:
                if count.code_section != charge.code_section or count.attempted != (
                    charge.attempted or "ATTEMPTED" in count.flags
                ):
                    self.warn(f"second, different charge for count {count.number}: {text!r}", ref, count=count)
                if not from_count_line:
                    count.refs.append(ref)
                continue
            self.see_comment.discard(id(count))
            self.set_charge(count, charge, text)
            if not from_count_line:
                count.refs.append(ref)

    @staticmethod
    def set_charge(count: Count, charge: Charge, text: str):
        count.code_section = charge.code_section
        count.attempted = charge.attempted or "ATTEMPTED" in count.flags
        count.description = charge.description
        count.charge_text = text

    def read_flag(self, flag: str, ref: SourceRef) -> bool:
        if not self.group:
            self.warn(f"flag outside a count: {flag!r}", ref)
            self.event.refs.append(ref)
            return False
        for count in self.group:
            count.flags.append(flag)
            count.refs.append(ref)
            if flag.startswith("ATTEMPT"):
                count.attempted = True
        return True

    def disposition_date(self) -> dt.date | None:
        return self.update_date if self.update_ref is not None else self.event.date

    def read_disposition(self, text: str, ref: SourceRef):
        self.in_sentence = False
        if not self.group:
            self.warn(f"disposition outside a count: {text!r}", ref)
            self.event.refs.append(ref)
            return
        kind, statute = classify_disposition(text)
        refs = [ref] if self.update_ref is None else [self.update_ref, ref]
        disposition = Disposition(kind=kind, date=self.disposition_date(), raw=text, statute=statute, refs=refs)
        if kind == DispositionKind.REDUCED_TO_MISDEMEANOR:
            disposition.level = Level.MISDEMEANOR
        elif kind == DispositionKind.REDUCED_TO_INFRACTION:
            disposition.level = Level.INFRACTION
        for count in self.group:
            count.dispositions.append(disposition)
            count.refs.append(ref)
        self.disposition = disposition
        if kind == DispositionKind.OTHER:
            self.warn(f"disposition not understood: {text!r}", ref)
        if kind == DispositionKind.CONVICTED and self.event.kind != EventKind.COURT:
            self.warn(f"conviction recorded in a {self.event.kind.value} event", ref, affects=True)

    def read_conviction_status(self, level_text: str, ref: SourceRef) -> bool:
        level = Level.from_text(level_text)
        if self.disposition is None:
            self.warn(f"conviction status without a disposition: {level_text!r}", ref)
            return False
        if level == Level.UNKNOWN:
            self.warn(f"conviction status not understood: {level_text!r}", ref)
        self.disposition.level = level
        self.disposition.refs.append(ref)
        for count in self.group:
            count.refs.append(ref)
        return True

    def read_sentence(self, text: str, ref: SourceRef, from_comment: bool = False):
        parts, unknown = parse_sentence(text)
        target = self.disposition
        if target is None:
            self.warn(f"sentence without a disposition: {text!r}", ref)
            return
        if from_comment and target.sentence:
            self.warn(f"sentence in a comment beside a SEN: line: {text!r}", ref)
        if parts and parts[0].kind == SentenceKind.OTHER and parts[0].concurrent and target.sentence:
            # "CONCURRENT" opening a continuation line belongs to the term that ended the line above.
            last = target.sentence[-1]
            target.sentence[-1] = dataclasses.replace(last, concurrent=True, raw=f"{last.raw}, {parts[0].raw}")
            parts = parts[1:]
        target.sentence.extend(parts)
        target.refs.append(ref)
        for count in self.group:
            count.refs.append(ref)
        for piece in unknown:
            self.warn(f"sentence part not understood: {piece!r}", ref, affects=True)

    def read_comment(self, text: str, ref: SourceRef) -> bool:
        xsen = _XSEN_RE.search(text)
        if xsen:
            self.read_sentence(xsen.group("text"), ref, from_comment=True)
            return True
        if "CHRG" in text:
            charge = parse_comment_charge(text)
            if charge is None:
                self.warn(f"charge in a comment not understood: {text!r}", ref)
                return False
            named = _COMMENT_COUNT_RE.search(text)
            targets = self.group
            if named:
                wanted = int(named.group(1))
                # "CNT 01" in a comment under CNT:01-03 speaks for the whole range.
                if not any(c.number == wanted for c in self.group):
                    targets = [c for c in self.event.counts if c.number == wanted] or self.group
            charge_text = re.split(r"CHRG\s?[-:]?\s?", text, maxsplit=1)[-1]
            if not targets:
                self.warn(f"charge in a comment outside a count: {text!r}", ref)
                return False
            for count in targets:
                if id(count) in self.see_comment or count.code_section is None:
                    self.see_comment.discard(id(count))
                    self.set_charge(count, charge, charge_text)
                elif count.code_section != charge.code_section:
                    self.warn(f"comment names a different charge for count {count.number}: {text!r}", ref, count=count)
                count.refs.append(ref)
            return True
        if self.group:
            for count in self.group:
                count.refs.append(ref)
        else:
            self.event.refs.append(ref)
        if _LEGAL_COMMENT_RE.search(text):
            self.warn(f"comment may change the state of the count: {text!r}", ref, affects=True)
        return True

    # result --------------------------------------------------------------------------------
    def finish(self) -> Person:
        self.close_event()
        person = self.person
        # Doubled separators (and strike blocks framed like separators) leave cycles with no event.
        person.cycles = [cycle for cycle in person.cycles if cycle.events]
        for number, cycle in enumerate(person.cycles, start=1):
            cycle.number = number
        if person.cii:
            person.person_key = person.cii
        codes = {name.code for name in person.names}
        for event in person.events():
            if event.name_code and codes and event.name_code not in codes:
                ref = event.refs[0] if event.refs else None
                event.warnings.append(
                    ParseWarning(f"event names NAM:{event.name_code}, which the identification block lacks", ref, False)
                )
        return person


def _iter_lines(lines) -> Iterable[tuple[str, int, int | None]]:
    if isinstance(lines, str):
        lines = lines.splitlines()
    for index, item in enumerate(lines, start=1):
        if isinstance(item, SheetLine):
            yield item.text, item.line, item.page
        else:
            yield str(item), index, None


def all_warnings(person: Person) -> list[ParseWarning]:
    found = list(person.warnings)
    for event in person.events():
        found.extend(event.warnings)
        for count in event.counts:
            found.extend(count.warnings)
    return found


def parse_rap_sheet(lines, source: str = "") -> ParsedSheet:
    """Parse a RAP sheet given as lines (``str`` or :class:`SheetLine`), a whole text, or an
    :class:`ExtractionResult` (whose page notes become warnings). Never raises on bad text."""
    extraction_notes: list[ParseWarning] = []
    if isinstance(lines, ExtractionResult):
        for number in lines.image_only_pages:
            if number in lines.ocr_pages:
                message = f"page {number} has no text layer and was read by OCR; check it against the scan"
            else:
                message = f"page {number} has no text layer; its content is not read (OCR is not installed)"
            extraction_notes.append(ParseWarning(message, SourceRef(source, 0, number), True))
        if lines.truncated:
            extraction_notes.append(
                ParseWarning(
                    "the PDF looks truncated; the end of the record may be missing", SourceRef(source, 0), True
                )
            )
        lines = lines.lines
    items = list(_iter_lines(lines))
    if not any(text.strip() for text, _, _ in items):
        status = STATUS_EMPTY
        message = "the sheet has no text"
        if extraction_notes:
            message += " (" + "; ".join(w.message for w in extraction_notes) + ")"
        return ParsedSheet(None, extraction_notes, status, message, source)
    reader = _SheetReader(source)
    for text, number, page in items:
        reader.read(text, number, page)
    if reader.status == STATUS_RECORD_ERROR:
        return ParsedSheet(
            None,
            extraction_notes,
            STATUS_RECORD_ERROR,
            "DOJ answered RECORD ERROR: there is no record to read for this request",
            source,
        )
    person = reader.finish()
    person.warnings[:0] = extraction_notes
    events = list(person.events())
    if not reader.saw_identification and not events:
        return ParsedSheet(
            None,
            all_warnings(person),
            STATUS_NOT_A_RAP_SHEET,
            "this does not look like a RAP sheet (no identification block, no cycles)",
            source,
        )
    if not person.cii:
        person.warnings.append(ParseWarning("no CII number on the sheet", None, True))
        digest = hashlib.sha256("\n".join(text for text, _, _ in items).encode()).hexdigest()[:16]
        person.person_key = f"RAP-{digest}"
    if not person.names:
        person.warnings.append(ParseWarning("no name (NAM/) on the sheet", None, True))
    warnings = all_warnings(person)
    counts = [count for event in events for count in event.counts]
    convictions = sum(1 for _ in person.convictions())
    blocking = sum(1 for w in warnings if w.affects_eligibility)
    message = (
        f"read {len(person.cycles)} cycles, {len(events)} events, {len(counts)} counts "
        f"({convictions} convictions); {len(warnings)} warnings, {blocking} needing review"
    )
    return ParsedSheet(person, warnings, STATUS_OK, message, source)
