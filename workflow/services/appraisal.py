"""The appraiser's findings and where they take the dossier."""

from django.db import transaction
from django.utils.translation import gettext as _

from documents.text import clean_text

from .. import actions, paperwork, permissions
from ..errors import InvalidInput, NotPermitted, TransitionRefused
from ..models import Appraisal, Dossier, KindPolicy, Recommendation
from ..signals import dossier_changed
from ..states import Stage
from .audit import record_audit
from .transitions import transition_dossier

# --- appraisal ---


@transaction.atomic
def record_appraisal(*, user, dossier_id, recommendation, **findings) -> Appraisal:
    """The appraiser's findings; then the dossier goes to the approver or back to the drafter.

    When the kind's policy has the council decide the appraisal, the findings are recorded for
    the council and the round's tally takes the transition instead.
    """
    if not permissions.may_record_appraisals(user):
        raise NotPermitted(_("Only an appraiser can record an appraisal."))
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    if dossier.state != Stage.APPRAISAL:
        raise TransitionRefused(
            _("The dossier is at the stage “%(stage)s”, not in appraisal.")
            % {"stage": dossier.get_state_display()}
        )
    if recommendation not in Recommendation.values:
        raise InvalidInput(_("Choose a recommendation."))
    unknown = set(findings) - set(Appraisal.FINDINGS)
    if unknown:
        raise TypeError(f"unknown findings: {sorted(unknown)}")
    texts = {name: clean_text(findings.get(name, "")) for name in Appraisal.FINDINGS}
    missing = [name for name, text in texts.items() if not text]
    if missing:
        labels = ", ".join(str(Appraisal._meta.get_field(n).verbose_name) for n in missing)
        raise InvalidInput(_("Write the findings on: %(fields)s.") % {"fields": labels})
    appraisal = Appraisal.objects.create(
        dossier=dossier, appraiser=user, recommendation=recommendation, **texts
    )
    paperwork.issue_appraisal_report(appraisal)
    record_audit(
        dossier=dossier,
        actor=user,
        action=actions.APPRAISE,
        details={"recommendation": recommendation, "appraisal": appraisal.pk},
    )
    if KindPolicy.for_kind(dossier.kind).appraisal_by_council:
        dossier_changed.send(sender=Dossier, dossier=dossier)
        return appraisal
    if recommendation == Recommendation.REVISE:
        summary = "\n".join(
            f"- {Appraisal._meta.get_field(n).verbose_name}: {texts[n]}" for n in Appraisal.FINDINGS
        )
        transition_dossier(
            dossier_id=dossier.pk, action=actions.REQUEST_REVISION, user=user, comment=summary
        )
    else:
        transition_dossier(
            dossier_id=dossier.pk,
            action=actions.COMPLETE_APPRAISAL,
            user=user,
            comment=appraisal.get_recommendation_display(),
            details={"recommendation": recommendation},
        )
    return appraisal
