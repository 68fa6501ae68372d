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
    status_gate,
)

REALIGNMENT = dt.date(2011, 10, 1)
# Bound once: see the enum note in laws/__init__.py.
PC1203_4, PC1203_4A, PC1203_41, PC1203_42 = Relief.PC1203_4, Relief.PC1203_4A, Relief.PC1203_41, Relief.PC1203_42

# The reasons and questions that never change are built once: these laws read every conviction.
_INFRACTION = (Reason("PC 1203.4 does not apply to an infraction", "PC 1203.4(b)"),)
_ASK_PROBATION_TERM = (Question("sentence_unknown",
                                "How long was the probation term? Its end decides when PC 1203.4 applies."),)
_NO_PROBATION_TERM = (Reason("Relief follows the termination of the period of probation", "PC 1203.4(a)(1)"),)
_REVOKED = Reason("Probation was revoked, so it was not fulfilled for the entire period; dismissal is in the "
                  "interest of justice", "PC 1203.4(a)(1)")
_NOT_SERVING = Reason("Not serving a sentence, on probation or charged with any offense", "PC 1203.4(a)(1)")
_ASK_JUDGMENT = (Question("other", "When was judgment pronounced?"),)
_NO_JUDGMENT = (Reason("The one-year wait runs from the pronouncement of judgment", "PC 1203.4a(a)"),)
_ASK_COMPLETED = (Question("sentence_unknown", "Was the sentence completed, and when?"),)
_NOT_COMPLETED = (Reason("The sentence must be fully complied with", "PC 1203.4a(a)"),)
_COMPLETED = Reason("Sentence completed; not serving a sentence or under charge of any crime", "PC 1203.4a(a)")
_ASK_COMPLETION = (Question("sentence_unknown", "When was the whole sentence (custody and supervision) completed?"),)
_NO_COMPLETION = {relief: (Reason("The wait runs from completion of the sentence", cite),)
                  for relief, cite in ((PC1203_41, "PC 1203.41(a)"), (PC1203_42, "PC 1203.42(a)"))}
_DISCRETION = Reason("Relief is in the interest of justice, at the court's discretion", "PC 1203.41(a)")
_ASK_SENTENCE = (Question("sentence_unknown", "What was the sentence (probation, jail, prison)? It decides which of "
                          "PC 1203.4, 1203.4a or 1203.41 applies."),)
_NO_SENTENCE = (Reason("The dismissal statute depends on whether probation was granted",
                       "PC 1203.4(a); PC 1203.4a(a); PC 1203.41(a)"),)
_ASK_REVOKED = (Question("unverified_rule", "Probation on this misdemeanor was revoked: does PC 1203.4a ('not "
                         "granted probation') also apply? [U]"),)
_NOT_GRANTED = (Reason("PC 1203.4a speaks of a defendant not granted probation", "PC 1203.4a(a)"),)
_ASK_LEVEL = (Question("level_unknown", "Was this count a felony, a misdemeanor or an infraction?"),)
_NO_LEVEL = (Reason("Without probation, the statute depends on the level", "PC 1203.4a(a); PC 1203.41(a)"),)
_ASK_FELONY_SENTENCE = (Question("sentence_unknown", "A felony without probation, prison or 1170(h) jail on the "
                                 "record: what was the sentence?"),)
_FELONY_SENTENCE = (Reason("PC 1203.41 covers felony county jail under 1170(h) and state prison", "PC 1203.41(a)"),)


def _already(info: CountInfo, relief: Relief) -> Determination | None:
    # Nearly every count has no relief, seal or dismissal on the record: skip the statute search.
    if not (info.relief_statutes or info.sealed or info.dismissed_after_conviction):
        return None
    done = info.relief_done("1203.4", "1203.41", "1203.42", "1203.425", "SET_ASIDE")
    if done or info.sealed or info.dismissed_after_conviction:
        what = done or ("sealed" if info.sealed else "dismissed")
        return build(info, relief, NOT_ELIGIBLE, [Reason(
            f"The conviction is already set aside or dismissed ({what}); nothing left to dismiss",
            f"{relief.value}(a)")])
    return None


def _exclusion(info: CountInfo, ctx: Ctx, relief: Relief) -> Determination | None:
    if relief is PC1203_4:
        if info.level == INFRACTION:
            return build(info, relief, NOT_ELIGIBLE, _INFRACTION)
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
    """For an attempted count (the callers check, to skip the call for the rest)."""
    lst = ctx.lists.pc1203_4b if relief is PC1203_4 else ctx.lists.pc1203_4a_d
    if lst.match(info.section, False, info.level) is not None:
        reasons.append(Reason(f"An attempt of {info.code_section_text} is not an excluded offense",
                              "People v. Marinelli (2014) 225 Cal.App.4th 1; People v. Lewis (2006) "
                              "146 Cal.App.4th 294"))


def _gates(info: CountInfo, ctx: Ctx, relief: Relief, own_date: dt.date, cite: str, reasons,
           route: str, probation_elsewhere_unclear: bool = False) -> Determination | None:
    """Pending cases and sentences running elsewhere; None when nothing blocks."""
    if ctx.facts.pending:
        cases = ", ".join(p[1] for p in ctx.facts.pending)
        return build(info, relief, NOT_YET_ELIGIBLE, [*reasons, Reason(
            f"The person is charged with an offense in a pending case ({cases})", cite)], route=route)
    if not ctx.facts.serving:  # no sentence runs anywhere, as for most people: no gate to look at
        return None
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
    if info.attempted:
        _attempt_note(info, ctx, relief, reasons)
    if info.probation_end is None or info.completion == UNKNOWN_END:
        return ask(info, relief, _ASK_PROBATION_TERM, _NO_PROBATION_TERM)
    route = "mandatory"
    if info.revoked:
        route = "discretionary"
        reasons.append(_REVOKED)
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
        return build(info, relief, NOT_YET_ELIGIBLE, [*reasons, new_reason(
            f"Probation in this case runs until {fmt(end)}; early termination under PC 1203.3 is possible",
            "PC 1203.4(a)(1)")], eligible_on=end, route=route)
    blocked = _gates(info, ctx, relief, end, "PC 1203.4(a)(1)", reasons, route)
    if blocked:
        return blocked
    if route == "mandatory":
        reasons.append(new_reason(f"Probation ended on {fmt(end)} and was fulfilled for the entire period",
                                  "PC 1203.4(a)(1)"))
    reasons.append(_NOT_SERVING)
    return build(info, relief, DISMISS, reasons, eligible_on=end, route=route)


def _pc1203_4a(info: CountInfo, ctx: Ctx) -> Determination:
    relief = PC1203_4A
    found = _exclusion(info, ctx, relief) or _already(info, relief)
    if found:
        return found
    reasons: list[Reason] = []
    if info.attempted:
        _attempt_note(info, ctx, relief, reasons)
    judgment = info.judgment_date
    if judgment is None:
        return ask(info, relief, _ASK_JUDGMENT, _NO_JUDGMENT)
    if info.completion is None or info.completion == UNKNOWN_END:
        return ask(info, relief, _ASK_COMPLETED, _NOT_COMPLETED)
    year = add_years(judgment, 1)
    eligible_on = max(year, info.completion)
    reasons.append(new_reason(f"One year from judgment on {fmt(judgment)} is {fmt(year)} (anniversary "
                              "convention)", "PC 1203.4a(a)"))
    later = ctx.facts.convictions_after(judgment, info.key)
    route = "discretionary" if later else "mandatory"
    if later:
        reasons.append(new_reason(
            "A later conviction (" + ", ".join(f"{c.code_section_text} {fmt(c.conviction_date)}"
                                               for c in later[:3])
            + ") means the 'honest and upright life' finding cannot be assumed: discretionary route",
            "PC 1203.4a(b)"))
    if eligible_on > ctx.as_of:
        return build(info, relief, NOT_YET_ELIGIBLE, [*reasons, new_reason(
            f"Not eligible until {fmt(eligible_on)}", "PC 1203.4a(a)")], eligible_on=eligible_on, route=route)
    blocked = _gates(info, ctx, relief, eligible_on, "PC 1203.4a(a)", reasons, route,
                     probation_elsewhere_unclear=True)
    if blocked:
        return blocked
    reasons.append(_COMPLETED)
    return build(info, relief, DISMISS, reasons, eligible_on=eligible_on, route=route)


def _pc1203_41(info: CountInfo, ctx: Ctx, relief: Relief = PC1203_41) -> Determination:
    cite = "PC 1203.41(a)" if relief is PC1203_41 else "PC 1203.42(a)"
    found = _already(info, relief)
    if found:
        return found
    reasons: list[Reason] = []
    if relief is PC1203_41 and info.prison and ctx.facts.registrant:
        return review(info, relief, "other",
                      f"Did this conviction itself require PC 290 registration? The person is a registrant "
                      f"({ctx.facts.registrant_basis}); a state prison felony qualifies only if it did not.",
                      [Reason("A state prison felony qualifies only if it did not require registration",
                              "PC 1203.41(a)(6)")])
    if info.completion is None or info.completion == UNKNOWN_END:
        return ask(info, relief, _ASK_COMPLETION, _NO_COMPLETION[relief])
    years = 1 if info.split_sentence and relief is PC1203_41 else 2
    kind = ("a split sentence under PC 1170(h)(5)(B)" if years == 1 else
            "state prison" if info.prison else "county jail under PC 1170(h)(5)(A)")
    eligible_on = add_years(info.completion, years)
    reasons.append(new_reason(f"Sentence ({kind}) completed on {fmt(info.completion)}; {years} year(s) later is "
                              f"{fmt(eligible_on)}", f"{cite}(2)" if relief is PC1203_41 else cite))
    if eligible_on > ctx.as_of:
        return build(info, relief, NOT_YET_ELIGIBLE, reasons, eligible_on=eligible_on,
                     route="discretionary")
    blocked = _gates(info, ctx, relief, eligible_on, cite, reasons, "discretionary")
    if blocked:
        return blocked
    if relief is PC1203_42:
        return review(info, relief, "unverified_rule",
                      "Was the offense one now punishable under PC 1170(h), and does the 2011-10-01 "
                      "realignment date apply? [U]", [*reasons, Reason(
                          "PC 1203.42 covers a pre-realignment prison term for an 1170(h)-eligible crime",
                          cite)], eligible_on=eligible_on, route="discretionary")
    reasons.append(_DISCRETION)  # cite is PC 1203.41(a) here: 1203.42 went to review above
    return build(info, relief, DISMISS, reasons, eligible_on=eligible_on, route="discretionary")


def evaluate(info: CountInfo, ctx: Ctx) -> list[Determination]:
    level = info.level
    if not info.sentence_known:
        return [ask(info, PC1203_4, _ASK_SENTENCE, _NO_SENTENCE)]
    if info.probation:
        out = [_pc1203_4(info, ctx)]
        if info.revoked and level == MISDEMEANOR:
            out.append(ask(info, PC1203_4A, _ASK_REVOKED, _NOT_GRANTED))
        return out
    if level in (MISDEMEANOR, INFRACTION):
        return [_pc1203_4a(info, ctx)]
    if level == UNKNOWN_LEVEL:
        return [ask(info, PC1203_4A, _ASK_LEVEL, _NO_LEVEL)]
    if info.prison or info.county_jail_1170h:
        out = [_pc1203_41(info, ctx)]
        if info.prison and info.judgment_date and info.judgment_date < REALIGNMENT:
            out.append(_pc1203_41(info, ctx, PC1203_42))
        return out
    return [ask(info, PC1203_41, _ASK_FELONY_SENTENCE, _FELONY_SENTENCE)]
