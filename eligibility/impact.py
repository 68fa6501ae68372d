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
from .engine.results import Outcome, PersonResult

POLICIES = ("office_policy", "dismiss_all_prop64", "dismiss_all_prop64_and_related")
ALREADY_CLEARED = {DispositionKind.SET_ASIDE, DispositionKind.RELIEF_GRANTED, DispositionKind.SEALED}
RECENT_YEARS = 7
# Members read once per count below: in Python 3.11 reading one through its class costs a lookup in
# the enum machinery each time.
_COURT, _FELONY, _DISMISS, _REDUCE = EventKind.COURT, Level.FELONY, Outcome.DISMISS, Outcome.REDUCE


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
        had_felony = False
        # Each count's facts once, then the three policies over them: the policies differ only in
        # which counts they dismiss.
        facts = []
        for count, county, dismissed, reduced in convictions:
            self.convictions += 1
            felony = count.current_level == _FELONY
            had_felony |= felony
            self.felony_convictions += felony
            self.non_felony_convictions += not felony
            if not self.county or county == self.county:
                self.convictions_in_county += 1
                self.convictions_in_county_by_section[str(count.code_section) if count.code_section else "unknown"] += 1
            conviction_date = count.conviction_date
            recent = conviction_date is None or conviction_date >= recent_cutoff
            facts.append((_dismissed_under(count, dismissed, lists), felony, recent, reduced))
        self.people_with_felony_before += had_felony
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
            "convictions_in_county_by_code_section": dict(self.convictions_in_county_by_section.most_common()),
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
    """(count, county, dismissed by the engine, reduced by the engine) of each court conviction
    not already cleared."""
    # Of the engine's outcomes only dismiss and reduce matter here: keep the counts that got one.
    dismissed, reduced = set(), set()
    for det in result.determinations:
        outcome = det.outcome
        if outcome == _DISMISS:
            counts = dismissed
        elif outcome == _REDUCE:
            counts = reduced
        else:
            continue
        key = det.key
        counts.add((key.cycle, key.event, key.count))
    convictions = []
    for cycle_index, cycle in enumerate(person.cycles):
        for event_index, event in enumerate(cycle.events):
            if event.kind != _COURT:
                continue
            for count_index, count in enumerate(event.counts):
                if count.conviction is None or not ALREADY_CLEARED.isdisjoint([d.kind for d in count.dispositions]):
                    continue
                key = (cycle_index, event_index, count_index)
                convictions.append((count, event.county, key in dismissed, key in reduced))
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
