"""Every action the audit trail records, as the UI names it: the transitions a person or a
tally takes (label, whether it needs a written reason, whether it is a button) and the other
recorded actions (creating, voting, opening a round...). Nothing else names an action."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .states import Stage


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    needs_comment: bool = False
    comment_label: str = ""
    # False: a council round's tally or the recorded appraisal takes it (with its minutes or
    # report), never a bare button.
    is_button: bool = True
    # How the history names it when that differs from the button's label.
    audit_label: str = ""
    # A question the browser asks before an action that cannot be taken back.
    confirm: str = ""
    # A stage from which the action needs a note, and what the note says (a resubmission says
    # what changed since the revision request).
    note_at: str = ""
    note_label: str = ""

    def needs_note_at(self, stage: str) -> bool:
        return bool(self.note_at) and stage == self.note_at

    @property
    def history_label(self) -> str:
        return self.audit_label or self.label


# Transition names: the methods of Dossier (workflow/models/dossiers.py).
SUBMIT = "submit"
WITHDRAW = "withdraw"
ACCEPT = "accept"
RETURN_INCOMPLETE = "return_incomplete"
PASS_REVIEW = "pass_review"
REQUEST_REVISION = "request_revision"
COMPLETE_APPRAISAL = "complete_appraisal"
APPROVE = "approve"
REJECT = "reject"
ARCHIVE = "archive"

# Recorded actions that are not transitions.
CREATE = "create"
EDIT = "edit"
OPEN_ROUND = "open_round"
VOTE = "vote"
CORRECT_VOTE = "correct_vote"
CLOSE_ROUND = "close_round"
APPRAISE = "appraise"

ACTIONS = {
    a.name: a
    for a in [
        Action(
            SUBMIT,
            _("Submit"),
            confirm=_("Submit this dossier? Its documents are frozen until it comes back."),
            note_at=Stage.REVISION_REQUESTED,
            note_label=_("What you changed since the revision request"),
        ),
        Action(
            WITHDRAW,
            _("Withdraw"),
            comment_label=_("Reason (optional)"),
            confirm=_("Withdraw this dossier? A withdrawn dossier cannot be resumed."),
        ),
        Action(ACCEPT, _("Accept as complete")),
        Action(
            RETURN_INCOMPLETE,
            _("Return as incomplete"),
            needs_comment=True,
            comment_label=_("What is missing"),
        ),
        Action(PASS_REVIEW, _("Record that the council passed it"), is_button=False),
        Action(
            REQUEST_REVISION,
            _("Request revision"),
            needs_comment=True,
            comment_label=_("What must be revised"),
            is_button=False,
        ),
        Action(COMPLETE_APPRAISAL, _("Complete appraisal"), is_button=False),
        Action(
            APPROVE,
            _("Approve"),
            confirm=_("Approve this dossier? A numbered decision will be issued."),
        ),
        Action(REJECT, _("Reject"), needs_comment=True, comment_label=_("Reasons")),
        Action(
            ARCHIVE,
            _("Archive"),
            confirm=_("Archive this dossier? It will be kept read-only."),
        ),
    ]
}

RECORDED_ACTIONS = {
    a.name: a
    for a in [
        Action(CREATE, _("Created"), is_button=False),
        Action(EDIT, _("Edited"), is_button=False),
        Action(OPEN_ROUND, _("Opened a review round"), is_button=False),
        Action(VOTE, _("Voted"), is_button=False),
        Action(CORRECT_VOTE, _("Corrected a vote"), is_button=False),
        Action(CLOSE_ROUND, _("Closed the review round"), is_button=False),
        Action(APPRAISE, _("Recorded the appraisal"), is_button=False),
    ]
}

# The transitions that issue a document in the same transaction (workflow/paperwork.py).
ISSUES_DECISION = frozenset({APPROVE})
ISSUES_REVISION_LETTER = frozenset({REQUEST_REVISION, RETURN_INCOMPLETE})


def is_button_action(name: str) -> bool:
    # An unknown name is left to the service, which refuses it as an unknown action.
    action = ACTIONS.get(name)
    return action is None or action.is_button


def history_label(name: str) -> str:
    """An audit action as the reader's language names it; an unknown name shows as is."""
    action = ACTIONS.get(name) or RECORDED_ACTIONS.get(name)
    return action.history_label if action else name
