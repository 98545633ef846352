from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentType

NEW_ANNEX = ""


class UploadForm(forms.Form):
    doc_type = forms.ChoiceField(
        label=_("Document"),
        choices=[(DocumentType.MAIN, DocumentType.MAIN.label), (DocumentType.ANNEX, _("Annex"))],
    )
    annex = forms.ChoiceField(label=_("Which annex"), required=False)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("For a new annex; the file name is used when left empty."),
    )
    file = forms.FileField(
        label=_("Word document (.docx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args, annexes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annex"].choices = [(NEW_ANNEX, _("A new annex"))] + [
            (str(annex.pk), annex.title) for annex in annexes
        ]

    def annex_id(self):
        value = self.cleaned_data.get("annex")
        return int(value) if value else None
