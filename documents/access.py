"""Who may see and change a dossier's documents: the workflow's decision, handed down.

documents sits below workflow and never imports it. The workflow app registers, when it is
ready, the object that answers these questions (workflow.paperwork.DocumentAccess), and every
view, selector and service here asks `dossier_access()`. A project without workflow would
register its own.
"""

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class DossierAccess(Protocol):
    def dossier_for(self, user, pk):
        """The dossier if `user` may see it; otherwise raise Http404, revealing nothing."""

    def may_see(self, user, dossier) -> bool:
        """Whether `user` may see this dossier, already read (no query once the user's roles
        are known)."""

    def lock_dossier(self, pk):
        """The dossier re-read under a row lock, inside the caller's transaction."""

    def may_upload(self, user, dossier) -> bool:
        """Whether `user` may upload documents to the dossier now."""

    def upload_refusal(self, user, dossier) -> Exception | None:
        """The error (a documents.errors.DomainError) to refuse an upload with, or None."""

    def is_sealed(self, dossier) -> bool:
        """Whether the dossier is decided: nothing of it changes but the issuing of its
        decision."""


_access: DossierAccess | None = None


def register(access: DossierAccess) -> None:
    global _access
    _access = access


def dossier_access() -> DossierAccess:
    if _access is None:
        raise ImproperlyConfigured(
            "No dossier access is registered: documents.access.register() is called by the "
            "app that owns dossiers (workflow) when it is ready."
        )
    return _access
