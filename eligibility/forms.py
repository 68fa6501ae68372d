from django import forms

from .engine.policy import CONFIRMABLE_RULES, PROP64_SECTIONS, Policy

ACTION_CHOICES = [("", "What the law provides"), ("dismiss", "Move to dismiss"), ("reduce", "Move to reduce")]


class PolicyForm(forms.Form):
    """The office's choices; the law's minimum always applies underneath."""

    under_21_at_conviction = forms.BooleanField(required=False,
                                                label="Dismiss when the person was under 21 at conviction")
    age_over = forms.IntegerField(required=False, min_value=1, max_value=120,
                                  label="Dismiss when the person is older than (years)")
    years_since_conviction = forms.IntegerField(required=False, min_value=1, max_value=80,
                                                label="Dismiss when the conviction is at least this old (years)")
    no_conviction_in_last_years = forms.IntegerField(required=False, min_value=1, max_value=80,
                                                     label="Dismiss when no conviction in the last (years)")
    only_prop64_on_record = forms.BooleanField(required=False,
                                               label="Dismiss when Prop 64 convictions are the whole record")
    deceased = forms.BooleanField(required=False, label="Dismiss when the person is deceased")
    confirmed_rules = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, choices=sorted(CONFIRMABLE_RULES.items()),
        label="Readings the office's legal team has confirmed at leginfo (otherwise these go to attorney review)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in PROP64_SECTIONS:
            self.fields[_field(section)] = forms.ChoiceField(choices=ACTION_CHOICES, required=False, label=section)

    @property
    def section_fields(self):
        return [self[_field(section)] for section in PROP64_SECTIONS]

    @property
    def extra_fields(self):
        return [self[name] for name in ("under_21_at_conviction", "age_over", "years_since_conviction",
                                        "no_conviction_in_last_years", "only_prop64_on_record", "deceased")]

    @classmethod
    def initial_from(cls, policy: Policy) -> dict:
        data = {k: v for k, v in policy.to_dict().items() if k in cls.base_fields}
        data["confirmed_rules"] = list(policy.confirmed_rules)
        for section in PROP64_SECTIONS:
            data[_field(section)] = policy.prop64_action.get(section, "")
        return data

    def policy_data(self) -> dict:
        data = self.cleaned_data
        return {
            "prop64_action": {s: data[_field(s)] for s in PROP64_SECTIONS if data.get(_field(s))},
            "under_21_at_conviction": data["under_21_at_conviction"],
            "age_over": data["age_over"],
            "years_since_conviction": data["years_since_conviction"],
            "no_conviction_in_last_years": data["no_conviction_in_last_years"],
            "only_prop64_on_record": data["only_prop64_on_record"],
            "deceased": data["deceased"],
            "confirmed_rules": list(data["confirmed_rules"]),
        }


def _field(section: str) -> str:
    return "prop64_" + section.replace(" ", "_").lower()


class PolicyImportForm(forms.Form):
    file = forms.FileField(label="Policy JSON (ours, or an eligibility_options.json from the earlier tool)")
