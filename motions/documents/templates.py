"""Wording of the built-in motions, one class per relief type.

Layout lives in pleading.py; this module only decides what the motion and the proposed order
say. Strings may hold reportlab paragraph markup (<b>, <i>), so anything that comes from a record
goes through esc() first: a defendant called "A&B" must not break the page.
"""

from __future__ import annotations

from xml.sax.saxutils import escape as esc

from .data import (
    PC17B,
    PC1203_4,
    PROP47,
    PROP64_FELONY,
    PROP64_MISDEMEANOR,
    RESENTENCING,
    MotionCase,
    Office,
    format_date,
)

__all__ = ["MotionText", "TEMPLATES", "template_for", "esc"]


def _people(office: Office, attorney_name: str, attorney_title: str) -> str:
    return (
        f"The People of the State of California, by and through {esc(office.elected_da)}, "
        f"District Attorney of the County of {esc(office.county)}, and {esc(attorney_name)}, "
        f"{esc(attorney_title)},"
    )


def _any_relief(case: MotionCase, *words: str) -> bool:
    return any(word in count.relief.lower() for count in case.counts for word in words)


class MotionText:
    """Defaults shared by every relief type; subclasses override what differs."""

    relief_type = ""
    statute = ""

    def title(self, case: MotionCase) -> str:
        raise NotImplementedError

    def footer_title(self, case: MotionCase) -> str:
        return self.title(case).split("(")[0].strip()

    def order_title(self, case: MotionCase) -> str:
        return f"[PROPOSED] ORDER ON {self.footer_title(case)}"

    def intro(self, case: MotionCase, office: Office, attorney_name: str, attorney_title: str) -> list[str]:
        raise NotImplementedError

    def basis(self, case: MotionCase) -> list[str]:
        raise NotImplementedError

    def request(self, case: MotionCase) -> str:
        return (
            "The People therefore ask the Court to grant the relief set out above for each listed "
            "count and to sign the proposed order that follows."
        )

    def order_findings(self, case: MotionCase) -> str:
        raise NotImplementedError

    def order_terms(self, case: MotionCase) -> list[str]:
        """Further orders the judge can tick, beyond grant or deny per count."""
        return []

    def counts_heading(self, case: MotionCase) -> str:
        when = format_date(case.conviction_date)
        suffix = f" on {when}" if when else ""
        return f"The defendant was convicted in this case{suffix} of the following counts:"


class Prop64Felony(MotionText):
    relief_type = PROP64_FELONY
    statute = "Health and Safety Code section 11361.8"

    def _subdivision(self, case: MotionCase) -> str:
        return "(b)" if case.track == RESENTENCING else "(f)"

    def title(self, case: MotionCase) -> str:
        if case.track == RESENTENCING:
            return "PEOPLE'S MOTION FOR RECALL AND RESENTENCING OR DISMISSAL (Health & Safety Code § 11361.8(b))"
        return "PEOPLE'S MOTION FOR REDESIGNATION OR DISMISSAL AND SEALING (Health & Safety Code § 11361.8(f))"

    def intro(self, case, office, attorney_name, attorney_title):
        sub = self._subdivision(case)
        return [
            f"{_people(office, attorney_name, attorney_title)} move this Court under Health and Safety "
            f"Code section 11361.8{sub} and section 11361.9 for the relief stated below on each count "
            "of conviction in this case."
        ]

    def basis(self, case):
        paragraphs = [
            "Proposition 64, the Control, Regulate and Tax Adult Use of Marijuana Act, took effect on "
            "November 9, 2016. A person convicted of cannabis conduct that would not have been an "
            "offense, or would have been a lesser offense, had the Act then been in force may obtain "
            "relief under Health and Safety Code section 11361.8.",
        ]
        if case.track == RESENTENCING:
            paragraphs.append(
                "The defendant is serving a sentence for the counts listed. Under section 11361.8(b) the "
                "Court shall recall the sentence and resentence or dismiss each count unless granting "
                "relief would pose an unreasonable risk of danger to public safety within the meaning "
                "of Penal Code section 1170.18(c). The People do not contend that it would."
            )
        else:
            paragraphs.append(
                "The defendant has completed the sentence for the counts listed. Under section "
                "11361.8(f) the Court shall redesignate each count as a misdemeanor or infraction, or "
                "dismiss and seal it as legally invalid. No hearing is needed unless one is requested."
            )
        paragraphs.append(
            "Under Health and Safety Code section 11361.9 the District Attorney has reviewed this case and "
            "does <b>not</b> challenge the defendant's eligibility. The defendant is presumed to meet the "
            "criteria of section 11361.8, and the People offer no evidence to rebut that presumption."
        )
        return paragraphs

    def order_findings(self, case):
        return (
            "The Court has read the People's motion. The People do not challenge eligibility under Health "
            "and Safety Code section 11361.9. The Court finds the defendant eligible for relief under "
            f"Health and Safety Code section 11361.8{self._subdivision(case)} and orders as follows on "
            "each count:"
        )

    def order_terms(self, case):
        terms = [
            "To the extent a count granted above required registration as a narcotics offender under "
            "Health and Safety Code section 11590, the defendant is relieved of that requirement.",
        ]
        if _any_relief(case, "seal", "dismiss"):
            terms.append(
                "The record of each count dismissed above is sealed as legally invalid. No one may have "
                "access to it without an order of the Court (Health & Safety Code § 11361.8(f))."
            )
        terms.append(
            "The clerk shall update the Court's records and report this order to the Department of "
            "Justice as Health and Safety Code section 11361.9 requires."
        )
        return terms


class Prop64Misdemeanor(Prop64Felony):
    relief_type = PROP64_MISDEMEANOR

    def _subdivision(self, case):
        return "(e), (f)"

    def title(self, case):
        return (
            "PEOPLE'S MOTION TO DISMISS AND SEAL MISDEMEANOR AND INFRACTION CANNABIS CONVICTIONS "
            "(Health & Safety Code § 11361.8(e), (f))"
        )

    def basis(self, case):
        return [
            "Proposition 64, the Control, Regulate and Tax Adult Use of Marijuana Act, took effect on "
            "November 9, 2016. The defendant was convicted of a misdemeanor or infraction under a section "
            "of the Health and Safety Code that the Act reclassified, and has completed the sentence.",
            "Under Health and Safety Code section 11361.8(e) and (f), a conviction for conduct that is no "
            "longer an offense is legally invalid and shall be dismissed and sealed; a conviction for "
            "conduct that is now a lesser offense shall be redesignated. No hearing is needed unless "
            "one is requested.",
            "Under Health and Safety Code section 11361.9 the District Attorney has reviewed this case and "
            "does <b>not</b> challenge the defendant's eligibility. The People further ask that the "
            "records of arrest and conviction for each dismissed count be sealed.",
        ]


class Pc1203_4(MotionText):
    relief_type = PC1203_4
    statute = "Penal Code section 1203.4"

    _SECTION_NOTES = {
        "1203.4a": "Section 1203.4a applies to a misdemeanor or infraction for which probation was not "
        "granted, once a year has passed from judgment, the sentence has been complied with, and the "
        "defendant is not serving a sentence or charged with an offense.",
        "1203.41": "Section 1203.41 applies to a sentence served in county jail or on mandatory "
        "supervision under Penal Code section 1170(h), after the waiting period that section sets.",
        "1203.42": "Section 1203.42 applies to a sentence imposed before 2011 for an offense that would "
        "have been eligible for sentencing under Penal Code section 1170(h) had it been committed later.",
        "1203.4": "Section 1203.4 applies where the defendant was granted probation and fulfilled its "
        "conditions or was discharged from it early, or where the Court finds that relief is in the "
        "interests of justice.",
    }

    def sections(self, case: MotionCase) -> list[str]:
        """The 1203.4-family sections the counts rely on, in statute order."""
        found = []
        for section in ("1203.4", "1203.4a", "1203.41", "1203.42"):
            for count in case.counts:
                cited = count.citation.replace(" ", "")
                # "1203.4" is a prefix of the others, so match it only when nothing follows the digits.
                hit = cited.endswith(section) or (section + "(") in cited or (section + ",") in cited
                if hit and section not in found:
                    found.append(section)
        return found or ["1203.4"]

    def _cited(self, case):
        sections = self.sections(case)
        sign = "§" if len(sections) == 1 else "§§"
        return f"Penal Code {sign} {', '.join(sections)}"

    def title(self, case):
        return f"PETITION AND MOTION FOR DISMISSAL ({self._cited(case)})"

    def intro(self, case, office, attorney_name, attorney_title):
        return [
            f"{_people(office, attorney_name, attorney_title)} move this Court under {self._cited(case)} "
            "for an order that, on each count listed below, the plea, verdict or finding of guilt be set "
            "aside and vacated, a plea of not guilty be entered, and the accusatory pleading be dismissed."
        ]

    def basis(self, case):
        notes = [self._SECTION_NOTES[s] for s in self.sections(case)]
        notes.append(
            "The District Attorney has reviewed the defendant's record and finds that each count listed "
            "meets the conditions of the section cited for it. Dismissal does not relieve the defendant of "
            "the duty to disclose the conviction in an application for public office, for licensure by a "
            "state or local agency, or for a contract with the California State Lottery Commission, and "
            "does not restore the right to own or possess a firearm (Penal Code § 1203.4(a))."
        )
        return notes

    def order_findings(self, case):
        return (
            "The Court has read the People's petition and motion and orders as follows. For each count "
            "marked granted, the plea, verdict or finding of guilt is set aside and vacated, a plea of not "
            f"guilty is entered, and the accusatory pleading is dismissed under {self._cited(case)}:"
        )

    def order_terms(self, case):
        return [
            "The defendant is released from all penalties and disabilities resulting from each count "
            "granted above, except as provided in the statute under which it is dismissed.",
        ]


class Pc17b(MotionText):
    relief_type = PC17B
    statute = "Penal Code section 17(b)"

    def title(self, case):
        return "PEOPLE'S MOTION TO REDUCE FELONY TO MISDEMEANOR (Penal Code § 17(b)(3))"

    def intro(self, case, office, attorney_name, attorney_title):
        return [
            f"{_people(office, attorney_name, attorney_title)} move this Court under Penal Code section "
            "17(b)(3) to declare each count listed below a misdemeanor."
        ]

    def basis(self, case):
        return [
            "Each listed count is an offense punishable, in the Court's discretion, either as a felony or "
            "as a misdemeanor. The defendant was granted probation on it and was not sentenced to state "
            "prison or to county jail under Penal Code section 1170(h).",
            "Under Penal Code section 17(b)(3), when the Court has granted probation it may, on "
            "application after that grant, declare the offense a misdemeanor. The offense is then a "
            "misdemeanor for all purposes. The People have reviewed the record and support the reduction.",
        ]

    def order_findings(self, case):
        return (
            "The Court has read the People's motion. Under Penal Code section 17(b)(3), each count marked "
            "granted below is declared a misdemeanor for all purposes:"
        )


class Prop47(MotionText):
    relief_type = PROP47
    statute = "Penal Code section 1170.18"

    def title(self, case):
        if case.track == RESENTENCING:
            return "PETITION FOR RECALL OF SENTENCE AND RESENTENCING (Penal Code § 1170.18(a))"
        return "APPLICATION TO DESIGNATE FELONY CONVICTION AS MISDEMEANOR (Penal Code § 1170.18(f))"

    def intro(self, case, office, attorney_name, attorney_title):
        what = (
            "to recall the sentence and resentence the defendant to a misdemeanor"
            if case.track == RESENTENCING
            else "to designate as a misdemeanor"
        )
        sub = "(a)" if case.track == RESENTENCING else "(f)"
        return [
            f"{_people(office, attorney_name, attorney_title)} ask this Court under Penal Code section "
            f"1170.18{sub} {what} each count of conviction listed below."
        ]

    def basis(self, case):
        paragraphs = [
            "Proposition 47, the Safe Neighborhoods and Schools Act, made misdemeanors of offenses under "
            "Health and Safety Code sections 11350, 11357 and 11377 and Penal Code sections 459.5, 473, "
            "476a, 490.2, 496 and 666 as amended or added by the Act. Each listed count is such an offense.",
            "The defendant has no prior conviction for an offense listed in Penal Code section "
            "667(e)(2)(C)(iv) and no conviction for an offense requiring registration under Penal Code "
            "section 290(c) (Penal Code § 1170.18(i)).",
        ]
        if case.track == RESENTENCING:
            paragraphs.append(
                "The People do not contend that resentencing would pose an unreasonable risk of danger to "
                "public safety within the meaning of Penal Code section 1170.18(c)."
            )
        else:
            paragraphs.append(
                "The defendant has completed the sentence. When the criteria are met, the Court shall "
                "designate the felony a misdemeanor (Penal Code § 1170.18(g)). No hearing is needed "
                "unless one is requested."
            )
        paragraphs.append(
            "To the extent this filing comes after the date set in Penal Code section 1170.18(j), good cause "
            "exists: it is made by the People as part of a review of every eligible record in the county."
        )
        return paragraphs

    def order_findings(self, case):
        what = "resentenced as" if case.track == RESENTENCING else "designated"
        return (
            "The Court has read the People's filing and finds the criteria of Penal Code section 1170.18 "
            f"met. Each count marked granted below is {what} a misdemeanor:"
        )

    def order_terms(self, case):
        return [
            "Each count granted is a misdemeanor for all purposes, except that this order does not "
            "permit the defendant to own, possess or have custody or control of a firearm "
            "(Penal Code § 1170.18(k)).",
        ]


TEMPLATES: dict[str, MotionText] = {
    t.relief_type: t for t in (Prop64Felony(), Prop64Misdemeanor(), Pc1203_4(), Pc17b(), Prop47())
}


def template_for(case: MotionCase) -> MotionText:
    return TEMPLATES[case.relief_type]
