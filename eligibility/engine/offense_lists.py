"""Offense lists, loaded once from the versioned JSON files in ``eligibility/data``.

Each list is indexed by ``(code, section)`` so that the hot path is one dict lookup per count;
subdivisions, attempts, levels and unverified rows are then checked on the few entries found.
A match is *certain* only when the count's section is the listed section or one of its
subdivisions, the row is verified and carries no extra element; otherwise it is *possible* and the
caller routes it to attorney review instead of guessing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .code_section import CodeSection
from .record import Level

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

WILDCARD = "*"
_UNKNOWN = Level.UNKNOWN  # bound once: an enum attribute lookup costs several times a global


@dataclass(frozen=True, slots=True)
class Entry:
    section: CodeSection
    source: str
    verified: bool = True
    attempt: bool = False  # an attempt of this offense is on the list too
    level: str = ""  # "" any level, else the only level the row covers
    element: str = ""  # a further element the section alone cannot show
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return str(self.section)


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    certain: bool
    # Why an uncertain hit is uncertain: "subdivision" | "unverified" | "element" | "level".
    doubt: str = ""


@dataclass(frozen=True, slots=True)
class OffenseList:
    name: str
    statute: str
    version: str
    entries: tuple[Entry, ...]
    by_base: dict[tuple[str, str], tuple[Entry, ...]]
    # Codes with a wildcard row ("VC *"): only they need the second lookup, and few lists have one.
    # Derived from by_base, never passed in, so that no list can be built without it.
    wildcard_codes: frozenset[str] = field(init=False, compare=False, repr=False)
    # (id of one of this list's entries, doubt) -> its Hit: a hit is immutable, and a file hits the same rows
    # over and over. The list holds its entries, so their ids stay theirs while the cache lives.
    hits: dict[tuple[int, str], Hit] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "wildcard_codes",
                           frozenset(code for code, section in self.by_base if section == WILDCARD))

    def match(self, section: CodeSection | None, attempted: bool = False,
              level: Level = _UNKNOWN) -> Hit | None:
        """The best hit for a count: a certain one if any row gives it, else a possible one."""
        if section is None:
            return None
        code = section.code
        rows = self.by_base.get((code, section.section))
        if code in self.wildcard_codes:
            rows = (rows or ()) + self.by_base[(code, WILDCARD)]
        elif rows is None:
            return None
        possible: Hit | None = None
        for entry in rows:
            if attempted and not entry.attempt:
                continue
            subs = entry.section.subsections
            if section.subsections[: len(subs)] == subs:
                doubt = ""
            elif subs[: len(section.subsections)] == section.subsections:
                doubt = "subdivision"  # the count does not say which subdivision
            else:
                continue
            if entry.level:
                if level == _UNKNOWN:
                    doubt = doubt or "level"
                elif level._value_ != entry.level:  # ``.value`` is a property in 3.11
                    continue
            if not doubt and not entry.verified:
                doubt = "unverified"
            if not doubt and entry.element:
                doubt = "element"
            hit = self.hits.get((id(entry), doubt))
            if hit is None:
                hit = self.hits[(id(entry), doubt)] = Hit(entry, not doubt, doubt)
            if hit.certain:
                return hit
            if possible is None:
                possible = hit
        return possible

    def contains_base(self, section: CodeSection | None) -> bool:
        return section is not None and (section.code, section.section) in self.by_base


def _entry(row: dict) -> Entry:
    text = row["section"]
    if text.endswith(" " + WILDCARD):
        section = CodeSection(text.split()[0], WILDCARD)
    else:
        section = CodeSection.parse(text)
    known = {"section", "source", "verified", "attempt", "level", "element"}
    return Entry(
        section=section,
        source=row.get("source", ""),
        verified=bool(row.get("verified", True)),
        attempt=bool(row.get("attempt", False)),
        level=row.get("level", ""),
        element=row.get("element", ""),
        extra={k: v for k, v in row.items() if k not in known},
    )


def load_list(name: str, key: str = "entries") -> OffenseList:
    data = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    entries = tuple(_entry(row) for row in data[key])
    by_base: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        by_base.setdefault((entry.section.code, entry.section.section), []).append(entry)
    return OffenseList(
        name=data["list"] if key == "entries" else f"{data['list']}.{key}",
        statute=data.get("statute", ""),
        version=data["version"],
        entries=entries,
        by_base={k: tuple(v) for k, v in by_base.items()},
    )


@dataclass(frozen=True, slots=True)
class OffenseLists:
    superstrikes: OffenseList
    serious: OffenseList
    violent: OffenseList
    pc1203_4b: OffenseList
    pc1203_4a_d: OffenseList
    vc12810: OffenseList
    wobblers: OffenseList
    pc19_8: OffenseList
    prop47: OffenseList
    prop64: OffenseList
    prop64_plea: OffenseList
    prop64_related: OffenseList
    max_terms: OffenseList

    def versions(self) -> dict[str, str]:
        return {lst.name: lst.version for lst in (
            self.superstrikes, self.serious, self.violent, self.pc1203_4b, self.pc1203_4a_d,
            self.vc12810, self.wobblers, self.pc19_8, self.prop47, self.prop64, self.prop64_plea,
            self.prop64_related, self.max_terms)}


@lru_cache(maxsize=1)
def offense_lists() -> OffenseLists:
    return OffenseLists(
        superstrikes=load_list("superstrikes"),
        serious=load_list("serious_felonies"),
        violent=load_list("violent_felonies"),
        pc1203_4b=load_list("pc1203_4b_exclusions"),
        pc1203_4a_d=load_list("pc1203_4a_exclusions"),
        vc12810=load_list("vc12810_offenses"),
        wobblers=load_list("wobblers"),
        pc19_8=load_list("pc19_8_infraction_reducible"),
        prop47=load_list("prop47_offenses"),
        prop64=load_list("prop64_offenses"),
        prop64_plea=load_list("prop64_offenses", key="plea_bargain_sections"),
        prop64_related=load_list("prop64_related"),
        max_terms=load_list("max_terms"),
    )
