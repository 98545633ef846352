from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from documents.forms import FreeTextField

from .models import Appraisal, Recommendation, VoteChoice
from .people import display_name
from .states import DossierKind


class DossierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DossierKind.choices)
    program = FreeTextField(
        label=_("Program"), max_length=200, initial="Chương trình 27 (2021–2025)"
    )
    title = FreeTextField(label=_("Title"), max_length=500)
    summary = FreeTextField(label=_("Summary"), widget=forms.Textarea, required=False)


class DossierEditForm(DossierForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class TransitionForm(forms.Form):
    comment = FreeTextField(
        label=_("Comment"), widget=forms.Textarea, required=False, max_length=5000
    )


class _RefusesHugeIds:
    """A model choice whose id is past the database's integers is an invalid choice, not an
    OverflowError from SQLite (a 500). The site's forms and the admin's (admin.RECORD_CHOICES)
    choose records with these."""

    def clean(self, value):
        try:
            return super().clean(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class RecordChoiceField(_RefusesHugeIds, forms.ModelChoiceField):
    pass


class RecordsChoiceField(_RefusesHugeIds, forms.ModelMultipleChoiceField):
    pass


class RoundForm(forms.Form):
    chair = RecordChoiceField(label=_("Chair"), queryset=None)
    members = RecordsChoiceField(label=_("Members"), queryset=None)
    due_on = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the stage's deadline in working days."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = candidates
        self.fields["members"].queryset = candidates
        label = display_name
        self.fields["chair"].label_from_instance = label
        self.fields["members"].label_from_instance = label


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=VoteChoice.choices)
    comment = FreeTextField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    conditions = FreeTextField(
        label=_("Conditions (approval with conditions) or reasons (rejection)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    conflict = FreeTextField(
        label=_("Conflict of interest (when recusing)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


def _finding(name: str) -> FreeTextField:
    # The label is the model's, as the appraisal report's headings are.
    label = capfirst(Appraisal._meta.get_field(name).verbose_name)
    return FreeTextField(label=label, widget=forms.Textarea(attrs={"rows": 2}))


class AppraisalForm(forms.Form):
    legal_basis = _finding("legal_basis")
    necessity = _finding("necessity")
    technical_solution = _finding("technical_solution")
    information_security = _finding("information_security")
    budget = _finding("budget")
    schedule = _finding("schedule")
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
