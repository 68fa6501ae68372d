"""The dismissal family: PC 1203.4 (probation granted), 1203.4a (misdemeanor or infraction without
probation), 1203.41 (felony county jail under 1170(h) or state prison) and 1203.42 (pre-realignment
prison for an 1170(h)-eligible crime).

Which statute a count uses follows its sentence in force. Status gates apply across every case on
the record, in every county (1203.4(a)(1): "on probation for any offense ... or charged with the
commission of any offense"). ``eligible_on`` is the count's own earliest date (end of probation,
one-year anniversary, completion plus the wait); the gates are checked at the as-of date, and when
another case blocks, ``eligible_on`` moves to the end of that case's sentence.

1203.4a's "one year from the date of pronouncement of judgment" uses the anniversary convention:
judgment 2025-06-10 -> eligible 2026-06-10 (spec 1.6; a strict CCP 12 reading would add a day).
"""

from __future__ import annotations

import datetime as dt

from ..facts import UNKNOWN_END, CountInfo
from ..record import add_years
from ..results import Determination, Reason, Relief
from . import (
    DISMISS,
    INFRACTION,
    MISDEMEANOR,
    NOT_ELIGIBLE,
    NOT_YET_ELIGIBLE,
    UNKNOWN_LEVEL,
    Ctx,
    build,
    fmt,
    review,
    status_gate,
)

REALIGNMENT = dt.date(2011, 10, 1)
# Bound once: see the enum note in laws/__init__.py.
PC1203_4, PC1203_4A, PC1203_41, PC1203_42 = Relief.PC1203_4, Relief.PC1203_4A, Relief.PC1203_41, Relief.PC1203_42


def _already(info: CountInfo, relief: Relief) -> Determination | None:
    done = info.relief_done("1203.4", "1203.41", "1203.42", "1203.425", "SET_ASIDE")
    if done or info.sealed or info.dismissed_after_conviction:
        what = done or ("sealed" if info.sealed else "dismissed")
        return build(info, relief, NOT_ELIGIBLE, [Reason(
            f"The conviction is already set aside or dismissed ({what}); nothing left to dismiss",
            f"{relief.value}(a)")])
    return None


def _exclusion(info: CountInfo, ctx: Ctx, relief: Relief) -> Determination | None:
    if relief == PC1203_4:
        if info.level == INFRACTION:
            return build(info, relief, NOT_ELIGIBLE, [Reason(
                "PC 1203.4 does not apply to an infraction", "PC 1203.4(b)")])
        lst, cite = ctx.lists.pc1203_4b, "PC 1203.4(b)"
    else:
        lst, cite = ctx.lists.pc1203_4a_d, "PC 1203.4a(d)"
    hit = lst.match(info.section, False, info.level)
    if hit is None:
        return None
    if info.attempted:
        return None  # attempts are not excluded; the caller adds the reason
    if hit.certain:
        return build(info, relief, NOT_ELIGIBLE, [Reason(
            f"{info.code_section_text} is excluded ({hit.entry} {hit.entry.level or ''})".replace(" )", ")"), cite)])
    question = {
        "level": ("level_unknown", f"Was {info.code_section_text} a felony or a misdemeanor? The {cite} exclusion of "
                  f"{hit.entry} depends on the level."),
        "subdivision": ("other", f"Which subdivision of {info.code_section_text}? {hit.entry} is excluded by {cite}."),
    }.get(hit.doubt, ("unverified_rule", f"Confirm whether {info.code_section_text} is excluded by {cite}."))
    return review(info, relief, question[0], question[1],
                  [Reason(f"{info.code_section_text} may fall within the exclusion of {hit.entry}", cite)])


def _attempt_note(info: CountInfo, ctx: Ctx, relief: Relief, reasons) -> None:
    lst = ctx.lists.pc1203_4b if relief == PC1203_4 else ctx.lists.pc1203_4a_d
    if info.attempted and lst.match(info.section, False, info.level) is not None:
        reasons.append(Reason(f"An attempt of {info.code_section_text} is not an excluded offense",
                              "People v. Marinelli (2014) 225 Cal.App.4th 1; People v. Lewis (2006) "
                              "146 Cal.App.4th 294"))


def _gates(info: CountInfo, ctx: Ctx, relief: Relief, own_date: dt.date, cite: str, reasons,
           route: str, probation_elsewhere_unclear: bool = False) -> Determination | None:
    """Pending cases and sentences running elsewhere; None when nothing blocks."""
    if ctx.facts.pending_case:
        cases = ", ".join(p[1] for p in ctx.facts.pending)
        return build(info, relief, NOT_YET_ELIGIBLE, [*reasons, Reason(
            f"The person is charged with an offense in a pending case ({cases})", cite)], route=route)
    gate = status_gate(info, ctx)
    if gate.unknown:
        return review(info, relief, "sentence_unknown",
                      f"Is the sentence in {', '.join(gate.unknown)} still being served? Its length is "
                      "not on the record.", [*reasons, Reason(
                          "Relief is barred while any sentence is being served", cite)], route=route)
    if gate.running:
        if probation_elsewhere_unclear and all(c.probation for c in ctx.facts.running(exclude=info.key)):
            return review(info, relief, "unverified_rule",
                          f"Does probation in {', '.join(gate.running)} count as 'serving a sentence' "
                          "for PC 1203.4a? [U]",
                          [*reasons, Reason("Probation in another case is running", cite)], route=route)
        until = max(own_date, gate.blocked_until)
        return build(info, relief, NOT_YET_ELIGIBLE, [*reasons, Reason(
            f"The person is still serving a sentence or on probation in {', '.join(gate.running)} "
            f"until {fmt(gate.blocked_until)}", cite)], eligible_on=until, route=route)
    return None


def _pc1203_4(info: CountInfo, ctx: Ctx) -> Determination:
    relief = PC1203_4
    found = _exclusion(info, ctx, relief) or _already(info, relief)
    if found:
        return found
    reasons: list[Reason] = []
    _attempt_note(info, ctx, relief, reasons)
    if info.probation_end is None or info.completion == UNKNOWN_END:
        return review(info, relief, "sentence_unknown",
                      "How long was the probation term? Its end decides when PC 1203.4 applies.",
                      [Reason("Relief follows the termination of the period of probation", "PC 1203.4(a)(1)")])
    route = "mandatory"
    if info.revoked:
        route = "discretionary"
        reasons.append(Reason("Probation was revoked, so it was not fulfilled for the entire period; "
                              "dismissal is in the interest of justice", "PC 1203.4(a)(1)"))
    if info.section is not None and info.section.code == "VC":
        hit = ctx.lists.vc12810.match(info.section, info.attempted)
        route = "discretionary"
        if hit is not None and hit.certain:
            reasons.append(Reason(f"{info.code_section_text} is a VC 12810(a)-(e) offense: the discretionary "
                                  "route only", "PC 1203.4(c)(1)-(2)"))
        else:
            reasons.append(Reason(f"Vehicle Code offense {info.code_section_text}: the discretionary route is always "
                                  "open; the mandatory route only if it is not a VC 12810(a)-(e) offense "
                                  "(confirm)", "PC 1203.4(c)(1)-(2)"))
    end = max(info.probation_end, info.completion or info.probation_end)
    if end > ctx.as_of:
        return build(info, relief, NOT_YET_ELIGIBLE, [*reasons, Reason(
            f"Probation in this case runs until {fmt(end)}; early termination under PC 1203.3 is possible",
            "PC 1203.4(a)(1)")], eligible_on=end, route=route)
    blocked = _gates(info, ctx, relief, end, "PC 1203.4(a)(1)", reasons, route)
    if blocked:
        return blocked
    if route == "mandatory":
        reasons.append(Reason(f"Probation ended on {fmt(end)} and was fulfilled for the entire period",
                              "PC 1203.4(a)(1)"))
    reasons.append(Reason("Not serving a sentence, on probation or charged with any offense",
                          "PC 1203.4(a)(1)"))
    return build(info, relief, DISMISS, reasons, eligible_on=end, route=route)


def _pc1203_4a(info: CountInfo, ctx: Ctx) -> Determination:
    relief = PC1203_4A
    found = _exclusion(info, ctx, relief) or _already(info, relief)
    if found:
        return found
    reasons: list[Reason] = []
    _attempt_note(info, ctx, relief, reasons)
    judgment = info.judgment_date
    if judgment is None:
        return review(info, relief, "other", "When was judgment pronounced?", [Reason(
            "The one-year wait runs from the pronouncement of judgment", "PC 1203.4a(a)")])
    if info.completion is None or info.completion == UNKNOWN_END:
        return review(info, relief, "sentence_unknown", "Was the sentence completed, and when?", [Reason(
            "The sentence must be fully complied with", "PC 1203.4a(a)")])
    year = add_years(judgment, 1)
    eligible_on = max(year, info.completion)
    reasons.append(Reason(f"One year from judgment on {fmt(judgment)} is {fmt(year)} (anniversary "
                          "convention)", "PC 1203.4a(a)"))
    later = ctx.facts.convictions_after(judgment, exclude=info.key)
    route = "discretionary" if later else "mandatory"
    if later:
        reasons.append(Reason(
            "A later conviction (" + ", ".join(f"{c.code_section_text} {fmt(c.conviction_date)}"
                                               for c in later[:3])
            + ") means the 'honest and upright life' finding cannot be assumed: discretionary route",
            "PC 1203.4a(b)"))
    if eligible_on > ctx.as_of:
        return build(info, relief, NOT_YET_ELIGIBLE, [*reasons, Reason(
            f"Not eligible until {fmt(eligible_on)}", "PC 1203.4a(a)")], eligible_on=eligible_on, route=route)
    blocked = _gates(info, ctx, relief, eligible_on, "PC 1203.4a(a)", reasons, route,
                     probation_elsewhere_unclear=True)
    if blocked:
        return blocked
    reasons.append(Reason("Sentence completed; not serving a sentence or under charge of any crime",
                          "PC 1203.4a(a)"))
    return build(info, relief, DISMISS, reasons, eligible_on=eligible_on, route=route)


def _pc1203_41(info: CountInfo, ctx: Ctx, relief: Relief = PC1203_41) -> Determination:
    cite = "PC 1203.41(a)" if relief == PC1203_41 else "PC 1203.42(a)"
    found = _already(info, relief)
    if found:
        return found
    reasons: list[Reason] = []
    if relief == PC1203_41 and info.prison and ctx.facts.registrant:
        return review(info, relief, "other",
                      f"Did this conviction itself require PC 290 registration? The person is a registrant "
                      f"({ctx.facts.registrant_basis}); a state prison felony qualifies only if it did not.",
                      [Reason("A state prison felony qualifies only if it did not require registration",
                              "PC 1203.41(a)(6)")])
    if info.completion is None or info.completion == UNKNOWN_END:
        return review(info, relief, "sentence_unknown", "When was the whole sentence (custody and "
                      "supervision) completed?", [Reason("The wait runs from completion of the sentence",
                                                         cite)])
    years = 1 if info.split_sentence and relief == PC1203_41 else 2
    kind = ("a split sentence under PC 1170(h)(5)(B)" if years == 1 else
            "state prison" if info.prison else "county jail under PC 1170(h)(5)(A)")
    eligible_on = add_years(info.completion, years)
    reasons.append(Reason(f"Sentence ({kind}) completed on {fmt(info.completion)}; {years} year(s) later is "
                          f"{fmt(eligible_on)}", f"{cite}(2)" if relief == PC1203_41 else cite))
    if eligible_on > ctx.as_of:
        return build(info, relief, NOT_YET_ELIGIBLE, reasons, eligible_on=eligible_on,
                     route="discretionary")
    blocked = _gates(info, ctx, relief, eligible_on, cite, reasons, "discretionary")
    if blocked:
        return blocked
    if relief == PC1203_42:
        return review(info, relief, "unverified_rule",
                      "Was the offense one now punishable under PC 1170(h), and does the 2011-10-01 "
                      "realignment date apply? [U]", [*reasons, Reason(
                          "PC 1203.42 covers a pre-realignment prison term for an 1170(h)-eligible crime",
                          cite)], eligible_on=eligible_on, route="discretionary")
    reasons.append(Reason("Relief is in the interest of justice, at the court's discretion", cite))
    return build(info, relief, DISMISS, reasons, eligible_on=eligible_on, route="discretionary")


def evaluate(info: CountInfo, ctx: Ctx) -> list[Determination]:
    level = info.level
    if not info.sentence_known:
        return [review(info, PC1203_4, "sentence_unknown",
                       "What was the sentence (probation, jail, prison)? It decides which of PC 1203.4, "
                       "1203.4a or 1203.41 applies.",
                       [Reason("The dismissal statute depends on whether probation was granted",
                               "PC 1203.4(a); PC 1203.4a(a); PC 1203.41(a)")])]
    if info.probation:
        out = [_pc1203_4(info, ctx)]
        if info.revoked and level == MISDEMEANOR:
            out.append(review(info, PC1203_4A, "unverified_rule",
                              "Probation on this misdemeanor was revoked: does PC 1203.4a ('not granted "
                              "probation') also apply? [U]", [Reason(
                                  "PC 1203.4a speaks of a defendant not granted probation", "PC 1203.4a(a)")]))
        return out
    if level in (MISDEMEANOR, INFRACTION):
        return [_pc1203_4a(info, ctx)]
    if level == UNKNOWN_LEVEL:
        return [review(info, PC1203_4A, "level_unknown",
                       "Was this count a felony, a misdemeanor or an infraction?",
                       [Reason("Without probation, the statute depends on the level",
                               "PC 1203.4a(a); PC 1203.41(a)")])]
    if info.prison or info.county_jail_1170h:
        out = [_pc1203_41(info, ctx)]
        if info.prison and info.judgment_date and info.judgment_date < REALIGNMENT:
            out.append(_pc1203_41(info, ctx, PC1203_42))
        return out
    return [review(info, PC1203_41, "sentence_unknown",
                   "A felony without probation, prison or 1170(h) jail on the record: what was the sentence?",
                   [Reason("PC 1203.41 covers felony county jail under 1170(h) and state prison",
                           "PC 1203.41(a)")])]
