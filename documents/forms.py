from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentType
from .text import clean_text

NEW_ANNEX = ""


class FreeTextField(forms.CharField):
    """A text field whose value is cleaned as all free text is (documents.text.clean_text):
    NFC, control characters mapped, stripped; length is checked on the cleaned text."""

    def to_python(self, value):
        if value not in self.empty_values:
            value = clean_text(value)
        return super().to_python(value)


class UploadForm(forms.Form):
    doc_type = forms.ChoiceField(
        label=_("Document"),
        choices=[(DocumentType.MAIN, DocumentType.MAIN.label), (DocumentType.ANNEX, _("Annex"))],
    )
    annex = forms.ChoiceField(label=_("Which annex"), required=False)
    title = FreeTextField(
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
