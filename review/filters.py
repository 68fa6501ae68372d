"""The queue's filters, shared by the HTML queue, bulk approve, triage and the API."""

import django_filters
from django.db.models import Count, Exists, Q

from eligibility.engine.results import QUESTION_CODES, Relief
from eligibility.models import Determination
from intake.models import Batch

from .services import disagreement_subquery

Outcome = Determination.Outcome

# The engine's question codes in the words the office uses, in the order triage shows them.
QUESTION_LABELS = {
    "plea_bargain": "Possible plea bargain",
    "quantity_unknown": "Quantity unknown",
    "sentence_unknown": "Sentence unknown",
    "court_not_in_county": "Court not in this county",
    "parse_warning": "Parse warning",
    "court_unknown": "Court unknown",
    "level_unknown": "Felony or misdemeanor unknown",
    "age_unknown": "Age at offense unknown",
    "value_unknown": "Value unknown",
    "priors_unverified": "Disqualifying priors not verified",
    "unverified_rule": "Rule not yet verified",
    "other": "Other question",
}
assert set(QUESTION_LABELS) == set(QUESTION_CODES), "every engine question needs a label"

RELIEF_CHOICES = [(r.value, r.value) for r in Relief]
LEVEL_CHOICES = [("felony", "Felony"), ("misdemeanor", "Misdemeanor"), ("infraction", "Infraction")]
ORDERINGS = {
    # A person's counts stay together; by id, because an index walk in that order stops after one page.
    "person": ("person_id", "id"),
    "name": ("person__name", "person_id", "id"),
    "date": ("disposition_date", "id"),
    "-date": ("-disposition_date", "-id"),
    "batch": ("batch_id", "person_id", "id"),
}


def question_q(code: str) -> Q:
    # question_codes is space-separated: match whole codes so "court_unknown" never matches inside another.
    return Q(question_codes=code) | Q(question_codes__startswith=f"{code} ") | Q(
        question_codes__endswith=f" {code}") | Q(question_codes__contains=f" {code} ")


class DeterminationFilter(django_filters.FilterSet):
    batch = django_filters.ModelChoiceFilter(queryset=Batch.objects.none(), label="Batch")
    relief = django_filters.ChoiceFilter(choices=RELIEF_CHOICES, label="Relief law")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label="Engine proposes")
    code_section = django_filters.CharFilter(method="filter_code_section", label="Code section")
    county = django_filters.CharFilter(field_name="court_county", lookup_expr="iexact", label="Court county")
    level = django_filters.ChoiceFilter(choices=LEVEL_CHOICES, label="Level")
    date_from = django_filters.DateFilter(field_name="disposition_date", lookup_expr="gte", label="Disposed from")
    date_to = django_filters.DateFilter(field_name="disposition_date", lookup_expr="lte", label="Disposed to")
    question = django_filters.ChoiceFilter(choices=list(QUESTION_LABELS.items()), method="filter_question",
                                           label="Needs-review reason")
    disagrees = django_filters.BooleanFilter(method="filter_disagrees", label="Engine now disagrees")
    sort = django_filters.ChoiceFilter(choices=[(k, k) for k in ORDERINGS], method="filter_sort", label="Sort by")

    class Meta:
        model = Determination
        fields: list = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        office = getattr(request, "office", None)
        self.filters["batch"].queryset = Batch.objects.for_office(office).only("id", "name").order_by("-id")

    def filter_code_section(self, queryset, name, value):
        value = value.strip()
        # "11357" finds every subsection; "HS 11357(b)" is taken as written.
        return queryset.filter(code_section__icontains=value) if value else queryset

    def filter_question(self, queryset, name, value):
        return queryset.filter(question_q(value)) if value else queryset

    def filter_disagrees(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(disagreement_subquery())) if value else queryset.exclude(
            Exists(disagreement_subquery()))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied by ``ordered`` after filtering so a default exists


def ordered(queryset, sort: str):
    return queryset.order_by(*ORDERINGS.get(sort or "person", ORDERINGS["person"]))


def facet_counts(queryset) -> dict:
    """Counts per filter value over the filtered set, from one GROUP BY query.

    Grouping on the four filtered columns yields a few hundred rows at most, summed here: much
    cheaper than one conditional COUNT per value over every row of a large queue.
    """
    groups = queryset.order_by().values("outcome", "relief", "level", "question_codes").annotate(n=Count("pk"))
    outcome: dict = {}
    relief: dict = {}
    level: dict = {}
    question: dict = {}
    total = 0
    for group in groups:
        n = group["n"]
        total += n
        outcome[group["outcome"]] = outcome.get(group["outcome"], 0) + n
        relief[group["relief"]] = relief.get(group["relief"], 0) + n
        level[group["level"]] = level.get(group["level"], 0) + n
        for code in set(group["question_codes"].split()):
            question[code] = question.get(code, 0) + n
    return {
        "total": total,
        "outcome": [(v, label, outcome.get(v, 0)) for v, label in Outcome.choices],
        "relief": [(v, label, relief.get(v, 0)) for v, label in RELIEF_CHOICES],
        "level": [(v, label, level.get(v, 0)) for v, label in LEVEL_CHOICES],
        "question": [(c, label, question.get(c, 0)) for c, label in QUESTION_LABELS.items()],
    }
