"""The dashboard as data: headline figures plus named tables, shared by the page and every export.

Small-number suppression happens here, once, so no view or export can forget it: in every
breakdown table (by relief law, code section, court, race/ethnicity, sex, motion relief type) a
count from 1 to 9 is shown as "<10" and its share is withheld. A zero stays 0 — it says nothing
about any one person. Office-wide totals are not broken down and are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import charts, queries

SUPPRESS_BELOW = 10
SUPPRESSED = "<10"
CODE_SECTIONS_ON_PAGE = 20

DEFINITIONS = [
    ("Period and batch",
     "The dates pick the batches uploaded in that period (or the one batch chosen). Every figure follows the work "
     "from those batches: their records, the engine's proposals for them, attorneys' decisions and motions."),
    ("Records received",
     "RAP sheets: one per person per RAP sheet read. DOJ subjects: one per person in a DOJ research file. "
     "People identified: different people among them, after matching on CII or name and date of birth."),
    ("Convictions evaluated",
     "Conviction counts the engine evaluated under at least one relief law. A count evaluated under two laws is "
     "one conviction but two rows in the relief-law table."),
    ("Eligible",
     "The engine proposes to dismiss or reduce the count under that law. Seal: eligible, and the law also seals it."),
    ("Approved / overridden / deferred",
     "An attorney's active decision on the engine's proposal: approved as proposed, changed (override), or put "
     "off (deferred). Awaiting decision: no active decision yet."),
    ("Motions",
     "Filed: status filed or later, or a filing date recorded. Pending: filed and not yet ruled on. Granted "
     "includes granted as modified."),
    ("No felony left — if all approved motions are granted",
     "People who have a felony conviction today (current record, not already dismissed or reduced) and every one "
     "of those felony counts has an active attorney decision that dismisses it or reduces it to a misdemeanor or "
     "infraction."),
    ("No conviction left — if all approved motions are granted",
     "People with a conviction today (not already dismissed, set aside or sealed) and every conviction count has an "
     "active attorney decision that dismisses it (or approves the engine's proposal to seal it)."),
    ("Granted so far",
     "The same, counting only decisions in a motion the court granted (or granted as modified)."),
    ("If every engine proposal were granted",
     "The engine's own finding for each person (before any attorney decision), from its latest evaluation."),
    ("Race/ethnicity and sex",
     "As the source records wrote them, for people with at least one eligible conviction. Not every source "
     "carries them: those are counted as \"(not recorded)\"."),
    ("Small numbers",
     f"In breakdown tables, counts from 1 to {SUPPRESS_BELOW - 1} are shown as \"{SUPPRESSED}\" and their share is "
     "withheld, so that no small group of people can be picked out. Totals are not suppressed."),
    ("Throughput",
     "Per batch: from upload to the last attorney sign-off of that batch (sign-offs later reopened do not count)."),
]


def suppress(n: int) -> int | str:
    return SUPPRESSED if 0 < n < SUPPRESS_BELOW else n


def share(n: int, total: int) -> str:
    if 0 < n < SUPPRESS_BELOW or not total:
        return "—"
    return f"{n / total:.1%}"


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    caption: str = ""
    chart: str = ""
    more_rows: int = 0  # rows left off the page (all are in the exports)
    all_rows: list[list] = field(default_factory=list)

    @property
    def export_rows(self) -> list[list]:
        return self.all_rows or self.rows


@dataclass
class Report:
    scope: queries.Scope
    figures: dict
    tables: list[Table]

    @property
    def by_key(self) -> dict[str, Table]:
        return {t.key: t for t in self.tables}

    @property
    def breakdowns(self) -> list[Table]:
        return [t for t in self.tables if t.key in ("code_section", "court", "race", "sex")]

    @property
    def over_time(self) -> list[Table]:
        return [t for t in self.tables if t.key in ("throughput", "timeline")]


def _breakdown(key, title, rows, value, total, label_header, value_header, *, extra=(), limit=None, caption=""):
    """A suppressed breakdown table and its bar chart, from rows of {"label", value, ...}."""
    def line(row):
        return [row["label"], suppress(row[value]), share(row[value], total), *(suppress(row[e]) for e, _ in extra)]

    body = [line(r) for r in rows]
    shown = body[:limit] if limit else body
    bars = [(r["label"], None if 0 < r[value] < SUPPRESS_BELOW else r[value]) for r in rows[: limit or len(rows)]]
    described = ", ".join(f"{label}: {shown_value}" for label, shown_value, *_ in shown[:10])
    chart = charts.bar_chart(
        title, bars, description=f"{title}. Bars show {value_header.lower()}. "
        f"{described}{' and more' if len(shown) > 10 else ''}. The same figures are in the table below.",
    )
    return Table(
        key=key, title=title, columns=[label_header, value_header, "Share", *(h for _, h in extra)], rows=shown,
        caption=caption, chart=chart, more_rows=len(body) - len(shown), all_rows=body,
    )


def build(scope: queries.Scope) -> Report:
    with queries.reading():
        return _build(scope)


def _build(scope: queries.Scope) -> Report:
    records = queries.records_received(scope)
    evaluated = queries.convictions_evaluated(scope)
    determinations = queries.determination_breakdowns(scope)
    motions = queries.motions(scope)
    people = queries.person_outcomes(scope)
    engine = queries.engine_person_outcomes(scope)
    demographics = queries.people_breakdowns(scope)
    batches = queries.throughput(scope)
    months = queries.timeline(scope)

    total = determinations["total"]
    figures = {"records": records, "evaluated": evaluated, "determinations": total, "motions": motions["total"],
               "people": people, "engine": engine}
    tables = [
        Table("records", "Records received", ["Measure", "Count"], [
            ["RAP sheets", records["rap_sheets"]], ["DOJ subjects", records["doj_subjects"]],
            ["People identified", records["people"]],
        ]),
        Table("convictions", "Convictions evaluated", ["Measure", "Count"], [
            ["Convictions evaluated", evaluated["convictions"]],
            ["Convictions eligible under at least one law", evaluated["eligible"]],
            ["People evaluated", evaluated["people"]],
            ["People with at least one eligible conviction", evaluated["eligible_people"]],
        ]),
    ]

    decision_columns = [("dismiss", "Dismiss"), ("reduce", "Reduce"), ("seal", "Seal"),
                        ("needs_review", "Needs review"), ("not_yet_eligible", "Not yet eligible"),
                        ("not_eligible", "Not eligible"), ("evaluated", "Evaluated"), ("approved", "Approved"),
                        ("overridden", "Overridden"), ("deferred", "Deferred"), ("undecided", "Awaiting decision")]
    tables.append(_breakdown(
        "relief", "Eligible convictions by relief law", determinations["relief"], "eligible", total["eligible"],
        "Relief law", "Eligible", extra=decision_columns,
        caption="Engine proposals (dismiss / reduce / seal) against attorney decisions, per relief law.",
    ))
    tables.append(_breakdown(
        "motions", "Motions by relief type", motions["relief"], "created", motions["total"]["created"],
        "Relief type", "Created", extra=[("filed", "Filed"), ("granted", "Granted"), ("modified", "Of which modified"),
                                         ("denied", "Denied"), ("pending", "Pending"), ("not_filed", "Not yet filed")],
    ))
    tables.append(Table("people", "People left with no felony / no conviction",
                        ["Outcome", "If all approved motions are granted", "Granted so far",
                         "If every engine proposal were granted", "Out of (people today)"], [
        ["No felony left", people["no_felony_if_granted"], people["no_felony_granted"], engine["no_felony"],
         people["with_felony"]],
        ["No conviction left", people["no_conviction_if_granted"], people["no_conviction_granted"],
         engine["no_conviction"], people["with_conviction"]],
    ]))
    people_table = tables[-1]
    people_table.chart = charts.bar_chart(
        "People left with no felony / no conviction",
        [("No felony — if approved granted", people["no_felony_if_granted"]),
         ("No felony — granted so far", people["no_felony_granted"]),
         ("No felony — engine proposals", engine["no_felony"]),
         ("No conviction — if approved granted", people["no_conviction_if_granted"]),
         ("No conviction — granted so far", people["no_conviction_granted"]),
         ("No conviction — engine proposals", engine["no_conviction"])],
        description=(
            f"Of {people['with_felony']:,} people with a felony today, {people['no_felony_if_granted']:,} would have "
            f"none left if all approved motions are granted, {people['no_felony_granted']:,} have none left so far. "
            f"Of {people['with_conviction']:,} people with a conviction, {people['no_conviction_if_granted']:,} "
            f"would have none left, {people['no_conviction_granted']:,} so far."),
    )
    tables += [
        _breakdown("code_section", "Eligible convictions by code section", determinations["code_section"], "eligible",
                   total["eligible"], "Code section", "Eligible", extra=[("evaluated", "Evaluated")],
                   limit=CODE_SECTIONS_ON_PAGE),
        _breakdown("court", "Eligible convictions by court (county)", determinations["court"], "eligible",
                   total["eligible"], "Court county", "Eligible", extra=[("evaluated", "Evaluated")]),
        _breakdown("race", "People with an eligible conviction, by race/ethnicity", demographics["race"], "people",
                   evaluated["eligible_people"], "Race/ethnicity (as recorded)", "People"),
        _breakdown("sex", "People with an eligible conviction, by sex", demographics["sex"], "people",
                   evaluated["eligible_people"], "Sex (as recorded)", "People"),
    ]
    tables.append(Table("throughput", "Throughput: upload to sign-off, per batch",
                        ["Batch", "Kind", "Uploaded", "Processed", "First sign-off", "Last sign-off",
                         "Days, upload to last sign-off"],
                        [[b["name"], b["kind"], b["created_at"], b["finished_at"], b["first_sign_off"],
                          b["last_sign_off"], b["days_to_sign_off"]] for b in batches]))
    labels = [m["month"].strftime("%Y-%m") for m in months]
    timeline = Table("timeline", "Month by month", ["Month", "Records received", "Motions filed", "Motions granted"],
                     [[label, m["received"], m["filed"], m["granted"]] for label, m in zip(labels, months)])
    timeline.chart = charts.line_chart(
        "Month by month", labels,
        {"Records received": [m["received"] for m in months], "Motions filed": [m["filed"] for m in months],
         "Motions granted": [m["granted"] for m in months]},
        description=f"Lines of records received, motions filed and motions granted per month over {len(labels)} "
                    "months. The same figures are in the table below.",
    )
    tables.append(timeline)
    return Report(scope=scope, figures=figures, tables=tables)
