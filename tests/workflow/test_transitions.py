"""Every transition for every role: the allowed one moves the dossier, others change nothing."""

import pytest

from tests.factories import make_agency, make_dossier, make_user
from workflow import services
from workflow.errors import InvalidInput, TransitionRefused
from workflow.models import AuditEntry, Dossier
from workflow.roles import ROLES

# action: (from stage, expected stage, kind, the roles that may take it)
TRANSITIONS = [
    ("submit", "draft", "submitted", "plan", {"drafter"}),
    ("submit", "revision_requested", "submitted", "project", {"drafter"}),
    ("withdraw", "draft", "withdrawn", "plan", {"drafter"}),
    ("withdraw", "council_review", "withdrawn", "plan", {"drafter"}),
    ("withdraw", "awaiting_approval", "withdrawn", "project", {"drafter"}),
    ("accept", "submitted", "council_review", "plan", {"secretary"}),
    ("return_incomplete", "submitted", "revision_requested", "plan", {"secretary"}),
    ("pass_review", "council_review", "awaiting_approval", "plan", {"secretary"}),
    ("pass_review", "council_review", "appraisal", "investment_report", {"secretary"}),
    ("pass_review", "council_review", "appraisal", "project", {"secretary"}),
    ("request_revision", "council_review", "revision_requested", "project", {"secretary"}),
    ("request_revision", "appraisal", "revision_requested", "project", {"appraiser"}),
    ("complete_appraisal", "appraisal", "awaiting_approval", "project", {"appraiser"}),
    ("approve", "awaiting_approval", "approved", "plan", {"approver"}),
    ("reject", "awaiting_approval", "rejected", "plan", {"approver"}),
    ("archive", "approved", "archived", "plan", {"clerk"}),
    ("archive", "rejected", "archived", "project", {"clerk"}),
]

CASES = [
    pytest.param(
        action, source, target, kind, role, role in allowed, id=f"{action}-{source}-{kind}-{role}"
    )
    for action, source, target, kind, allowed in TRANSITIONS
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize("action, source, target, kind, role, allowed", CASES)
def test_transition_for_each_role(action, source, target, kind, role, allowed):
    agency = make_agency()
    dossier = make_dossier(agency=agency, state=source, kind=kind)
    user = make_user(role, agency if role == "drafter" else None)

    if allowed:
        services.transition_dossier(
            dossier_id=dossier.pk, action=action, user=user, comment="Lý do"
        )
        dossier.refresh_from_db()
        assert dossier.state == target
        entry = AuditEntry.objects.get(dossier=dossier, action=action)
        assert (entry.actor, entry.from_state, entry.to_state) == (user, source, target)
    else:
        with pytest.raises(TransitionRefused, match="not allowed"):
            services.transition_dossier(
                dossier_id=dossier.pk, action=action, user=user, comment="x"
            )
        dossier.refresh_from_db()
        assert dossier.state == source
        assert not AuditEntry.objects.filter(dossier=dossier).exists()


ALL_ACTIONS = sorted({t[0] for t in TRANSITIONS})
STAGES = [
    "draft",
    "submitted",
    "council_review",
    "revision_requested",
    "appraisal",
    "awaiting_approval",
    "approved",
    "rejected",
    "archived",
    "withdrawn",
]
LEGAL = {(t[0], t[1]) for t in TRANSITIONS} | {
    ("withdraw", s) for s in ["submitted", "revision_requested", "appraisal"]
}


ILLEGAL = [(a, s) for a in ALL_ACTIONS for s in STAGES if (a, s) not in LEGAL]


@pytest.mark.django_db
@pytest.mark.parametrize("action, stage", ILLEGAL)
def test_out_of_order_transition_is_refused_with_the_stage_named(action, stage):
    dossier = make_dossier(state=stage, kind="project")
    superuser = make_user(None, dossier.agency, is_superuser=True)
    with pytest.raises(TransitionRefused, match="not possible"):
        services.transition_dossier(
            dossier_id=dossier.pk, action=action, user=superuser, comment="x"
        )
    assert Dossier.objects.get(pk=dossier.pk).state == stage


@pytest.mark.django_db
def test_drafter_of_another_agency_cannot_submit():
    dossier = make_dossier()
    outsider = make_user("drafter", make_agency())
    with pytest.raises(TransitionRefused):
        services.transition_dossier(dossier_id=dossier.pk, action="submit", user=outsider)
    assert Dossier.objects.get(pk=dossier.pk).state == "draft"


@pytest.mark.django_db
def test_submit_needs_a_summary():
    dossier = make_dossier(summary="")
    drafter = make_user("drafter", dossier.agency)
    with pytest.raises(TransitionRefused, match="summary"):
        services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    assert Dossier.objects.get(pk=dossier.pk).state == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action, stage, role",
    [
        ("reject", "awaiting_approval", "approver"),
        ("return_incomplete", "submitted", "secretary"),
        ("request_revision", "council_review", "secretary"),
    ],
)
def test_reasons_are_required(action, stage, role):
    dossier = make_dossier(state=stage)
    with pytest.raises(InvalidInput):
        services.transition_dossier(
            dossier_id=dossier.pk, action=action, user=make_user(role), comment="  "
        )
    assert Dossier.objects.get(pk=dossier.pk).state == stage


@pytest.mark.django_db
def test_state_cannot_be_written_directly():
    dossier = make_dossier()
    with pytest.raises(AttributeError):
        dossier.state = "approved"


@pytest.mark.django_db
def test_full_life_of_a_project_with_a_revision_loop():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    secretary, appraiser, approver, clerk = (
        make_user(r) for r in ["secretary", "appraiser", "approver", "clerk"]
    )
    dossier = services.create_dossier(
        user=drafter,
        kind="project",
        title="Dự án chuyển đổi số",
        program="Chương trình 27",
        summary="Tóm tắt",
    )
    steps = [
        ("submit", drafter, "submitted"),
        ("accept", secretary, "council_review"),
        ("request_revision", secretary, "revision_requested"),
        ("submit", drafter, "submitted"),
        ("accept", secretary, "council_review"),
        ("pass_review", secretary, "appraisal"),
        ("complete_appraisal", appraiser, "awaiting_approval"),
        ("approve", approver, "approved"),
        ("archive", clerk, "archived"),
    ]
    for action, user, expected in steps:
        dossier = services.transition_dossier(
            dossier_id=dossier.pk, action=action, user=user, comment="Ghi chú"
        )
        assert dossier.state == expected
    assert dossier.round_number == 2
    assert dossier.decision_number.endswith("-QĐ/VPTW")
    assert list(dossier.audit_entries.values_list("action", flat=True)) == ["create"] + [
        s[0] for s in steps
    ]
