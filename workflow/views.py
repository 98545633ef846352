from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import submissions
from documents.ids import parse_id

from . import permissions, selectors, services
from .actions import ACCEPT, ACTIONS, is_button_action
from .errors import DomainError
from .forms import (
    AppraisalForm,
    DossierEditForm,
    DossierForm,
    RoundForm,
    TransitionForm,
    VoteForm,
)
from .paging import Pages
from .roles import ROLE_LABELS, roles_of
from .states import QUEUES, DossierKind, Stage

RECENT_HISTORY = 10
LIST_ROWS = 25  # a page of the dossier list and of the inbox


@login_required
def home(request):
    roles = roles_of(request.user)
    overdue = None
    if permissions.sees_overdue(request.user):
        overdue = selectors.most_overdue(request.user, timezone.localdate())
    return render(
        request,
        "workflow/home.html",
        {
            "roles": [ROLE_LABELS[r] for r in sorted(roles)],
            "sections": selectors.home_sections(request.user),
            "overdue": overdue,
            "can_create": permissions.may_create_dossier(request.user),
        },
    )


def _one_of(params, name: str, allowed) -> str:
    """The query string's value if it is one of `allowed`; anything else is no filter."""
    value = params.get(name, "")
    return value if value in allowed else ""


@login_required
def dossier_list(request):
    """Every dossier the user may see, newest change first; narrowed by stage and kind, or to a
    home page list (?queue=), then most urgent first."""
    stage = _one_of(request.GET, "stage", Stage.values)
    kind = _one_of(request.GET, "kind", DossierKind.values)
    queue = _one_of(request.GET, "queue", QUEUES)
    dossiers = selectors.dossiers_matching(request.user, kind=kind, stage=stage, queue=queue)
    if queue:
        dossiers = selectors.due_first(dossiers)
    page = Pages(dossiers, LIST_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "workflow/dossier_list.html",
        {
            "page": page,
            "query": urlencode({k: v for k, v in [("stage", stage), ("kind", kind),
                                                  ("queue", queue)] if v}),
            "stages": Stage.choices,
            "kinds": DossierKind.choices,
            "stage": stage,
            "kind": kind,
            "queue": QUEUES.get(queue),
        },
    )


@login_required
def dossier_create(request):
    if not permissions.may_create_dossier(request.user):
        messages.error(request, _("Only a drafter of an agency can create a dossier."))
        return redirect("workflow:home")
    form = DossierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.create_dossier(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("workflow:dossier", pk=dossier.pk)
    return render(request, "workflow/dossier_form.html", {"form": form})


@login_required
def dossier_edit(request, pk):
    dossier = selectors.dossier_for(request.user, pk)
    if not permissions.may_edit_dossier(request.user, dossier):
        messages.error(request, _("You cannot edit this dossier at its current stage."))
        return redirect("workflow:dossier", pk=pk)
    initial = {"title": dossier.title, "program": dossier.program, "summary": dossier.summary}
    form = DossierEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_dossier(user=request.user, dossier_id=pk, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("workflow:dossier", pk=pk)
    return render(request, "workflow/dossier_form.html", {"form": form, "dossier": dossier})


@login_required
def dossier_detail(request, pk):
    return _detail_page(request, selectors.dossier_for(request.user, pk))


def _detail_page(request, dossier, *, kept=None, **bound_forms):
    """The dossier page; a form sent back with an error keeps what the user typed.

    `kept` adds context as it is (a refused transition's comment); a bound form the page no
    longer shows (the round closed meanwhile) has its errors said as messages instead.
    """
    actions = [ACTIONS[name] for name in selectors.available_actions(request.user, dossier)]
    history = list(selectors.history_of(dossier))
    context = {
        "dossier": dossier,
        "actions": actions,
        "blocked": [
            (ACTIONS[name], reason)
            for name, reason in selectors.blocked_actions(request.user, dossier)
        ],
        # The completeness checklist goes with the acceptance button only.
        "checklist": (
            selectors.policy_for(dossier.kind).checklist
            if any(action.name == ACCEPT for action in actions)
            else []
        ),
        "may_preview_decision": permissions.may_preview_decision(request.user, dossier),
        # The latest steps stay in view; what is past folds away.
        "history": history[-RECENT_HISTORY:],
        "earlier_history": history[:-RECENT_HISTORY],
        "may_edit": permissions.may_edit_dossier(request.user, dossier),
        **_process_context(request.user, dossier),
    }
    for name, form in bound_forms.items():
        if context.get(name) is not None:
            context[name] = form
        else:
            for error in form.errors.get("__all__", []):
                messages.error(request, error)
    context.update(kept or {})
    return render(request, "workflow/dossier_detail.html", context)


def _process_context(user, dossier) -> dict:
    # The rounds are read once, with their seats and current votes: the open one, the user's
    # seat and vote are found among them.
    rounds = selectors.rounds_of(dossier)
    open_round = next((r for r in rounds if r.is_open), None)
    context = {
        "process": selectors.process_status(dossier, open_round),
        "rounds": rounds,
        "open_round": open_round,
        "vote_form": None,
        "round_form": None,
        "appraisal_form": None,
        "may_close_round": permissions.may_close_round(user, open_round),
    }
    if selectors.voting_seat(user, open_round):
        context["vote_form"] = VoteForm(initial=_current_vote_of(user, open_round))
    if permissions.may_open_round(user, dossier):
        context["round_form"] = RoundForm(candidates=selectors.council_candidates())
    if permissions.may_appraise(user, dossier):
        context["appraisal_form"] = AppraisalForm()
    return context


def _current_vote_of(user, round_) -> dict:
    """A member sees their own current vote on the form, ready to correct (rounds_of's
    `current_votes` hold it)."""
    vote = next((v for v in round_.current_votes if v.member_id == user.pk), None)
    if vote is None:
        return {}
    return {
        "choice": vote.choice,
        "comment": vote.comment,
        "conditions": vote.conditions,
        "conflict": vote.conflict,
    }


@login_required
def inbox(request):
    return render(
        request,
        "workflow/inbox.html",
        {
            "tasks": Pages(selectors.inbox_for(request.user), LIST_ROWS).get_page(
                request.GET.get("page")),
            "open_votes": selectors.open_votes_for(request.user),
            "today": timezone.localdate(),
        },
    )


def _run(request, pk, service, success, **kwargs):
    try:
        service(user=request.user, **kwargs)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("workflow:dossier", pk=pk)


def _run_form(request, dossier, form_name, form, service, success, **kwargs):
    """Run a council or appraisal service for a valid form, once for the form's key; on
    refusal, show the form again."""

    def work():
        service(user=request.user, **kwargs)
        return str(success)

    try:
        return _once(request, dossier.pk, work)
    except DomainError as error:
        form.add_error(getattr(error, "field", None), error.message)
        return _detail_page(request, dossier, **{form_name: form})


@login_required
@require_POST
def round_open(request, pk):
    dossier = selectors.dossier_for(request.user, pk)
    form = RoundForm(request.POST, candidates=selectors.council_candidates())
    if not form.is_valid():
        return _detail_page(request, dossier, round_form=form)
    return _run_form(
        request,
        dossier,
        "round_form",
        form,
        services.open_round,
        _("The review round is open."),
        dossier_id=dossier.pk,
        chair_id=form.cleaned_data["chair"].pk,
        member_ids=[m.pk for m in form.cleaned_data["members"]],
        due_on=form.cleaned_data["due_on"],
    )


def _done_before(request, pk):
    """The redirect for a form sent again after it was done (see documents.submissions)."""
    earlier = submissions.earlier_outcome(request.user, submissions.key_of(request))
    if earlier is None:
        return None
    messages.info(request, submissions.already_done(earlier))
    return redirect("workflow:dossier", pk=pk)


def _once(request, pk, work):
    """Do `work` (returning the success message) once for this form; redirect to the dossier."""
    outcome, done_before = submissions.run_once(request, lambda: {"message": work()})
    if done_before:
        messages.info(request, submissions.already_done(outcome))
    else:
        messages.success(request, outcome["message"])
    return redirect("workflow:dossier", pk=pk)


@login_required
@require_POST
def round_vote(request, pk, round_id):
    dossier = selectors.dossier_for(request.user, pk)
    if parse_id(round_id) is None or not dossier.rounds.filter(pk=round_id).exists():
        raise Http404
    done = _done_before(request, pk)
    if done is not None:
        return done
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, dossier, vote_form=form)
    return _run_form(
        request,
        dossier,
        "vote_form",
        form,
        services.cast_vote,
        _("Your vote is recorded."),
        round_id=round_id,
        **form.cleaned_data,
    )


@login_required
@require_POST
def round_close(request, pk, round_id):
    dossier = selectors.dossier_for(request.user, pk)
    round_ = dossier.rounds.filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    if not round_.is_open:
        messages.info(
            request,
            _("This round was already closed on %(when)s; nothing was changed.")
            % {"when": date_format(timezone.localtime(round_.closed_at), "d/m/Y H:i")},
        )
        return redirect("workflow:dossier", pk=pk)
    return _run(
        request, pk, services.close_round, _("The round is closed and tallied."), round_id=round_id
    )


@login_required
@require_POST
def appraisal_record(request, pk):
    dossier = selectors.dossier_for(request.user, pk)
    form = AppraisalForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, dossier, appraisal_form=form)
    return _run_form(
        request,
        dossier,
        "appraisal_form",
        form,
        services.record_appraisal,
        _("The appraisal is recorded."),
        dossier_id=dossier.pk,
        **form.cleaned_data,
    )


@login_required
@require_POST
def dossier_transition(request, pk, action):
    dossier = selectors.dossier_for(request.user, pk)
    if not is_button_action(action):
        messages.error(request, _("This is decided by a review round or a recorded appraisal."))
        return redirect("workflow:dossier", pk=pk)
    done = _done_before(request, pk)
    if done is not None:
        return done
    form = TransitionForm(request.POST)
    # A refused comment (too long…) is shown again with its error, never dropped.
    kept = {"transition_form": form, "failed_action": action}
    if not form.is_valid():
        return _detail_page(request, dossier, kept=kept)

    def transition():
        services.transition_dossier(
            dossier_id=dossier.pk,
            action=action,
            user=request.user,
            comment=form.cleaned_data["comment"],
            # The acceptance records the completeness checklist the secretary ticked.
            checked=request.POST.getlist("checked") if action == ACCEPT else None,
        )
        return _("Done: %(action)s.") % {"action": ACTIONS[action].label}

    try:
        return _once(request, pk, transition)
    except DomainError as error:
        # Refused for the dossier's sake (stage, permission): said on the page it comes back to.
        messages.error(request, error.message)
        return redirect("workflow:dossier", pk=pk)
