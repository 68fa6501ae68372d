"""Proposition 64: HS 11361.8 (petition/application) and HS 11361.9 (AB 1793 review).

The question for every cannabis count is what the conduct would be under current law
(HS 11361.8(a)): lawful -> dismiss and seal; a lesser offense -> reduce to it; the same -> not
eligible. Sections are read as written before 2016-11-09 (old subdivisions). Missing quantities,
plant counts and aggravating facts are resolved in the person's favour under the presumption of
HS 11361.8(b), and the reason says so; a missing age, level or ambiguous plea is asked, not assumed.

Track: a sentence still running at the as-of date is the resentencing track (11361.8(a)-(b));
a completed one is redesignation/dismissal (11361.8(e)-(f)).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from ..facts import UNKNOWN_END, CountInfo
from ..record import Level, add_years
from ..results import Determination, Question, Reason, Relief, new_reason
from . import (
    DISMISS,
    FELONY,
    INFRACTION,
    MISDEMEANOR,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    REDUCE,
    Ctx,
    build,
    fmt,
    priors_text,
    review,
)

EFFECTIVE = dt.date(2016, 11, 9)
CANNABIS_BASES = frozenset({("HS", "11357"), ("HS", "11358"), ("HS", "11359"), ("HS", "11360")})
PRESUMPTION = "HS 11361.8(b)"
RELIEF = Relief.PROP64
_RANK = {FELONY: 3, MISDEMEANOR: 2, INFRACTION: 1}


class _Result:
    """What current law makes of the conduct, before the office policy is applied."""

    __slots__ = ("outcome", "reduce_to", "reasons", "questions")

    def __init__(self, outcome, reasons, reduce_to=None, questions=()):
        self.outcome = outcome
        self.reduce_to = reduce_to
        self.reasons = list(reasons)
        self.questions = tuple(questions)


def _ask(code: str, text: str, reasons) -> _Result:
    return _Result(NEEDS_REVIEW, reasons, questions=(Question(code, text),))


def _lesser(info: CountInfo, target: Level, why: Reason, reasons) -> _Result:
    """Reduce to ``target`` when the conviction is graver; otherwise current law changes nothing."""
    rank = _RANK.get(info.level)
    if rank is None:
        return _ask("level_unknown", "Was this count a felony, a misdemeanor or an infraction?",
                    [*reasons, why])
    if rank > _RANK[target]:
        return _Result(REDUCE, [*reasons, why], reduce_to=target)
    return _Result(NOT_ELIGIBLE, [*reasons, why, Reason(
        f"The conviction is already a {info.level.value}, no more than current law provides",
        "HS 11361.8(a)")])


def _dismiss(why: Reason, reasons) -> _Result:
    return _Result(DISMISS, [*reasons, why])


def _carve_back(info: CountInfo, ctx: Ctx, cite_prior: str, cite_repeat: str, reasons) -> _Result | None:
    """The facts that keep 11358/11359/11360 a felony under current law; None when none apply."""
    facts = ctx.facts
    priors = facts.superstrikes_before(info.offense_date)
    certain = [p for p in priors if p.certain]
    if certain:
        return _Result(NOT_ELIGIBLE, [*reasons, Reason(
            f"A prior superstrike conviction ({priors_text(certain)}) still makes the offense "
            "punishable as a felony, so the person would not have been guilty of a lesser offense",
            f"{cite_prior}; PC 667(e)(2)(C)(iv); HS 11361.8(a)")])
    if priors:
        return _ask("priors_unverified",
                    f"Is the prior {priors_text(priors)} a superstrike under PC 667(e)(2)(C)(iv)? "
                    "The record does not show the subdivision or element that decides it.",
                    [*reasons, Reason("A possible superstrike prior would keep the offense a felony",
                                      cite_prior)])
    if facts.registrant:
        return _ask("priors_unverified",
                    f"The person is a sex-offender registrant ({facts.registrant_basis}). Did a prior "
                    "offense require registration under PC 290(c)? Registration on another basis "
                    "(e.g. PC 290.006) may not count [U].",
                    [*reasons, Reason("A prior offense requiring PC 290(c) registration keeps the "
                                      "offense a felony", cite_prior)])
    repeats = [c for c in facts.convictions
               if c.base == info.base and c.key is not info.key and c.conviction_date
               and info.offense_date and c.conviction_date < info.offense_date]
    if len(repeats) >= 2:
        listed = ", ".join(f"{c.code_section_text} ({fmt(c.conviction_date)})" for c in repeats)
        if ctx.confirmed("prop64.pre_prop64_priors_count"):
            return _Result(NOT_ELIGIBLE, [*reasons, Reason(
                f"Two or more prior convictions for the same offense ({listed}) keep it a felony "
                "(office confirmed that pre-Prop 64 priors count)", cite_repeat)])
        return _ask("unverified_rule",
                    f"Do the pre-Prop 64 priors {listed} count as the 'two or more prior convictions' "
                    f"of {cite_repeat}? [U]",
                    [*reasons, Reason("Two or more prior convictions may keep the offense a felony",
                                      cite_repeat)])
    reasons.append(_no_carve_back(cite_prior))
    return None


@lru_cache(maxsize=8)
def _no_carve_back(cite_prior: str) -> Reason:
    # One per section (three): built once each rather than for every count.
    return Reason("No prior superstrike, PC 290(c) registration or repeat conviction is on the record, and no "
                  "sale to a minor or other aggravating fact; assumed absent under the statutory presumption",
                  f"{cite_prior}; {PRESUMPTION}")


# The commonest findings, built once (a cannabis file repeats them on most counts).
_LAWFUL_28_5_GRAMS = Reason("Possession of not more than 28.5 grams of cannabis by a person 21 or over is now "
                            "lawful", "HS 11361.8(e); HS 11362.1")
_PLANTS_PRESUMED = Reason("Plant count not on the record; assumed not more than six plants under the statutory "
                          "presumption", PRESUMPTION)
_LAWFUL_SIX_PLANTS = Reason("Cultivating not more than six plants by a person 21 or over is now lawful",
                            "HS 11361.8(e); HS 11362.1; HS 11362.2")
_SALE_POSSESSION_MISDEMEANOR = Reason("Possession for sale by a person 18 or over is now a misdemeanor",
                                      "HS 11359(b)")
_SALE_UNLAWFUL = Reason("A sale is unlawful without a licence at any age, so the conviction is not dismissed as "
                        "lawful conduct", "HS 11362.1; HS 11360(a)(2)")
_SALE_MISDEMEANOR = Reason("Sale or transport by a person 18 or over is now a misdemeanor", "HS 11360(a)(2)")


def _hs11357(info: CountInfo, ctx: Ctx, age: int, reasons) -> _Result:
    sub = info.section.subsections[0] if info.section.subsections else ""
    grams = info.count.quantity_grams
    if sub == "":
        if grams is not None and grams > 28.5:
            sub = "c"
        else:
            sub = "b"
            reasons.append(Reason(
                "HS 11357 without a subdivision read as possession of not more than 28.5 grams "
                + ("(the quantity on the record)" if grams is not None
                   else "(quantity assumed under the statutory presumption)"),
                PRESUMPTION))
    if sub == "b":
        if age >= 21:
            return _dismiss(_LAWFUL_28_5_GRAMS, reasons)
        cite = "HS 11357(a)(2)" if age >= 18 else "HS 11357(a)(1)"
        return _lesser(info, INFRACTION, Reason(
            f"Possession of not more than 28.5 grams by a person aged {age} is now an infraction", cite),
            reasons)
    if sub == "a":
        if grams is None:
            reasons.append(Reason("Quantity of concentrated cannabis not on the record; assumed not more "
                                  "than 8 grams under the statutory presumption", PRESUMPTION))
        small = grams is None or grams <= 8
        if age < 18:
            return _lesser(info, INFRACTION, Reason(
                "Possession of concentrated cannabis by a person under 18 is now an infraction",
                "HS 11357(a)(1)"), reasons)
        if small and age >= 21:
            return _dismiss(Reason("Possession of not more than 8 grams of concentrated cannabis by a "
                                   "person 21 or over is now lawful", "HS 11361.8(e); HS 11362.1"), reasons)
        if small:
            return _lesser(info, INFRACTION, Reason(
                f"Possession of not more than 8 grams of concentrated cannabis at age {age} is now an "
                "infraction", "HS 11357(a)(2)"), reasons)
        return _lesser(info, MISDEMEANOR, Reason(
            f"Possession of more than 8 grams ({grams:g} g) of concentrated cannabis is now a "
            "misdemeanor", "HS 11357(b)(2)"), reasons)
    if sub == "c":
        if age < 18:
            return _lesser(info, INFRACTION, Reason(
                "Possession of more than 28.5 grams by a person under 18 is now an infraction",
                "HS 11357(b)(1)"), reasons)
        return _Result(NOT_ELIGIBLE, [*reasons, Reason(
            "Possession of more than 28.5 grams by a person 18 or over is still a misdemeanor with the "
            "same penalty; Prop 64 changes nothing", "HS 11357(b)(2); HS 11361.8(a)")])
    if sub == "d":
        if age < 18:
            return _lesser(info, INFRACTION, Reason(
                "Possession on school grounds by a person under 18 is now an infraction", "HS 11357(d)"),
                reasons)
        return _ask("unverified_rule",
                    "Old HS 11357(d) (possession on K-12 grounds, 18 or over) is still a misdemeanor "
                    "(new 11357(c)); confirm that no reduction is available [U].",
                    [*reasons, Reason("Possession on school grounds at 18 or over remains a misdemeanor",
                                      "HS 11357(c)")])
    return _ask("other", f"Which pre-Prop 64 offense is {info.code_section_text}? The subdivision is not one "
                "the rules know.", reasons)


def _hs11358(info: CountInfo, ctx: Ctx, age: int, reasons) -> _Result:
    plants = info.count.plant_count
    if age < 18:
        return _lesser(info, INFRACTION, Reason(
            "Cultivation by a person under 18 is now an infraction", "HS 11358(a)"), reasons)
    if plants is None:
        reasons.append(_PLANTS_PRESUMED)
    if plants is None or plants <= 6:
        if age >= 21:
            return _dismiss(_LAWFUL_SIX_PLANTS, reasons)
        return _lesser(info, INFRACTION, Reason(
            f"Cultivating not more than six plants at age {age} is now an infraction", "HS 11358(b)"),
            reasons)
    reasons.append(Reason(f"{plants} plants: more than six is a misdemeanor for a person 18 or over",
                          "HS 11358(c)"))
    reasons.append(Reason("No listed environmental violation is on the record; assumed absent under the "
                          "statutory presumption (full list [U])", f"HS 11358(d)(3); {PRESUMPTION}"))
    blocked = _carve_back(info, ctx, "HS 11358(d)(1)", "HS 11358(d)(2)", reasons)
    if blocked is not None:
        return blocked
    return _lesser(info, MISDEMEANOR, Reason(
        "Cultivation of more than six plants is now a misdemeanor", "HS 11358(c)"), reasons)


def _hs11359(info: CountInfo, ctx: Ctx, age: int, reasons) -> _Result:
    if age < 18:
        return _lesser(info, INFRACTION, Reason(
            "Possession for sale by a person under 18 is now an infraction", "HS 11359(a)"), reasons)
    blocked = _carve_back(info, ctx, "HS 11359(c)(1)", "HS 11359(c)(2)", reasons)
    if blocked is not None:
        return blocked
    return _lesser(info, MISDEMEANOR, _SALE_POSSESSION_MISDEMEANOR, reasons)


def _hs11360(info: CountInfo, ctx: Ctx, age: int, reasons) -> _Result:
    sub = info.section.subsections[0] if info.section.subsections else ""
    if sub == "":
        if info.level == FELONY:
            sub = "a"
        elif info.level in (MISDEMEANOR, INFRACTION):
            sub = "b"
        else:
            return _ask("level_unknown", "HS 11360 without a subdivision: was this the felony (old (a)) "
                        "or the misdemeanor (old (b))?", reasons)
    if sub == "b":
        if age >= 21:
            return _ask("unverified_rule",
                        "Old HS 11360(b) (giving away or transporting not more than 28.5 g) by a person "
                        "21 or over: was the conduct lawful under HS 11362.1 (dismiss) or only an "
                        "infraction (new 11360(b))? [U, fact-dependent]",
                        [*reasons, Reason("At least a reduction to an infraction is available",
                                          "HS 11360(b)")])
        return _lesser(info, INFRACTION, Reason(
            "Giving away or transporting not more than 28.5 grams is now an infraction", "HS 11360(b)"),
            reasons)
    if sub != "a":
        return _ask("other", f"Which pre-Prop 64 offense is {info.code_section_text}?", reasons)
    if age < 18:
        return _lesser(info, INFRACTION, Reason(
            "Sale or transport by a person under 18 is now an infraction", "HS 11360(a)(1)"), reasons)
    reasons.append(_SALE_UNLAWFUL)
    blocked = _carve_back(info, ctx, "HS 11360(a)(3)(A)", "HS 11360(a)(3)(B)", reasons)
    if blocked is not None:
        return blocked
    return _lesser(info, MISDEMEANOR, _SALE_MISDEMEANOR, reasons)


_RULES = {"11357": _hs11357, "11358": _hs11358, "11359": _hs11359, "11360": _hs11360}


def _policy_dismissal(info: CountInfo, ctx: Ctx) -> str:
    """Why the office policy dismisses a count the law would only reduce ("" when it does not)."""
    policy, facts = ctx.policy, ctx.facts
    base = f"{info.section.code} {info.section.section}"
    if policy.prop64_action.get(base) == "dismiss":
        return f"the office dismisses every eligible {base} conviction"
    if policy.under_21_at_conviction:
        age = facts.age_on(info.conviction_date)
        if age is not None and age < 21:
            return f"the person was {age} at conviction (under 21)"
    if policy.age_over:
        age = facts.age_on(ctx.as_of)
        if age is not None and age > policy.age_over:
            return f"the person is {age}, over {policy.age_over}"
    if policy.years_since_conviction and info.conviction_date and \
            add_years(info.conviction_date, policy.years_since_conviction) <= ctx.as_of:
        return f"the conviction is at least {policy.years_since_conviction} years old"
    if policy.no_conviction_in_last_years:
        since = add_years(ctx.as_of, -policy.no_conviction_in_last_years)
        if not any(c.conviction_date and c.conviction_date > since for c in facts.convictions):
            return f"no conviction in the last {policy.no_conviction_in_last_years} years"
    if policy.only_prop64_on_record and all(c.base in CANNABIS_BASES for c in facts.convictions):
        return "every conviction on the record is a Prop 64 offense"
    if policy.deceased and facts.deceased:
        return "the person is deceased"
    return ""


def _track(info: CountInfo, ctx: Ctx, reasons) -> str:
    if not info.sentence_known:
        reasons.append(Reason("Whether the sentence is complete is not on the record; choose the "
                              "resentencing (b) or redesignation (f) track on review",
                              "HS 11361.8(a), (e)"))
        return ""
    if info.completion == UNKNOWN_END:
        reasons.append(Reason("The sentence has a part without a length, so whether it is complete is not on "
                              "the record; choose the resentencing (b) or redesignation (f) track on review",
                              "HS 11361.8(a), (e)"))
        return ""
    if info.completion > ctx.as_of:
        return "resentencing"
    return "redesignation"


def _plea_or_related(info: CountInfo, ctx: Ctx) -> Determination | None:
    cannabis_arrest = ctx.facts.arrest_bases(info.key.cycle) & CANNABIS_BASES
    if ctx.lists.prop64_plea.contains_base(info.section) and cannabis_arrest:
        if ctx.policy.hypothetical_dismiss_related and ctx.lists.prop64_related.match(info.section):
            pass  # the hypothetical below decides it
        else:
            arrested = ", ".join(f"{c} {s}" for c, s in sorted(cannabis_arrest))
            return review(info, RELIEF, "plea_bargain",
                          f"Was the {info.code_section_text} conviction pleaded in place of the cannabis charge "
                          f"({arrested}) made at arrest? An accessory or substitute plea may still get "
                          "Prop 64 relief.",
                          [Reason(f"Arrested for {arrested} but convicted of {info.code_section_text}",
                                  "HS 11361.8(a); People v. Boatwright (2019) 36 Cal.App.5th 848")])
    if ctx.policy.hypothetical_dismiss_related and ctx.lists.prop64_related.match(info.section):
        same_case = any(c.code_section is not None and (c.code_section.code, c.code_section.section)
                        in CANNABIS_BASES and c.is_conviction for c in info.event.counts)
        if same_case:
            return build(info, RELIEF, DISMISS, [Reason(
                f"Hypothetical policy '{ctx.policy.version}': related offense {info.code_section_text} in a case "
                "with a cannabis conviction is dismissed (an impact estimate, not relief the law gives)",
                "office policy (hypothetical)")], seal=True, route="discretionary")
    return None


def evaluate(info: CountInfo, ctx: Ctx) -> list[Determination]:
    base = info.base
    if base not in CANNABIS_BASES:
        # prop64_plea.contains_base(info.section), without the call: most counts are not cannabis.
        if info.section is None or not (base in ctx.lists.prop64_plea.by_base
                                        or ctx.policy.hypothetical_dismiss_related):
            return []
        if info.offense_date is None or info.offense_date >= EFFECTIVE:
            return []
        found = _plea_or_related(info, ctx)
        return [found] if found else []
    if info.offense_date is not None and info.offense_date >= EFFECTIVE:
        return []  # conduct after 2016-11-09 was already sentenced under current law
    reasons: list[Reason] = []
    if info.offense_date is None:
        return [review(info, RELIEF, "other",
                       "No offense, arrest or conviction date: was the conduct before 2016-11-09?",
                       [Reason("Prop 64 relief covers conduct before 2016-11-09", "HS 11361.8(a)")])]
    done = info.relief_done("11361.8", "11361.9") if info.relief_statutes else ""
    if done or info.sealed:
        return [build(info, RELIEF, NOT_ELIGIBLE, [Reason(
            f"Prop 64 relief already granted ({done or 'sealed'})", "HS 11361.8(a), (e)")])]
    track = _track(info, ctx, reasons)
    if track == "resentencing":
        reasons.append(Reason("Sentence still being served: petition for recall and resentencing, granted "
                              "unless the court finds an unreasonable risk of a new superstrike",
                              "HS 11361.8(a), (b)"))
    age = ctx.facts.age_on(info.offense_date)
    if age is None:
        reasons.append(Reason("What the conduct is under current law depends on age at the offense",
                              "HS 11361.8(a); HS 11362.1"))
        return [review(info, RELIEF, "age_unknown",
                       "Date of birth unknown: how old was the person at the offense?", reasons, track=track)]
    reasons.append(new_reason(f"Age {age} on the {info.offense_date_source} {fmt(info.offense_date)}",
                              "HS 11361.8(a)"))
    result = _RULES[info.section.section](info, ctx, age, reasons)
    outcome = result.outcome
    reduce_to = result.reduce_to
    out_reasons = result.reasons
    if outcome == REDUCE:
        why = _policy_dismissal(info, ctx)
        if why:
            outcome, reduce_to = DISMISS, None
            out_reasons.append(Reason(f"Office policy '{ctx.policy.version}': dismissed because {why}; "
                                      "the law requires at least the reduction",
                                      "HS 11361.9; office policy"))
    if ctx.policy.hypothetical_dismiss_all_prop64 and outcome != DISMISS:
        outcome, reduce_to = DISMISS, None
        out_reasons.append(Reason(f"Hypothetical policy '{ctx.policy.version}': every cannabis conviction "
                                  "dismissed (an impact estimate, not a determination under the law)",
                                  "office policy (hypothetical)"))
        result.questions = ()
    return [build(info, RELIEF, outcome, out_reasons, questions=result.questions,
                  reduce_to=reduce_to, seal=outcome == DISMISS,
                  eligible_on=info.conviction_date if outcome in (DISMISS, REDUCE) else None,
                  route="mandatory" if outcome in (DISMISS, REDUCE) else "", track=track)]
