from django import forms
from django.utils.translation import gettext_lazy as _

from .states import DossierKind


class DossierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DossierKind.choices)
    program = forms.CharField(
        label=_("Program"), max_length=200, initial="Chương trình 27 (2021–2025)"
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)


class DossierEditForm(DossierForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea, required=False, max_length=5000
    )
