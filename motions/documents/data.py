"""Plain data a motion is rendered from.

The Django app fills these from approved review decisions; the document code never sees a model,
so it can be rendered, tested and benchmarked without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

# Relief types the renderer knows. Each one names the statute family, not a form number, because
# counties file the same relief on different paper.
PROP64_FELONY = "prop64_felony"
PROP64_MISDEMEANOR = "prop64_misdemeanor"
PC1203_4 = "pc1203_4"
PC17B = "pc17b"
PROP47 = "prop47"
RELIEF_TYPES = (PROP64_FELONY, PROP64_MISDEMEANOR, PC1203_4, PC17B, PROP47)

# Short statute labels for manifests and cover sheets, where a clerk sorts by law.
RELIEF_LAW = {
    PROP64_FELONY: "HS 11361.8",
    PROP64_MISDEMEANOR: "HS 11361.8",
    PC1203_4: "PC 1203.4",
    PC17B: "PC 17(b)",
    PROP47: "PC 1170.18",
}

# Tracks. Prop 64 and Prop 47 both distinguish people still serving a sentence (recall and
# resentence) from people who have finished it (redesignate, or dismiss and seal).
RESENTENCING = "resentencing"
REDESIGNATION = "redesignation"
DISMISSAL = "dismissal"


@dataclass(frozen=True)
class Office:
    name: str
    county: str
    address_lines: tuple[str, ...] | list[str]
    phone: str
    elected_da: str


@dataclass(frozen=True)
class Attorney:
    name: str
    bar_number: str
    title: str = "Deputy District Attorney"
    signature_image: bytes | None = None


@dataclass(frozen=True)
class MotionCount:
    count_number: int | str
    code_section: str  # as charged, e.g. "HS 11359" or "PC 496(a)"
    level: str  # "felony" | "misdemeanor" | "infraction" (level of the conviction)
    relief: str  # e.g. "dismiss and seal", "reduce to misdemeanor"
    citation: str  # the subdivision relied on for this count, e.g. "HS 11361.8(f)"

    @property
    def base_section(self) -> str:
        return base_section(self.code_section)


@dataclass
class MotionCase:
    relief_type: str
    court_name: str
    court_county: str
    case_number: str
    defendant_name: str
    counts: list[MotionCount]
    signed_on: date
    aliases: list[str] = field(default_factory=list)
    dob: date | None = None
    cii: str = ""
    conviction_date: date | None = None
    reasons: list[str] = field(default_factory=list)
    track: str = ""

    def __post_init__(self) -> None:
        # Fail at construction rather than mid-batch with a half-written filing package.
        if self.relief_type not in RELIEF_TYPES:
            raise ValueError(f"unknown relief_type {self.relief_type!r}; expected one of {RELIEF_TYPES}")
        if not self.counts:
            raise ValueError(f"case {self.case_number}: a motion needs at least one count")

    @property
    def defendant_caption(self) -> str:
        if self.aliases:
            return f"{self.defendant_name} (AKA {', '.join(self.aliases)})"
        return self.defendant_name


_SECTION_RE = re.compile(r"^\s*([A-Za-z&]+)\s*([0-9]+(?:\.[0-9]+)?)")


def base_section(code_section: str) -> str:
    """'HS 11357(b)(2)' -> 'HS 11357'; codes other than HS/PC keep their own prefix.

    Forms ask about the section, not the subdivision, and RAP sheets write the code in
    several ways ('H&S', 'HS', 'hs'), so both are normalised here.
    """
    m = _SECTION_RE.match(code_section)
    if not m:
        return code_section.strip()
    code = m.group(1).upper().replace("&", "")
    return f"{code} {m.group(2)}"


def normalise_section(code_section: str) -> str:
    """'H&S 11357 (b)' -> 'HS 11357(b)', so subdivision checkboxes can be matched too."""
    base = base_section(code_section)
    m = _SECTION_RE.match(code_section)
    rest = code_section[m.end() :] if m else ""
    return base + re.sub(r"\s+", "", rest).lower()


def format_date(value: date | None) -> str:
    # Courts write dates in full in pleadings; ISO dates read as machine output.
    if value is None:
        return ""
    return f"{value:%B} {value.day}, {value.year}"


def format_short_date(value: date | None) -> str:
    if value is None:
        return ""
    return f"{value.month:02d}/{value.day:02d}/{value.year}"
