from django import forms

from intake.models import Batch
from offices.models import Role


class DashboardFilter(forms.Form):
    start = forms.DateField(label="Uploaded from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Uploaded to", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    batch = forms.ModelChoiceField(label="Batch", queryset=Batch.objects.none(), required=False,
                                   empty_label="All batches")

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this office's batches can be chosen: another office's id is simply "not a valid choice".
        self.fields["batch"].queryset = Batch.objects.for_office(office).order_by("-created_at")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data


# Supervisors always see the dashboard; these are the roles an office admin may add.
GRANTABLE_ROLES = [(r.value, r.label) for r in Role if r != Role.SUPERVISOR]


class DashboardAccessForm(forms.Form):
    roles = forms.MultipleChoiceField(label="Roles that may see the dashboard", choices=GRANTABLE_ROLES,
                                      required=False, widget=forms.CheckboxSelectMultiple)
