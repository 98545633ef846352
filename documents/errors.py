"""The project's one error base and the errors of the documents app.

documents is the lowest layer, so workflow's errors (workflow/errors.py) and the other apps'
build on `DomainError` here. A view catches `DomainError` and shows `message`.
"""


class DomainError(Exception):
    """Base: `message` is translated when read, so it follows the language of whoever sees it.

    Pass a lazy or already-translated message, and `params` to fill its placeholders; `field`
    names the form field the error is about, so a form can show it beside that field.
    """

    def __init__(self, message, params=None, *, field=None):
        self._message = message
        self.params = params or {}
        self.field = field
        super().__init__(message)

    @property
    def message(self) -> str:
        text = str(self._message)
        return text % self.params if self.params else text

    def __str__(self):
        return self.message


class NotPermitted(DomainError):
    """The user may not do this (the permission decision comes from workflow.permissions)."""


class InvalidInput(DomainError):
    """What the user sent cannot be used; nothing was written."""


class DocumentError(DomainError):
    """An error of a dossier's documents."""


class DocumentRejected(DocumentError):
    """An upload that is not a safe, real Word 2007+ document; nothing was stored."""


class DocumentLocked(DocumentError):
    """The dossier is past the stage where its documents may change."""


class StorageUnavailable(DocumentError):
    """The documents' file storage (a folder, or an S3-compatible bucket) failed or could not be
    reached: nothing was written. documents/storage.py raises it; answered 503."""
