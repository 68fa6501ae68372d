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
from ..results import Determination, Reason, Relief
from . import (
    DISMISS,
    FELONY,
    INFRACTION,
    MISDEMEANOR,
    NOT_ELIGIBLE,
    NOT_YET_ELIGIBLE,
    Ctx,
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


def _serious_or_violent(info: CountInfo, ctx: Ctx) -> Determination | None:
    degree = burglary_degree(info)
    for lst, label, cite in ((ctx.lists.serious, "serious", "PC 1192.7(c)"),
                             (ctx.lists.violent, "violent", "PC 667.5(c)")):
        hit = lst.match(info.section, info.attempted)
        if hit is None:
            continue
        if hit.doubt == "element" and info.section.section == "459":
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
    later = [c for c in ctx.facts.convictions_after(completion, exclude=info.key, felony_only=True)
             if c.conviction_date <= window]
    if later:
        return build(info, RELIEF, NOT_ELIGIBLE, [*reasons, Reason(
            f"A new felony conviction ({later[0].code_section_text}, {fmt(later[0].conviction_date)}) within "
            "four years of completing the sentence", CITE)]), None
    reasons.append(Reason(f"Felony: every term completed on {fmt(completion)}; four years without a new "
                          f"felony conviction ends {fmt(window)}", CITE))
    if window < FELONY_CLAUSE_START:
        reasons.append(Reason(f"The felony clause operates from {FELONY_CLAUSE_START.isoformat()}",
                              f"{CITE} (AB 168)"))
    return None, max(window, FELONY_CLAUSE_START)


def evaluate(info: CountInfo, ctx: Ctx) -> list[Determination]:
    if info.conviction_date is None:
        return [review(info, RELIEF, "other", "When was the conviction?", [Reason(
            "Only convictions on or after 1973-01-01 qualify", CITE)])]
    if info.conviction_date < EARLIEST:
        return [build(info, RELIEF, NOT_ELIGIBLE, [Reason(
            "Convicted before 1973-01-01", CITE)])]
    done = info.relief_done("1203.425")
    if done:
        return [build(info, RELIEF, NOT_ELIGIBLE, [Reason(
            f"DOJ already noted 'relief granted' ({done})", CITE)])]
    facts = ctx.facts
    if facts.registrant:
        return [build(info, RELIEF, NOT_ELIGIBLE, [Reason(
            f"The person is required to register as a sex offender ({facts.registrant_basis})", CITE)])]
    if not info.sentence_known or info.completion == UNKNOWN_END:
        return [review(info, RELIEF, "sentence_unknown", "What was the sentence, and when was it completed?",
                       [Reason("Relief depends on the sentence and its completion", CITE)])]
    reasons: list[Reason] = []
    level = info.level
    if info.probation and not info.revoked:
        eligible_on = max(info.completion, OPERATIVE)
        reasons.append(Reason(f"Probation completed without revocation on {fmt(info.completion)}", CITE))
    elif info.probation and level != FELONY:
        return [build(info, RELIEF, NOT_ELIGIBLE, [Reason(
            "Probation was revoked on a misdemeanor: neither the probation clause nor the no-probation "
            "misdemeanor clause applies", CITE)])]
    elif level in (MISDEMEANOR, INFRACTION):
        year = add_years(info.judgment_date, 1)
        eligible_on = max(year, info.completion, OPERATIVE)
        reasons.append(Reason(f"{level.value.capitalize()} without probation: sentence completed and one "
                              f"calendar year after judgment ({fmt(year)})", CITE))
    elif level == FELONY:
        found, eligible_on = _felony_clause(info, ctx, reasons)
        if found:
            return [found]
    else:
        return [review(info, RELIEF, "level_unknown", "Was this count a felony, a misdemeanor or an infraction?",
                       [Reason("The applicable clause depends on the level", CITE)])]
    if facts.pending_case:
        return [build(info, RELIEF, NOT_YET_ELIGIBLE, [*reasons, Reason(
            "DOJ's record shows a pending criminal charge", CITE)], route="mandatory")]
    gate = status_gate(info, ctx)
    if gate.unknown:
        return [review(info, RELIEF, "sentence_unknown",
                       f"Is the sentence in {', '.join(gate.unknown)} still being served?",
                       [*reasons, Reason("No relief while serving a sentence or under supervision", CITE)])]
    if gate.running:
        until = max(eligible_on, gate.blocked_until)
        return [build(info, RELIEF, NOT_YET_ELIGIBLE, [*reasons, Reason(
            f"Serving a sentence or under supervision in {', '.join(gate.running)} until "
            f"{fmt(gate.blocked_until)}", CITE)], eligible_on=until, route="mandatory")]
    if eligible_on > ctx.as_of:
        return [build(info, RELIEF, NOT_YET_ELIGIBLE, [*reasons, Reason(
            f"Not eligible until {fmt(eligible_on)}", CITE)], eligible_on=eligible_on, route="mandatory")]
    reasons.append(Reason("DOJ grants this relief automatically each month; look for a 'relief granted' note "
                          "before filing, and use CR-180 if it did not occur", "PC 1203.425(a)"))
    return [build(info, RELIEF, DISMISS, reasons, eligible_on=eligible_on, route="mandatory")]
