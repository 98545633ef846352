"""Creating and editing a dossier."""

from django.db import transaction
from django.utils.translation import gettext as _

from documents.text import check_length, clean_text, has_visible_text

from .. import actions, permissions
from ..errors import InvalidInput, NotPermitted, TransitionRefused
from ..models import Dossier
from ..signals import dossier_changed
from ..states import DossierKind
from .audit import record_audit
from .followups import follow_up
from .values import object_id, refusing_bad_values

# A summary is free text of any reasonable length; a book pasted by mistake is refused.
MAX_SUMMARY = 20_000


def _clean_fields(*, title, program, summary, kind=None):
    fields = {
        "title": clean_text(title),
        "program": clean_text(program),
        "summary": clean_text(summary),
    }
    if not has_visible_text(fields["title"]):
        raise InvalidInput(_("Give the dossier a title."))
    if not fields["program"]:
        raise InvalidInput(_("Name the program the dossier belongs to."))
    for name, value in fields.items():
        limit = Dossier._meta.get_field(name).max_length
        check_length(value, limit) if limit else check_length(value, MAX_SUMMARY)
    if kind is not None and kind not in DossierKind.values:
        raise InvalidInput(_("Choose a kind of dossier from the list."))
    return fields


@refusing_bad_values
@transaction.atomic
def create_dossier(*, user, kind, title, program, summary="") -> Dossier:
    if kind not in DossierKind.values:
        raise InvalidInput(_("Choose a kind of dossier from the list."))
    if not permissions.may_create_dossier(user):
        raise NotPermitted(_("Only a drafter of an agency can create a dossier."))
    fields = _clean_fields(title=title, program=program, summary=summary, kind=kind)
    dossier = Dossier.objects.create(
        kind=kind, agency_id=permissions.agency_id_of(user), created_by=user, **fields
    )
    entry = record_audit(dossier=dossier, actor=user, action=actions.CREATE, to_state=dossier.state)
    follow_up(dossier, entry)
    dossier_changed.send(sender=Dossier, dossier=dossier)
    return dossier


@refusing_bad_values
@transaction.atomic
def update_dossier(*, user, dossier_id, title, program, summary) -> Dossier:
    dossier = Dossier.objects.select_for_update().get(pk=object_id(dossier_id))
    if not permissions.is_agency_drafter(dossier, user):
        raise NotPermitted(_("You may not edit this dossier."))
    if not dossier.is_editable:
        raise TransitionRefused(
            _("The dossier is at the stage “%(stage)s” and can no longer be edited.")
            % {"stage": dossier.get_state_display()}
        )
    fields = _clean_fields(title=title, program=program, summary=summary)
    changed = [name for name, value in fields.items() if getattr(dossier, name) != value]
    for name in changed:
        setattr(dossier, name, fields[name])
    if changed:
        dossier.save(update_fields=[*changed, "updated_at"])
        record_audit(dossier=dossier, actor=user, action=actions.EDIT, details={"fields": changed})
        dossier_changed.send(sender=Dossier, dossier=dossier)
    return dossier
