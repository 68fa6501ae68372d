"""Proposition 47: PC 1170.18. A felony that would have been a misdemeanor under the Act (HS 11350,
11357, 11377; PC 459.5, 473, 476a, 490.2, 496, 666) is resentenced (sentence still running,
1170.18(a)-(b), subject to the unreasonable-risk finding) or designated a misdemeanor (completed,
1170.18(f)-(g), "shall"). A prior superstrike or PC 290 registration disqualifies (1170.18(i)).
Value-dependent offenses need the value ($950 or less); an unknown value is asked.
"""

from __future__ import annotations

import datetime as dt

from ..facts import UNKNOWN_END
from ..results import Determination, Reason, Relief, new_reason
from . import FELONY, MISDEMEANOR, NOT_ELIGIBLE, REDUCE, Ctx, build, priors_text, review

EFFECTIVE = dt.date(2014, 11, 5)  # the day after the 2014-11-04 election
DEADLINE = dt.date(2022, 11, 4)
THRESHOLD = 950
RELIEF = Relief.PROP47

# The reasons that never change, built once.
_RESENTENCING = Reason("Sentence still being served: recall and resentencing, unless the court finds an "
                       "unreasonable risk of a new superstrike", "PC 1170.18(b), (c)")
_REDESIGNATION = Reason("Sentence completed: the court shall designate the felony a misdemeanor", "PC 1170.18(f), (g)")
_AFTER_DEADLINE = Reason(f"Filed after {DEADLINE.isoformat()}, the application needs a showing of good cause",
                         "PC 1170.18(j)")
_FIREARM = Reason("The firearm prohibition remains after redesignation", "PC 1170.18(k)")


def evaluate(info, ctx: Ctx) -> list[Determination]:
    if info.conviction_level != FELONY:
        return []
    hit = ctx.lists.prop47.match(info.section, False)
    if hit is None or (info.conviction_date is not None and info.conviction_date >= EFFECTIVE):
        return []  # convicted after the Act took effect: its penalties already applied
    relief = RELIEF
    done = info.relief_done("1170.18") if info.relief_statutes else ""
    if done or info.level != FELONY:
        return [build(info, relief, NOT_ELIGIBLE, [Reason(
            f"Already a {info.level.value}" + (f" ({done})" if done else ""), "PC 1170.18(k)")])]
    facts = ctx.facts
    if facts.registrant:
        return [build(info, relief, NOT_ELIGIBLE, [Reason(
            f"The person is required to register under PC 290 ({facts.registrant_basis})",
            "PC 1170.18(i)")])]
    # Every superstrike on the record counts, even one dated after the as-of date (a historical
    # evaluation, or a date typo): granting past a disqualifier the record shows is the costly mistake.
    priors = facts.superstrikes
    certain = [p for p in priors if p.certain]
    if certain:
        return [build(info, relief, NOT_ELIGIBLE, [Reason(
            f"Prior superstrike conviction: {priors_text(certain)}", "PC 1170.18(i); PC 667(e)(2)(C)(iv)")])]
    if priors:
        return [review(info, relief, "priors_unverified",
                       f"Is {priors_text(priors)} a superstrike under PC 667(e)(2)(C)(iv)?",
                       [Reason("A superstrike prior disqualifies", "PC 1170.18(i)")])]
    reasons = [new_reason(f"{info.code_section_text} is an offense the Act made a misdemeanor ({hit.entry})",
                          "PC 1170.18(a)")]
    if not hit.certain:
        return [review(info, relief, "unverified_rule",
                       f"Does {info.code_section_text} qualify under Prop 47 ({hit.entry.source})? [U]", reasons)]
    if hit.entry.extra.get("value_dependent"):
        value = info.count.value_dollars
        if value is None:
            return [review(info, relief, "value_unknown",
                           f"What was the value of the property? {info.code_section_text} qualifies only at "
                           f"${THRESHOLD} or less.", reasons)]
        if value > THRESHOLD:
            return [build(info, relief, NOT_ELIGIBLE, [*reasons, Reason(
                f"Value ${value:,} is above ${THRESHOLD}", "PC 1170.18(a); PC 490.2")])]
        reasons.append(Reason(f"Value ${value:,} is ${THRESHOLD} or less", "PC 1170.18(a)"))
    facts_question = hit.entry.extra.get("facts")
    if facts_question and "COMMERCIAL" not in f"{info.count.description} {info.count.charge_text}".upper():
        return [review(info, relief, "other", facts_question, reasons)]
    if not info.sentence_known or info.completion == UNKNOWN_END:
        return [review(info, relief, "sentence_unknown",
                       "Is the sentence still being served (resentencing) or completed (redesignation)?",
                       reasons)]
    if info.completion > ctx.as_of:
        track, route = "resentencing", "discretionary"
        reasons.append(_RESENTENCING)
    else:
        track, route = "redesignation", "mandatory"
        reasons.append(_REDESIGNATION)
    if ctx.as_of > DEADLINE:
        reasons.append(_AFTER_DEADLINE)
    reasons.append(_FIREARM)
    return [build(info, relief, REDUCE, reasons, reduce_to=MISDEMEANOR,
                  eligible_on=info.conviction_date, route=route, track=track)]
