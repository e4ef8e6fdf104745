from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carejourney.pathways.events import MESSAGE_MAX_LENGTH


class EnrolForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    birth_date = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(label=_("Email (for the portal invitation)"), required=False)
    clinic = forms.ChoiceField(label=_("Clinic"))
    enrolled_at = forms.DateTimeField(
        label=_("Enrolled at (leave empty for now; clinic time)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, clinics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinic"].choices = [(c.slug, c.name) for c in clinics]

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        today = timezone.now().date()
        if value > today:
            raise forms.ValidationError(_("The date of birth is in the future."))
        if value < today - dt.timedelta(days=130 * 365):
            raise forms.ValidationError(_("The date of birth is more than 130 years ago."))
        return value

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the patient's name."))
        return name


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea)


class AuditFilter(forms.Form):
    patient = forms.IntegerField(label=_("Patient id"), required=False, min_value=1)
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.CharField(label=_("Action contains"), required=False, max_length=80)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
