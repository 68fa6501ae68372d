"""What relief would do for people: the impact summary of a county's records.

For each person the question is what is left on the record once the proposed relief is granted:
any felony, any conviction, any conviction in the last seven years. It is answered under the
office's policy and under two hypothetical policies a DA's office is usually asked about ("dismiss
every Prop 64 conviction", and the same plus the related offenses: HS 11364, 11550, PC 647(f),
602, 148, 148.9, 466, BP 4060, 4140, 4149, VC 40508). The hypotheticals are computed on top of
the engine's results under the office policy: a count the hypothetical covers is dismissed, every
other count keeps the engine's answer. Dates come from the as-of date, never the wall clock.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .engine.offense_lists import offense_lists
from .engine.record import DispositionKind, EventKind, Level, Person, add_years
from .engine.results import GRANTING, Outcome, PersonResult

POLICIES = ("office_policy", "dismiss_all_prop64", "dismiss_all_prop64_and_related")
ALREADY_CLEARED = {DispositionKind.SET_ASIDE, DispositionKind.RELIEF_GRANTED, DispositionKind.SEALED}
RECENT_YEARS = 7
# Members read once per count below: in Python 3.11 reading one through its class costs a lookup in
# the enum machinery each time.
_COURT, _FELONY, _DISMISS = EventKind.COURT, Level.FELONY, Outcome.DISMISS
_CONVICTED, _UNKNOWN = DispositionKind.CONVICTED, Level.UNKNOWN
# The updates that lower a conviction's level, as Count.current_level reads them.
_REDUCED_TO = {DispositionKind.REDUCED_TO_MISDEMEANOR: Level.MISDEMEANOR,
               DispositionKind.REDUCED_TO_INFRACTION: Level.INFRACTION}


@dataclass
class PolicyTally:
    no_felony: int = 0
    no_conviction: int = 0
    no_conviction_last_7_years: int = 0
    convictions_dismissed: int = 0
    felonies_reduced: int = 0


@dataclass
class ImpactSummary:
    as_of: str
    county: str
    persons: int = 0
    persons_with_convictions: int = 0
    convictions: int = 0
    felony_convictions: int = 0
    non_felony_convictions: int = 0
    convictions_in_county: int = 0
    convictions_in_county_by_section: Counter = field(default_factory=Counter)
    people_with_felony_before: int = 0
    policies: dict[str, PolicyTally] = field(default_factory=lambda: {name: PolicyTally() for name in POLICIES})

    def add(self, person: Person, result: PersonResult) -> None:
        self.persons += 1
        convictions = _open_convictions(person, result)
        if not convictions:
            for tally in self.policies.values():
                tally.no_felony += 1
                tally.no_conviction += 1
                tally.no_conviction_last_7_years += 1
            return
        self.persons_with_convictions += 1
        lists = offense_lists()
        recent_cutoff = _recent_cutoff(self.as_of)
        wanted, by_section = self.county, self.convictions_in_county_by_section
        felonies = in_county = 0
        # Each count's facts once, then the three policies over them: the policies differ only in
        # which counts they dismiss.
        facts = []
        for count, conviction_date, county, felony, dismissed, reduced in convictions:
            felonies += felony
            if not wanted or county == wanted:
                in_county += 1
                section = count.code_section
                by_section[str(section) if section else "unknown"] += 1
            recent = conviction_date is None or conviction_date >= recent_cutoff
            facts.append((_dismissed_under(count, dismissed, lists), felony, recent, reduced))
        self.convictions += len(convictions)
        self.felony_convictions += felonies
        self.non_felony_convictions += len(convictions) - felonies
        self.convictions_in_county += in_county
        self.people_with_felony_before += felonies > 0
        for position, name in enumerate(POLICIES):
            tally = self.policies[name]
            felony_left = conviction_left = recent_left = False
            for dismissed, felony, recent, reduced in facts:
                if dismissed[position]:
                    tally.convictions_dismissed += 1
                    continue
                conviction_left = True
                recent_left |= recent
                if felony:
                    if reduced:
                        tally.felonies_reduced += 1
                    else:
                        felony_left = True
            tally.no_felony += not felony_left
            tally.no_conviction += not conviction_left
            tally.no_conviction_last_7_years += not recent_left

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of,
            "county": self.county,
            "persons": self.persons,
            "persons_with_convictions": self.persons_with_convictions,
            "convictions": self.convictions,
            "felony_convictions": self.felony_convictions,
            "non_felony_convictions": self.non_felony_convictions,
            "people_with_felony_before_relief": self.people_with_felony_before,
            "convictions_in_county": self.convictions_in_county,
            # Most first; equal counts by section, so that the file does not depend on the order the
            # persons were met in (one process or the merged parts of several).
            "convictions_in_county_by_code_section": dict(sorted(
                self.convictions_in_county_by_section.items(), key=lambda item: (-item[1], item[0]))),
            "after_relief": {
                name: {
                    "people_with_no_felony": tally.no_felony,
                    "people_with_no_conviction": tally.no_conviction,
                    "people_with_no_conviction_in_last_7_years": tally.no_conviction_last_7_years,
                    "convictions_dismissed": tally.convictions_dismissed,
                    "felonies_reduced": tally.felonies_reduced,
                }
                for name, tally in self.policies.items()
            },
        }

    def merge(self, other: ImpactSummary) -> None:
        """Add another part's tallies (the file is evaluated in parallel parts)."""
        for name in ("persons", "persons_with_convictions", "convictions", "felony_convictions",
                     "non_felony_convictions", "convictions_in_county", "people_with_felony_before"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.convictions_in_county_by_section.update(other.convictions_in_county_by_section)
        for name, tally in other.policies.items():
            mine = self.policies[name]
            for attr in ("no_felony", "no_conviction", "no_conviction_last_7_years", "convictions_dismissed",
                         "felonies_reduced"):
                setattr(mine, attr, getattr(mine, attr) + getattr(tally, attr))


def _open_convictions(person: Person, result: PersonResult) -> list[tuple]:
    """(count, conviction date, county, felony today, dismissed by the engine, reduced by the
    engine) of each court conviction not already cleared."""
    # Of the engine's outcomes only dismiss and reduce matter here: keep the counts that got one.
    dismissed, reduced = set(), set()
    last_key = where = None
    for det in result.determinations:
        outcome = det.outcome
        if outcome in GRANTING:
            key = det.key
            if key is not last_key:  # a count's determinations share their key
                last_key, where = key, (key.cycle, key.event, key.count)
            (dismissed if outcome == _DISMISS else reduced).add(where)
    convictions = []
    for cycle_index, cycle in enumerate(person.cycles):
        for event_index, event in enumerate(cycle.events):
            if event.kind != _COURT:
                continue
            for count_index, count in enumerate(event.counts):
                # Count.conviction, Count.current_level and whether the conviction was cleared, in
                # one pass over the dispositions: the properties are three Python calls a count.
                conviction = level = None
                for disposition in count.dispositions:
                    kind = disposition.kind
                    if kind in ALREADY_CLEARED:
                        break
                    if kind == _CONVICTED:
                        if conviction is None:
                            conviction = disposition
                    elif kind in _REDUCED_TO:
                        level = _REDUCED_TO[kind]
                else:
                    if conviction is None:
                        continue
                    if level is None:
                        level = conviction.level if conviction.level != _UNKNOWN else count.toc
                    key = (cycle_index, event_index, count_index)
                    convictions.append((count, conviction.date, event.county, level == _FELONY, key in dismissed,
                                        key in reduced))
    return convictions


def _dismissed_under(count, by_engine: bool, lists) -> tuple[bool, bool, bool]:
    """Whether each of :data:`POLICIES` dismisses the count: the engine's answer under the office
    policy; on top of it, the hypotheticals dismiss Prop 64 counts (and the related offenses)."""
    if by_engine:
        return (True, True, True)
    section = count.code_section
    if section is None:
        return (False, False, False)
    if lists.prop64.contains_base(section):
        return (False, True, True)
    return (False, False, lists.prop64_related.match(section, count.attempted) is not None)


@lru_cache(maxsize=8)
def _recent_cutoff(as_of: str) -> dt.date:
    return add_years(dt.date.fromisoformat(as_of), -RECENT_YEARS)


def summary_rows(summary: dict) -> list[list]:
    """The impact summary as a two-column table for CSV."""
    rows = [["measure", "value"]]
    for key in ("as_of", "county", "persons", "persons_with_convictions", "convictions", "felony_convictions",
                "non_felony_convictions", "people_with_felony_before_relief", "convictions_in_county"):
        rows.append([key, summary[key]])
    for policy, values in summary["after_relief"].items():
        for key, value in values.items():
            rows.append([f"{policy}.{key}", value])
    for section, value in summary["convictions_in_county_by_code_section"].items():
        rows.append([f"convictions_in_county.{section}", value])
    return rows
