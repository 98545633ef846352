"""Who signs the office's documents, and how the signature block names it (Party layout).

The Central Party Office is run by its head: the head signs with the title alone
(`CHÁNH VĂN PHÒNG`), a deputy signs for the head (`K/T CHÁNH VĂN PHÒNG` over
`PHÓ CHÁNH VĂN PHÒNG`), anyone else by order of the head (`T/L CHÁNH VĂN PHÒNG` over their own
title). The head's title comes from the OFFICE_HEAD_TITLE setting.
"""

from django.conf import settings

from documents.generation import Signer

from .models import SigningAuthority
from .people import display_name

_DEFAULT_TITLES = {SigningAuthority.DEPUTY: "Phó {head}"}
_PREFIXES = {SigningAuthority.DEPUTY: "K/T", SigningAuthority.BY_ORDER: "T/L"}


def _upper(text: str) -> str:
    return text.strip().upper()


def signer_of(user, *, fallback_title: str = "") -> Signer:
    """The signature block of `user` on a document the office issues."""
    head = settings.OFFICE_HEAD_TITLE
    profile = getattr(user, "profile", None)
    authority = getattr(profile, "signs_as", "") or SigningAuthority.BY_ORDER
    position = (getattr(profile, "position", "") or "").split(",")[0]
    title = (
        getattr(profile, "signing_title", "")
        or _DEFAULT_TITLES.get(authority)
        or position
        or fallback_title
        or "Chuyên viên"
    )
    title = title.format(head=head.lower())
    if authority == SigningAuthority.HEAD:
        return Signer(name=display_name(user), capacity=_upper(head))
    return Signer(
        name=display_name(user),
        capacity=_upper(title),
        on_behalf_of=f"{_PREFIXES[authority]} {_upper(head)}",
    )
