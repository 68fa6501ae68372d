"""PC 851.93: automatic arrest relief by DOJ for arrests that did not end in a conviction.

Waits by the arrest's level and, for felonies, the offense's maximum term (851.93(a)(2)):
(A) misdemeanor, charge dismissed: none; (B) misdemeanor, no proceedings or an acquittal: one
calendar year; (C)(i) felony, no proceedings or an acquittal: three calendar years; (C)(ii) an
offense punishable by eight years or more: six years. A felony whose charges were filed and then
dismissed is outside (A)-(C); the court petition of PC 851.91 remains. Arrests before 1973-01-01
do not qualify. An unknown maximum term goes to review only when it decides the outcome.
"""

from __future__ import annotations

import datetime as dt

from ..facts import count_info
from ..record import DispositionKind, EventKind, add_years
from ..results import Determination, Question, Reason, Relief, new_reason
from . import (
    DISMISS,
    INFRACTION,
    MISDEMEANOR,
    NOT_ELIGIBLE,
    NOT_YET_ELIGIBLE,
    UNKNOWN_LEVEL,
    Ctx,
    ask,
    build,
    fmt,
    review,
)

EARLIEST = dt.date(1973, 1, 1)
RELIEF = Relief.PC851_93
# Bound once: see the enum note in laws/__init__.py.
_COURT = EventKind.COURT
_DISMISSED, _ACQUITTED, _PENDING = DispositionKind.DISMISSED, DispositionKind.ACQUITTED, DispositionKind.PENDING

# The reasons and questions that never change are built once: this law reads every arrest-only count.
_ASK_ARREST = (Question("other", "When was the arrest?"),)
_NO_ARREST = (Reason("The waiting period runs from the arrest", "PC 851.93(a)(2)"),)
_BEFORE_1973 = (Reason("Arrested before 1973-01-01", "PC 851.93(a)(2)"),)
_STILL_PENDING = (Reason("The charges from this arrest are still pending", "PC 851.93(a)(2)"),)
_SIX_YEARS_ANY_LEVEL = Reason("Level not on the record, but six years have passed, the longest wait for any level",
                              "PC 851.93(a)(2)(B), (C)")
_FELONY_PROCEEDINGS = Reason("Felony proceedings began and ended without an acquittal; automatic relief covers only "
                             "felony arrests with no proceedings or an acquittal (a PC 851.91 petition remains)",
                             "PC 851.93(a)(2)(C)")
_AUTOMATIC = Reason("DOJ grants arrest relief automatically each month", "PC 851.93(a)(1)")
_ASK_LEVEL = (Question("level_unknown", "Was the arrest for a felony or a misdemeanor? The wait depends on it."),)
_ASK_OUTCOME = (Question("other", "Proceedings began on this misdemeanor arrest but no dismissal or acquittal is "
                         "recorded: how did the case end?"),)


def _cycle_state(cycle) -> tuple[bool, dt.date | None, bool, bool]:
    """(proceedings began, dismissal date, acquitted, pending) for an arrest-only cycle."""
    proceedings = False
    dismissed_on = None
    acquitted = pending = False
    for event in cycle.events:
        court = event.kind == _COURT
        proceedings = proceedings or court
        for count in event.counts:
            for disposition in count.dispositions:
                kind = disposition.kind
                if kind == _DISMISSED:
                    proceedings = True
                    dismissed_on = max(dismissed_on, disposition.date) if dismissed_on and disposition.date \
                        else (disposition.date or dismissed_on or event.date)
                elif kind == _ACQUITTED:
                    acquitted = True
            if count.dispositions and count.dispositions[-1].kind == _PENDING:
                pending = True
    return proceedings, dismissed_on, acquitted, pending


def evaluate_arrest(key, cycle, event, count, ctx: Ctx) -> list[Determination]:
    person = ctx.facts.person
    court_only = event.kind == _COURT
    arrested = (cycle.date or event.date) if court_only else (event.date or cycle.date)
    info = count_info(person, key, cycle, event, count, ctx.policy.county, arrested)
    if arrested is None:
        return [ask(info, RELIEF, _ASK_ARREST, _NO_ARREST)]
    if arrested < EARLIEST:
        return [build(info, RELIEF, NOT_ELIGIBLE, _BEFORE_1973)]
    done = info.relief_done("851.93", "851.91", "851.87", "851.90") if info.relief_statutes else ""
    if done or info.sealed:
        return [build(info, RELIEF, NOT_ELIGIBLE, [Reason(
            f"Arrest relief already granted ({done or 'sealed'})", "PC 851.93(a)")])]
    proceedings, dismissed_on, acquitted, pending = _cycle_state(cycle)
    if pending:
        return [build(info, RELIEF, NOT_YET_ELIGIBLE, _STILL_PENDING, route="mandatory")]
    reasons = [new_reason(f"Arrested on {fmt(arrested)} with no conviction in this arrest cycle", "PC 851.93(a)(2)")]
    level = info.level
    six = add_years(arrested, 6)
    elapsed6 = six <= ctx.as_of
    if level == UNKNOWN_LEVEL:
        if elapsed6 and (not proceedings or acquitted):
            reasons.append(_SIX_YEARS_ANY_LEVEL)
            return [build(info, RELIEF, DISMISS, reasons, eligible_on=six, route="mandatory")]
        return [ask(info, RELIEF, _ASK_LEVEL, reasons)]
    if level in (MISDEMEANOR, INFRACTION):
        if dismissed_on is not None and not acquitted:
            reasons.append(new_reason(f"Misdemeanor charge dismissed on {fmt(dismissed_on)}: no wait",
                                      "PC 851.93(a)(2)(A)"))
            return [build(info, RELIEF, DISMISS, reasons, eligible_on=max(dismissed_on, arrested),
                          route="mandatory")]
        if proceedings and not acquitted:
            return [ask(info, RELIEF, _ASK_OUTCOME, reasons)]
        eligible_on = add_years(arrested, 1)
        reasons.append(new_reason(("Acquitted" if acquitted else "No proceedings began")
                                  + f"; one calendar year after the arrest is {fmt(eligible_on)}",
                                  "PC 851.93(a)(2)(B)"))
    else:
        if proceedings and not acquitted:
            return [build(info, RELIEF, NOT_ELIGIBLE, [*reasons, _FELONY_PROCEEDINGS])]
        hit = ctx.lists.max_terms.match(info.section, False)
        years = None
        unverified = ""
        if hit is not None and not info.attempted:
            if hit.certain or ctx.confirmed(f"max_term.{hit.entry.section}"):
                years = hit.entry.extra["max_years"]
            else:
                unverified = f"{hit.entry.section}: {hit.entry.extra['max_years']} years ({hit.entry.source})"
        three = add_years(arrested, 3)
        if years is None:
            if elapsed6:
                reasons.append(new_reason(f"Six years have passed ({fmt(six)}), the longest felony wait",
                                          "PC 851.93(a)(2)(C)"))
                return [build(info, RELIEF, DISMISS, reasons, eligible_on=six, route="mandatory")]
            if three > ctx.as_of and unverified:
                return [review(info, RELIEF, "unverified_rule",
                               f"Confirm the maximum term of {unverified} [U]; at 8 years or more the wait is "
                               "six years.", [*reasons, Reason(
                                   f"Eligible on {fmt(six)} if the maximum term is 8 years or more, else "
                                   f"{fmt(three)}", "PC 851.93(a)(2)(C)")], eligible_on=six)]
            question = (f"Confirm the maximum term of {unverified} [U]" if unverified else
                        f"What is the maximum prison or 1170(h) term for {info.code_section_text}"
                        + (" (attempted)" if info.attempted else "") + "?")
            return [review(info, RELIEF, "unverified_rule" if unverified else "other",
                           question + " At 8 years or more the wait is six years, otherwise three.",
                           [*reasons, Reason(f"Eligible on {fmt(three)} or {fmt(six)} depending on the "
                                             "maximum term", "PC 851.93(a)(2)(C)")],
                           eligible_on=six if unverified else None)]
        if years >= 8:
            eligible_on = six
            reasons.append(Reason(f"Punishable by {years} years (8 or more): six years after the arrest is "
                                  f"{fmt(six)}", "PC 851.93(a)(2)(C)(ii)"))
        else:
            eligible_on = three
            reasons.append(Reason(f"Felony punishable by {years} years: three calendar years after the arrest "
                                  f"is {fmt(three)}", "PC 851.93(a)(2)(C)(i)"))
    if eligible_on > ctx.as_of:
        return [build(info, RELIEF, NOT_YET_ELIGIBLE, reasons, eligible_on=eligible_on,
                      route="mandatory")]
    reasons.append(_AUTOMATIC)
    return [build(info, RELIEF, DISMISS, reasons, eligible_on=eligible_on, route="mandatory")]
