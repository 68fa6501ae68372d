"""Offense code sections, parsed and normalized the same way for every source.

A RAP sheet writes ``11357(B) HS-POSSESS MARIJUANA``, the DOJ file ``11359HS-INTENT SELL``,
an attempt may be ``664/487(A) PC`` or ``487(A)-664 PC``, and OCR turns ``490.2`` into ``490,2``.
Every one of them becomes a :class:`CodeSection` such as ``HS 11357(b)`` or ``PC 487(a)`` with an
``attempted`` flag kept beside it, so that offense lists match on purpose and exactly:
``PC 137`` is never ``PC 37``, ``VC 11357`` is never cannabis, ``HS 11357.5`` is not ``HS 11357``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Codes that appear on California criminal histories, with the spellings seen in the wild.
CODE_ALIASES: dict[str, str] = {
    "PC": "PC",
    "P.C.": "PC",
    "PEN": "PC",
    "HS": "HS",
    "H&S": "HS",
    "HSC": "HS",
    "VC": "VC",
    "VEH": "VC",
    "BP": "BP",
    "B&P": "BP",
    "BPC": "BP",
    "WI": "WI",
    "W&I": "WI",
    "WIC": "WI",
    "FG": "FG",
    "F&G": "FG",
    "GC": "GC",
    "RT": "RT",
    "R&T": "RT",
    "UI": "UI",
    "CC": "CC",
    "EC": "EC",
    "ED": "EC",
    "WC": "WC",
    "HN": "HN",
    "LC": "LC",
    "FA": "FA",
    "PR": "PR",
    "MC": "MC",
    "CCP": "CCP",
    "US": "US",
}

# The code sits right after the section, with or without a space, and before the description,
# which starts with "-" or a space. Longest aliases first so "H&S" wins over "HS".
_CODE_ALTERNATION = "|".join(
    re.escape(alias) for alias in sorted(CODE_ALIASES, key=len, reverse=True)
)
_SECTION = r"\d{1,6}(?:[.,]\d{1,3})?[A-Z]?"
_SUBSECTIONS = r"(?:\s?\(\s?[A-Z0-9]{1,4}\s?\))*"
_ATTEMPT_PREFIX = r"(?P<attempt_prefix>664\s?/\s?)?"
_ATTEMPT_SUFFIX = r"(?P<attempt_suffix>\s?-\s?664)?"

_CHARGE_RE = re.compile(
    rf"^\s*{_ATTEMPT_PREFIX}(?P<section>{_SECTION})(?P<subs>{_SUBSECTIONS}){_ATTEMPT_SUFFIX}"
    rf"\s?(?P<code>{_CODE_ALTERNATION})(?![A-Z0-9&])"
    r"\s*[-:]?\s*(?P<description>.*)$",
    re.IGNORECASE,
)
_SUB_RE = re.compile(r"\(\s?([A-Z0-9]{1,4})\s?\)", re.IGNORECASE)
_SEE_COMMENT_RE = re.compile(r"SEE\s+COMMENT\s+FOR\s+CHARGE", re.IGNORECASE)
# A charge inside a comment: "COM: CNT 01 CHRG-664/487(A) PC GRAND THEFT" or "CHRG 490,2 PC".
_COMMENT_CHARGE_RE = re.compile(r"CHRG\s*[-:]?\s*(?P<charge>.+)$", re.IGNORECASE)
# Sections written "code first": "PC 487(A)", "HS 11357(b)".
_CODE_FIRST_RE = re.compile(
    rf"^\s*(?P<code>{_CODE_ALTERNATION})\s+{_ATTEMPT_PREFIX}(?P<section>{_SECTION})"
    rf"(?P<subs>{_SUBSECTIONS}){_ATTEMPT_SUFFIX}(?![A-Z0-9.])\s*[-:]?\s*(?P<description>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CodeSection:
    """A normalized code section: ``CodeSection("HS", "11357", ("b",))`` is ``HS 11357(b)``."""

    code: str
    section: str
    subsections: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.code} {self.section}"
        for sub in self.subsections:  # none or one or two: cheaper than a generator and join
            text += f"({sub})"
        return text

    @property
    def base(self) -> CodeSection:
        """The section without subdivisions: ``HS 11357(b)`` -> ``HS 11357``."""
        return CodeSection(self.code, self.section)

    def within(self, other: CodeSection) -> bool:
        """True when this section is ``other`` or one of its subdivisions.

        ``PC 288(c)(1)`` is within ``PC 288`` and ``PC 288(c)``; ``PC 288.5`` is not within
        ``PC 288``; ``PC 288`` is not within ``PC 288(c)`` (we do not know the subdivision).
        """
        return (
            self.code == other.code
            and self.section == other.section
            and self.subsections[: len(other.subsections)] == other.subsections
        )

    @classmethod
    def parse(cls, text: str) -> CodeSection:
        """Parse a canonical string such as ``"PC 487(a)"``; raises ``ValueError`` otherwise."""
        charge = parse_charge(text)
        if charge is None or charge.attempted:
            raise ValueError(f"not a code section: {text!r}")
        return charge.code_section


@dataclass(frozen=True, slots=True)
class Charge:
    """What a charge line says: the code section, whether it is an attempt, and the words."""

    code_section: CodeSection
    attempted: bool
    description: str


def _normalize_section(section: str) -> str:
    # OCR and the DOJ write "490,2" for 490.2; letters in a section ("273A") are kept lower-case
    # only as subsections, so a bare trailing letter belongs to the section name itself.
    return section.replace(",", ".").upper()


def _build(match: re.Match[str]) -> Charge:
    subs = tuple(s.lower() for s in _SUB_RE.findall(match.group("subs") or ""))
    code = CODE_ALIASES[match.group("code").upper()]
    attempted = bool(match.group("attempt_prefix") or match.group("attempt_suffix"))
    description = (match.group("description") or "").strip(" -")
    return Charge(CodeSection(code, _normalize_section(match.group("section")), subs), attempted, description)


def parse_charge(text: str | None) -> Charge | None:
    """Parse a charge as written on a RAP sheet or in a DOJ row; ``None`` when it is not one.

    >>> str(parse_charge("11357(B) HS-POSSESS MARIJUANA").code_section)
    'HS 11357(b)'
    >>> parse_charge("664/487(A) PC GRAND THEFT").attempted
    True
    """
    if not text:
        return None
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    if not cleaned or is_see_comment(cleaned):
        return None
    match = _CHARGE_RE.match(cleaned) or _CODE_FIRST_RE.match(cleaned)
    if match is None:
        return None
    charge = _build(match)
    if re.search(r"\bATTEMPT(ED)?\b", charge.description, re.IGNORECASE):
        charge = Charge(charge.code_section, True, charge.description)
    return charge


def parse_comment_charge(comment: str | None) -> Charge | None:
    """Find the charge a ``COM:`` line names, e.g. ``CNT 01 CHRG-664/487(A) PC GRAND THEFT``."""
    if not comment:
        return None
    match = _COMMENT_CHARGE_RE.search(comment)
    if match is not None:
        return parse_charge(match.group("charge"))
    return parse_charge(comment)


def is_see_comment(text: str | None) -> bool:
    return bool(text) and _SEE_COMMENT_RE.search(text) is not None
