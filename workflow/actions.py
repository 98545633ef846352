"""The transitions a person can take, as the UI names them, and which need a written reason."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    needs_comment: bool = False
    comment_label: str = ""
    # A question the browser asks before an action that cannot be taken back.
    confirm: str = ""


ACTIONS = {
    a.name: a
    for a in [
        Action(
            "submit",
            _("Submit"),
            confirm=_("Submit this dossier? Its documents are frozen until it comes back."),
        ),
        Action(
            "withdraw",
            _("Withdraw"),
            comment_label=_("Reason (optional)"),
            confirm=_("Withdraw this dossier? A withdrawn dossier cannot be resumed."),
        ),
        Action("accept", _("Accept as complete")),
        Action(
            "return_incomplete",
            _("Return as incomplete"),
            needs_comment=True,
            comment_label=_("What is missing"),
        ),
        Action("pass_review", _("Record that the council passed it")),
        Action(
            "request_revision",
            _("Request revision"),
            needs_comment=True,
            comment_label=_("What must be revised"),
        ),
        Action("complete_appraisal", _("Complete appraisal")),
        Action(
            "approve",
            _("Approve"),
            confirm=_("Approve this dossier? A numbered decision will be issued."),
        ),
        Action("reject", _("Reject"), needs_comment=True, comment_label=_("Reasons")),
        Action(
            "archive",
            _("Archive"),
            confirm=_("Archive this dossier? It will be kept read-only."),
        ),
    ]
}
