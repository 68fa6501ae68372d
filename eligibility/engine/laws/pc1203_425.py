"""PC 1203.425: automatic conviction relief by DOJ, monthly, without a petition.

Three patterns, after the person-level bars (sex-offender registrant; supervision, a sentence being
served or a pending charge anywhere): probation completed without revocation; a misdemeanor or
infraction without probation, completed, a calendar year after judgment; a felony with every term
completed and four years without a new felony (SB 731 / AB 168 clause), which excludes serious
(1192.7(c)), violent (667.5(c)) and registrable felonies. The serious/violent exclusion sits only in
the felony clause. Subclause numbers differ between versions of the section [U], so reasons cite
the section, not a subclause. "dismiss" here means DOJ should grant (or already granted) the relief.
"""

from __future__ import annotations

import datetime as dt

from ..facts import UNKNOWN_END, CountInfo, burglary_degree
from ..record import add_years
from ..results import Determination, Question, Reason, Relief, new_reason
from . import (
    DISMISS,
    FELONY,
    INFRACTION,
    MISDEMEANOR,
    NOT_ELIGIBLE,
    NOT_YET_ELIGIBLE,
    Ctx,
    ask,
    build,
    fmt,
    review,
    status_gate,
)

EARLIEST = dt.date(1973, 1, 1)
OPERATIVE = dt.date(2022, 7, 1)
FELONY_CLAUSE_START = dt.date(2024, 10, 1)
CITE = "PC 1203.425(a)"
RELIEF = Relief.PC1203_425

# The reasons and questions that never change are built once: this law reads every conviction.
_ASK_DATE = (Question("other", "When was the conviction?"),)
_NO_DATE = (Reason("Only convictions on or after 1973-01-01 qualify", CITE),)
_BEFORE_1973 = (Reason("Convicted before 1973-01-01", CITE),)
_ASK_SENTENCE = (Question("sentence_unknown", "What was the sentence, and when was it completed?"),)
_NO_SENTENCE = (Reason("Relief depends on the sentence and its completion", CITE),)
_REVOKED_MISDEMEANOR = (Reason("Probation was revoked on a misdemeanor: neither the probation clause nor the "
                               "no-probation misdemeanor clause applies", CITE),)
_ASK_LEVEL = (Question("level_unknown", "Was this count a felony, a misdemeanor or an infraction?"),)
_NO_LEVEL = (Reason("The applicable clause depends on the level", CITE),)
_PENDING = Reason("DOJ's record shows a pending criminal charge", CITE)
_SERVING = Reason("No relief while serving a sentence or under supervision", CITE)
_FELONY_CLAUSE_OPERATES = Reason(f"The felony clause operates from {FELONY_CLAUSE_START.isoformat()}",
                                 f"{CITE} (AB 168)")
_AUTOMATIC = Reason("DOJ grants this relief automatically each month; look for a 'relief granted' note "
                    "before filing, and use CR-180 if it did not occur", "PC 1203.425(a)")


def _serious_or_violent(info: CountInfo, ctx: Ctx) -> Determination | None:
    lists = ctx.lists
    for lst, label, cite in ((lists.serious, "serious", "PC 1192.7(c)"),
                             (lists.violent, "violent", "PC 667.5(c)")):
        hit = lst.match(info.section, info.attempted)
        if hit is None:
            continue
        if hit.doubt == "element" and info.section.section == "459":
            degree = burglary_degree(info)
            if degree == "second":
                continue
            if degree == "first":
                return build(info, RELIEF, NOT_ELIGIBLE, [Reason(
                    f"First-degree burglary is a {label} felony, excluded from the felony clause",
                    f"{CITE}; {cite}")])
            return review(info, RELIEF, "other", f"Was {info.code_section_text} first-degree (residential) burglary? "
                          "A first-degree burglary is a serious felony.",
                          [Reason("Serious felonies are excluded from the felony clause", f"{CITE}; {cite}")])
        if hit.certain:
            return build(info, RELIEF, NOT_ELIGIBLE, [Reason(
                f"{info.code_section_text}{' (attempted)' if info.attempted else ''} is a {label} felony "
                f"({hit.entry}), excluded from the felony clause", f"{CITE}; {cite}")])
        code = {"unverified": "unverified_rule"}.get(hit.doubt, "other")
        return review(info, RELIEF, code,
                      f"Is {info.code_section_text} a {label} felony under {cite} ({hit.entry}"
                      f"{': ' + hit.entry.element if hit.entry.element else ''})?"
                      + (" [U]" if hit.doubt == "unverified" else ""),
                      [Reason(f"{label.capitalize()} felonies are excluded from the felony clause",
                              f"{CITE}; {cite}")])
    return None


def _felony_clause(info: CountInfo, ctx: Ctx, reasons) -> tuple[Determination | None, dt.date | None]:
    found = _serious_or_violent(info, ctx)
    if found:
        return found, None
    completion = info.completion
    window = add_years(completion, 4)
    # PersonFacts.convictions_after(completion, felony_only=True), inlined with the window's end.
    key, last = info.key, min(window, ctx.as_of)
    later = [c for c in ctx.facts.convictions
             if c.conviction_level == FELONY and c.key is not key and c.conviction_date is not None
             and completion < c.conviction_date <= last]
    if later:
        return build(info, RELIEF, NOT_ELIGIBLE, [*reasons, new_reason(
            f"A new felony conviction ({later[0].code_section_text}, {fmt(later[0].conviction_date)}) within "
            "four years of completing the sentence", CITE)]), None
    reasons.append(new_reason(f"Felony: every term completed on {fmt(completion)}; four years without a new "
                              f"felony conviction ends {fmt(window)}", CITE))
    if window < FELONY_CLAUSE_START:
        reasons.append(_FELONY_CLAUSE_OPERATES)
    return None, max(window, FELONY_CLAUSE_START)


def evaluate(info: CountInfo, ctx: Ctx) -> list[Determination]:
    if info.conviction_date is None:
        return [ask(info, RELIEF, _ASK_DATE, _NO_DATE)]
    if info.conviction_date < EARLIEST:
        return [build(info, RELIEF, NOT_ELIGIBLE, _BEFORE_1973)]
    done = info.relief_done("1203.425") if info.relief_statutes else ""  # nearly always none: skip the call
    if done:
        return [build(info, RELIEF, NOT_ELIGIBLE, [Reason(
            f"DOJ already noted 'relief granted' ({done})", CITE)])]
    facts = ctx.facts
    if facts.registrant:
        return [build(info, RELIEF, NOT_ELIGIBLE, [Reason(
            f"The person is required to register as a sex offender ({facts.registrant_basis})", CITE)])]
    completion = info.completion
    if not info.sentence_known or completion == UNKNOWN_END:
        return [ask(info, RELIEF, _ASK_SENTENCE, _NO_SENTENCE)]
    reasons: list[Reason]
    level = info.level
    if info.probation and not info.revoked:
        eligible_on = max(completion, OPERATIVE)
        reasons = [new_reason(f"Probation completed without revocation on {fmt(completion)}", CITE)]
    elif info.probation and level != FELONY:
        return [build(info, RELIEF, NOT_ELIGIBLE, _REVOKED_MISDEMEANOR)]
    elif level in (MISDEMEANOR, INFRACTION):
        year = add_years(info.judgment_date, 1)
        eligible_on = max(year, completion, OPERATIVE)
        reasons = [new_reason(f"{level._value_.capitalize()} without probation: sentence completed and one "
                              f"calendar year after judgment ({fmt(year)})", CITE)]
    elif level == FELONY:
        reasons = []
        found, eligible_on = _felony_clause(info, ctx, reasons)
        if found:
            return [found]
    else:
        return [ask(info, RELIEF, _ASK_LEVEL, _NO_LEVEL)]
    if facts.pending:
        return [build(info, RELIEF, NOT_YET_ELIGIBLE, [*reasons, _PENDING], route="mandatory")]
    if facts.serving:  # a sentence still runs somewhere (most people have none: no gate to look at)
        gate = status_gate(info, ctx)
        if gate.unknown:
            return [review(info, RELIEF, "sentence_unknown",
                           f"Is the sentence in {', '.join(gate.unknown)} still being served?",
                           [*reasons, _SERVING])]
        if gate.running:
            until = max(eligible_on, gate.blocked_until)
            return [build(info, RELIEF, NOT_YET_ELIGIBLE, [*reasons, new_reason(
                f"Serving a sentence or under supervision in {', '.join(gate.running)} until "
                f"{fmt(gate.blocked_until)}", CITE)], eligible_on=until, route="mandatory")]
    if eligible_on > ctx.as_of:
        return [build(info, RELIEF, NOT_YET_ELIGIBLE, [*reasons, new_reason(
            f"Not eligible until {fmt(eligible_on)}", CITE)], eligible_on=eligible_on, route="mandatory")]
    reasons.append(_AUTOMATIC)
    return [build(info, RELIEF, DISMISS, reasons, eligible_on=eligible_on, route="mandatory")]
