"""The workflow's domain errors, on the project's one error base (documents.errors.DomainError):
each carries a translated message fit to show the user as it is."""

from documents.errors import DomainError, InvalidInput, NotPermitted

__all__ = [
    "DomainError",
    "InvalidInput",
    "NotPermitted",
    "TransitionRefused",
    "VoteClosed",
    "WorkflowError",
]


class WorkflowError(DomainError):
    """A step of the process that cannot be taken."""


class TransitionRefused(WorkflowError):
    """Wrong stage, wrong person, or something missing for the transition."""


class VoteClosed(WorkflowError):
    """The round is closed or past its deadline."""
