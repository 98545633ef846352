"""The documents app's errors, each carrying a message fit to show the user."""


class DocumentError(Exception):
    """Base: `message` is translated when read, so it follows the language of whoever sees it."""

    def __init__(self, message, params=None):
        self._message = message
        self.params = params or {}
        super().__init__(message)

    @property
    def message(self) -> str:
        text = str(self._message)
        return text % self.params if self.params else text

    def __str__(self):
        return self.message


class DocumentRejected(DocumentError):
    """An upload that is not a safe, real Word 2007+ document; nothing was stored."""


class DocumentLocked(DocumentError):
    """The dossier is past the stage where its documents may change."""


class NotPermitted(DocumentError):
    """The user may not change this dossier's documents."""
