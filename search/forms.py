"""The search form: what the page and the JSON API accept, read leniently."""

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.ids import parse_id

from .backends.base import DOC_TYPES, SORTS, Filters

DOC_TYPE_LABELS = {
    "dossier": _("Dossier"),
    "main": _("Main document"),
    "annex": _("Annex"),
    "minutes": _("Minutes"),
    "revision_letter": _("Revision request letter"),
    "appraisal_report": _("Appraisal report"),
    "decision": _("Decision"),
}
SORT_LABELS = {"relevance": _("Relevance"), "date": _("Newest first")}
SORT_CHOICES = [(sort, SORT_LABELS[sort]) for sort in SORTS]


def _kind_choices():
    from workflow.states import DossierKind

    return DossierKind.choices


def _stage_choices():
    from workflow.states import Stage

    return Stage.choices


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=500)
    agency = forms.TypedMultipleChoiceField(label=_("Agency"), required=False, coerce=int,
                                            choices=[])
    kind = forms.MultipleChoiceField(label=_("Kind"), required=False, choices=_kind_choices)
    stage = forms.MultipleChoiceField(label=_("Stage"), required=False, choices=_stage_choices)
    type = forms.MultipleChoiceField(label=_("Document type"), required=False,
                                     choices=[(t, DOC_TYPE_LABELS[t]) for t in DOC_TYPES])
    decision = forms.CharField(label=_("Decision number"), required=False, max_length=100)
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, max_value=500)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any agency id is accepted (the permission filter is applied anyway); the choices shown
        # are the agencies in the current facets.
        self.fields["agency"].choices = list(agencies)
        self.fields["agency"].valid_value = lambda value: parse_id(value) is not None

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            agency_ids=tuple(data.get("agency") or ()),
            kinds=tuple(data.get("kind") or ()),
            stages=tuple(data.get("stage") or ()),
            doc_types=tuple(data.get("type") or ()),
            decision_number=data.get("decision") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
