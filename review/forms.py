from django import forms

from .models import DecisionAction

OVERRIDES = [c for c in DecisionAction.choices if c[0] != DecisionAction.APPROVE]


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=DecisionAction.choices)
    reason = forms.CharField(required=False, max_length=4000)


class TriageAnswerForm(forms.Form):
    determinations = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={
        "required": "Select the people this answer applies to."})
    action = forms.ChoiceField(choices=OVERRIDES)
    reason = forms.CharField(max_length=4000, error_messages={"required": "An answer needs a written reason."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Ids are checked against the office's open selection by the view, not by a choice list.
        self.fields["determinations"].valid_value = lambda value: str(value).isdigit()


class ReopenForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
