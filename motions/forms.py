from django import forms
from django.utils import timezone

from .models import Motion
from .services import RELIEF_TYPE_LABELS, SETTABLE

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
MAX_RESPONSE_BYTES = 5 * 1024 * 1024


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s, Motion.Status(s).label) for s in SETTABLE])
    on = forms.DateField(label="Date", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    court = forms.CharField(label="Court (department)", max_length=120, required=False)
    note = forms.CharField(max_length=300, required=False)


class CourtResponseForm(forms.Form):
    file = forms.FileField(label="Court response CSV",
                           help_text="Columns: case_number, status (filed, granted, denied, modified), date, court; "
                                     "relief is optional.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RESPONSE_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        return upload


class TemplateUploadForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="Uploading again under the same name makes a new version.")
    relief_type = forms.ChoiceField(label="Used for", choices=list(RELIEF_TYPE_LABELS.items()))
    file = forms.FileField(label="Fillable PDF")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError("The PDF is larger than 10 MB.")
        return upload


class SignatureForm(forms.Form):
    image = forms.FileField(label="Signature image (PNG or JPEG)")


class MappingForm(forms.Form):
    """One text box per form field; its value is a data item, 'const:...' or 'code:<section>'."""

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        self.template_fields = template.fields
        for index, spec in enumerate(template.fields):
            self.fields[f"f{index}"] = forms.CharField(
                label=spec["name"], required=False, max_length=200, initial=template.mapping.get(spec["name"], ""),
                widget=forms.TextInput(attrs={"list": "data-items", "autocomplete": "off"}),
            )

    def rows(self):
        for index, spec in enumerate(self.template_fields):
            yield spec, self[f"f{index}"]

    def mapping(self) -> dict[str, str]:
        return {spec["name"]: self.cleaned_data[f"f{i}"] for i, spec in enumerate(self.template_fields)}
