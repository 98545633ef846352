from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .events import Channel, EventKind


class PreferencesForm(forms.Form):
    """The user's language for e-mail, and how they hear of each kind of event."""

    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in EventKind.choices:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=label, choices=Channel.choices, initial=Channel.IMMEDIATE
            )

    def channels(self) -> dict[str, str]:
        return {kind: self.cleaned_data[f"kind_{kind}"] for kind in EventKind.values}
