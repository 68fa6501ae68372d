"""An office's choices on top of the law: which county it acts for, and when it goes beyond the
law's minimum for Prop 64 (dismissing where the law only requires a reduction).

A policy never takes relief away: the law's minimum always applies, and the additional dismissals
only turn a Prop 64 *reduce* into a *dismiss*. Policies are plain data with a version, stored as
JSON next to the determinations they produced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace

PROP64_SECTIONS = ("HS 11357", "HS 11358", "HS 11359", "HS 11360")
ACTIONS = ("dismiss", "reduce")

# Rule ids an office may confirm after checking leginfo, turning a [U] review into a decision.
CONFIRMABLE_RULES = {
    "prop64.pre_prop64_priors_count": (
        "Pre-Prop 64 convictions under HS 11358/11359/11360 count as the 'two or more prior "
        "convictions' of HS 11358(d)(2), 11359(c)(2) and 11360(a)(3)(B)"),
    "max_term.PC 215": "PC 215 carjacking is punishable by 9 years (3/5/9)",
}


@dataclass(frozen=True)
class Policy:
    county: str = ""  # upper case, e.g. "SAN JOAQUIN"; "" = every county is ours
    version: str = "law-minimum"
    # Per base section ("HS 11359") -> "dismiss" | "reduce". Absent = what the law provides.
    prop64_action: dict[str, str] = field(default_factory=dict)
    # Additional dismissals (turn a Prop 64 reduce into a dismiss).
    under_21_at_conviction: bool = False
    age_over: int | None = None  # the person is older than this at the as-of date
    years_since_conviction: int | None = None  # the count's conviction is at least this old
    no_conviction_in_last_years: int | None = None  # no conviction of any kind in this window
    only_prop64_on_record: bool = False
    deceased: bool = False
    # Hypothetical policies, for impact summaries only (never for filings).
    hypothetical_dismiss_all_prop64: bool = False
    hypothetical_dismiss_related: bool = False
    confirmed_rules: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "county", self.county.strip().upper())
        for section, action in self.prop64_action.items():
            if section not in PROP64_SECTIONS or action not in ACTIONS:
                raise ValueError(f"bad prop64_action {section!r}: {action!r}")
        for rule in self.confirmed_rules:
            if rule not in CONFIRMABLE_RULES:
                raise ValueError(f"unknown confirmable rule {rule!r}")
        object.__setattr__(self, "confirmed_rules", tuple(sorted(set(self.confirmed_rules))))

    def __hash__(self) -> int:  # the dict field would make the generated hash fail
        return hash(self.to_json())

    # -- serialisation -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["prop64_action"] = dict(sorted(self.prop64_action.items()))
        data["confirmed_rules"] = list(self.confirmed_rules)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict) -> Policy:
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown policy fields: {sorted(unknown)}")
        values = dict(data)
        if "confirmed_rules" in values:
            values["confirmed_rules"] = tuple(values["confirmed_rules"])
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> Policy:
        return cls.from_dict(json.loads(text))

    # -- translation from the earlier tool's format -------------------------------------------
    @classmethod
    def from_cfa_options(cls, data: dict, county: str = "", version: str = "cfa-options") -> Policy:
        """Translate an ``eligibility_options.json`` (baselineEligibility / additionalRelief).

        Thresholds of 0 or absent mean "off", as in the earlier tool. A section the office lists
        under "reduce" keeps the law's minimum, which may still be a dismissal (lawful conduct).
        """
        baseline = data.get("baselineEligibility", {}) or {}
        action: dict[str, str] = {}
        for kind in ACTIONS:
            for section in baseline.get(kind, []) or []:
                key = section if section.startswith("HS ") else f"HS {section}"
                if key not in PROP64_SECTIONS:
                    raise ValueError(f"not a Prop 64 section: {section!r}")
                action[key] = kind
        extra = data.get("additionalRelief", {}) or {}

        def threshold(name: str) -> int | None:
            value = extra.get(name)
            return int(value) if value else None

        return cls(
            county=county,
            version=version,
            prop64_action=action,
            under_21_at_conviction=bool(extra.get("subjectUnder21AtConviction", False)),
            age_over=threshold("subjectAgeThreshold"),
            years_since_conviction=threshold("yearsSinceConvictionThreshold"),
            no_conviction_in_last_years=threshold("yearsWithNoConvictionThreshold")
            or threshold("yearsCrimeFreeThreshold"),
            only_prop64_on_record=bool(extra.get("subjectHasOnlyProp64Charges", False)),
            deceased=bool(extra.get("subjectIsDeceased", False)),
        )

    # -- hypotheticals --------------------------------------------------------------------------
    def hypothetical(self, name: str | None = None) -> Policy:
        """A what-if variant of this policy for an impact summary (never for a filing).

        Works on an instance (``policy.hypothetical("dismiss_all_prop64")``) and on the class
        (``Policy.hypothetical("dismiss_all_prop64")``, based on the law-minimum policy).
        """
        if isinstance(self, str):
            self, name = Policy(), self
        if name == "dismiss_all_prop64":
            return replace(self, version=f"{self.version}+{name}", hypothetical_dismiss_all_prop64=True,
                           prop64_action=dict.fromkeys(PROP64_SECTIONS, "dismiss"))
        if name == "dismiss_all_prop64_and_related":
            return replace(self, version=f"{self.version}+{name}", hypothetical_dismiss_all_prop64=True,
                           hypothetical_dismiss_related=True,
                           prop64_action=dict.fromkeys(PROP64_SECTIONS, "dismiss"))
        raise ValueError(f"unknown hypothetical {name!r}")

    @property
    def has_additional_dismissals(self) -> bool:
        return bool(self.under_21_at_conviction or self.age_over or self.years_since_conviction
                    or self.no_conviction_in_last_years or self.only_prop64_on_record or self.deceased)
