"""Which California county an agency or court belongs to, read from its name on a record.

RAP sheets and the DOJ file name the agency, not the county: ``CASC SAN FRANCISCO``,
``CAMC OAKLAND`` (a former municipal court in Alameda County), ``CAPD MODESTO``. Eligibility and
the motion's venue depend on the county, so the table lives in a data file with a source for each
entry (``rap_sheet/data/agency_counties.csv``) and an unknown name gives ``""`` — never a guess.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

TABLE_PATH = Path(__file__).parent / "rap_sheet" / "data" / "agency_counties.csv"

# Agency type prefixes as printed by the DOJ terminal. Several older ones (CAMU, CACO...) appear on
# legacy transcripts; they say nothing about the county, so they are dropped before the lookup.
AGENCY_PREFIXES = (
    "CASC",
    "CAMC",
    "CAJC",
    "CAPD",
    "CASO",
    "CAPR",
    "CAMU",
    "CACO",
    "CACH",
    "CAHP",
    "CADA",
    "CADOJ",
    "CADC",
    "CACDC",
    "CAYA",
    "CACYA",
)
_PREFIX_RE = re.compile(r"^(?:" + "|".join(sorted(AGENCY_PREFIXES, key=len, reverse=True)) + r")\b")
_WORD_RE = re.compile(r"[A-Z]+")


@cache
def agency_table() -> dict[str, str]:
    """Place or county name -> county name, both upper case."""
    with TABLE_PATH.open(newline="", encoding="utf-8") as handle:
        return {row["name"].strip().upper(): row["county"].strip().upper() for row in csv.DictReader(handle)}


@cache
def _table_by_words() -> list[tuple[tuple[str, ...], str]]:
    # Longest names first so that "YUBA CITY" (Sutter County) wins over "YUBA" and
    # "SIERRA MADRE" (Los Angeles County) over "SIERRA".
    entries = [(tuple(name.split()), county) for name, county in agency_table().items()]
    return sorted(entries, key=lambda entry: len(entry[0]), reverse=True)


def county_for_agency(text: str | None) -> str:
    """``"CAMC OAKLAND"`` -> ``"ALAMEDA"``; ``""`` when the agency's county is not known.

    The place name must start the agency text (after the prefix) and match whole words, so
    ``CAPD MARINA`` is Monterey, not Marin.
    """
    if not text:
        return ""
    upper = text.upper().replace(".", "")
    upper = _PREFIX_RE.sub("", upper.strip()).strip()
    words = tuple(_WORD_RE.findall(upper))
    if not words:
        return ""
    # Words after the place name ("CASO SAN DIEGO CO", "CASC LOS ANGELES-COMPTON") are ignored;
    # "SAINT" is how some agencies spell "ST".
    words = tuple("ST" if w == "SAINT" else w for w in words)
    for name_words, county in _table_by_words():
        if words[: len(name_words)] == name_words:
            return county
    return ""
