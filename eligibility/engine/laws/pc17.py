"""PC 17(b): a wobbler felony declared a misdemeanor; PC 17(d)(2): a PC 19.8 misdemeanor reduced to an
infraction. Both are discretionary: the court decides on application.

17(b)(3) needs a grant of probation; a sentence to state prison or to county jail under 1170(h)
makes the count a felony for good. Whether a suspended prison sentence (ESS) still allows it is
[U] and goes to review. Every felony conviction gets a 17(b) determination (the CR-180 asks for
each count); a felony not on the wobbler list is treated as a straight felony.
"""

from __future__ import annotations

from functools import lru_cache

from ..facts import CountInfo, burglary_degree
from ..offense_lists import Hit
from ..record import Level
from ..results import Determination, Question, Reason, Relief
from . import FELONY, INFRACTION, MISDEMEANOR, NOT_ELIGIBLE, REDUCE, Ctx, ask, build, review

# Bound once: see the enum note in laws/__init__.py.
PC17B, PC17D2 = Relief.PC17B, Relief.PC17D2

# The reasons and questions that never change are built once: 17(b) reads every felony conviction.
_STAYS_FELONY = {prison: (Reason(f"A {what} sentence was imposed, so the offense stays a felony", "PC 17(b)(1)"),)
                 for prison, what in ((True, "state prison"), (False, "county jail under PC 1170(h)"))}
_NOT_SURE_WOBBLER = (Reason("Only an offense punishable either as a felony or a misdemeanor can be reduced",
                            "PC 17(b)"),)
_ASK_SENTENCE = (Question("sentence_unknown", "Was probation granted, or a prison or 1170(h) jail sentence imposed?"),)
_NEEDS_PROBATION = (Reason("17(b)(3) needs a grant of probation", "PC 17(b)(3)"),)
_ASK_SUSPENDED = (Question("unverified_rule", "A state prison sentence was imposed with execution suspended: does "
                           "17(b)(3) still reach it? [U]"),)
_PROBATION_GRANTED = (Reason("17(b)(3) applies when the court grants probation", "PC 17(b)(3)"),)
_ASK_NO_PROBATION = (Question("sentence_unknown", "No probation on the record: what was the sentence?"),)
_ON_APPLICATION = Reason("The court may declare the offense a misdemeanor on application", "PC 17(b)(3)")


@lru_cache(maxsize=1024)
def _not_a_wobbler(code_section_text: str) -> tuple[Reason]:
    # Cached by the section as written: a file repeats a few hundred sections.
    return (Reason(f"{code_section_text or 'The offense'} is not on the wobbler list: a straight felony cannot "
                   "be reduced", "PC 17(b)"),)


def _already(info: CountInfo, relief: Relief, target: Level) -> Determination | None:
    if info.conviction_level != info.level:
        return build(info, relief, NOT_ELIGIBLE, [Reason(
            f"Already reduced to a {info.level.value}", relief.value)])
    return None


def _pc17b(info: CountInfo, ctx: Ctx) -> Determination:
    relief = PC17B
    found = _already(info, relief, MISDEMEANOR)
    if found:
        return found
    if info.prison or info.county_jail_1170h:
        return build(info, relief, NOT_ELIGIBLE, _STAYS_FELONY[info.prison])
    hit = ctx.lists.wobblers.match(info.section, False)
    if hit is not None and hit.doubt == "element":  # only then does the burglary degree matter
        degree = burglary_degree(info)
        if degree == "second":
            hit = Hit(hit.entry, True)
        elif degree == "first":
            hit = None  # first-degree burglary is a straight felony
    if hit is None:
        return build(info, relief, NOT_ELIGIBLE, _not_a_wobbler(info.code_section_text))
    if not hit.certain:
        if hit.doubt == "element" and info.section.section == "459":
            text = f"Was {info.code_section_text} second-degree burglary (a wobbler) rather than first degree?"
            code = "other"
        else:
            text = f"Confirm that {info.code_section_text} is a wobbler (seed list entry {hit.entry}) [U]."
            code = "unverified_rule"
        return review(info, relief, code, text, _NOT_SURE_WOBBLER, route="discretionary")
    if not info.sentence_known:
        return ask(info, relief, _ASK_SENTENCE, _NEEDS_PROBATION, route="discretionary")
    if info.suspended_prison:
        return ask(info, relief, _ASK_SUSPENDED, _PROBATION_GRANTED, route="discretionary")
    if not info.probation:
        return ask(info, relief, _ASK_NO_PROBATION, _NEEDS_PROBATION, route="discretionary")
    return build(info, relief, REDUCE, (
        Reason(f"{info.code_section_text} is a wobbler and probation was granted", "PC 17(b)(3)"),
        _ON_APPLICATION,
    ), reduce_to=MISDEMEANOR, eligible_on=info.judgment_date or info.conviction_date,
        route="discretionary")


def _pc17d2(info: CountInfo, ctx: Ctx, hit) -> Determination:
    relief = PC17D2
    if not hit.certain:
        return review(info, relief, "unverified_rule",
                      f"Confirm that {info.code_section_text} is listed in PC 19.8 (seed list) [U].",
                      [Reason("A misdemeanor listed in PC 19.8 may be reduced to an infraction",
                              "PC 17(d)(2); PC 19.8")], route="discretionary")
    return build(info, relief, REDUCE, [Reason(
        f"{info.code_section_text} is a PC 19.8 misdemeanor; the court may reduce it to an infraction",
        "PC 17(d)(2); PC 19.8")], reduce_to=INFRACTION, eligible_on=info.conviction_date,
        route="discretionary")


def evaluate(info: CountInfo, ctx: Ctx) -> list[Determination]:
    if info.conviction_level == FELONY:
        return [_pc17b(info, ctx)]
    if info.level == MISDEMEANOR:
        hit = ctx.lists.pc19_8.match(info.section, False)
        if hit is not None:
            return [_pc17d2(info, ctx, hit)]
    return []
