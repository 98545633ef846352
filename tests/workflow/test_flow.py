"""The viewflow process follows the dossier's FSM stage, and both roll back together."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from tests.factories import make_agency, make_dossier, make_user
from workflow import flows, services
from workflow.errors import TransitionRefused
from workflow.models import Dossier, DossierProcess
from workflow.signals import dossier_transitioned


def node_of(dossier):
    return flows.active_task(dossier).flow_task


@pytest.mark.django_db
def test_a_plan_walks_the_flow_from_draft_to_archive():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    people = {role: make_user(role) for role in ["secretary", "approver", "clerk"]}
    dossier = services.create_dossier(
        user=drafter, kind="plan", title="Kế hoạch", program="CT27", summary="Tóm tắt"
    )
    assert node_of(dossier) is flows.DossierFlow.drafting
    steps = [
        ("submit", drafter, flows.DossierFlow.completeness_check),
        ("return_incomplete", people["secretary"], flows.DossierFlow.revision),
        ("submit", drafter, flows.DossierFlow.completeness_check),
        ("accept", people["secretary"], flows.DossierFlow.council_review),
        ("pass_review", people["secretary"], flows.DossierFlow.approval),
        ("approve", people["approver"], flows.DossierFlow.archiving),
    ]
    for action, user, node in steps:
        dossier = services.transition_dossier(
            dossier_id=dossier.pk, action=action, user=user, comment="Lý do"
        )
        assert node_of(dossier) is node, action
        assert node.stage == flows.stage_of_task(dossier.state)
    services.transition_dossier(dossier_id=dossier.pk, action="archive", user=people["clerk"])
    process = DossierProcess.objects.get(dossier=dossier)
    assert flows.active_task(dossier) is None
    assert process.status == PROCESS.DONE
    # One task per stage visited, each opened by the one before: no gateway task in between
    # (start and its Switch placed the first), and none left waiting.
    tasks = Task.objects.filter(process=process).order_by("created", "id")
    names = [task.flow_task.name for task in tasks]
    assert names == ["start", "follow_stage", "drafting"] + [
        node.name for _action, _user, node in steps
    ] + ["end"]
    assert not tasks.filter(status=STATUS.NEW).exists()


def test_the_flow_chart_draws_the_fsm_transitions_between_stage_tasks():
    flow = flows.DossierFlow
    edges = {
        (edge.src.name, edge.dst.name)
        for node in flow.instance.nodes()
        for edge in node._outgoing()
    }
    assert ("council_review", "appraisal") in edges  # pass_review, decided when it runs
    assert ("council_review", "approval") in edges
    assert ("approval", "archiving") in edges  # approve and reject both wait for archiving
    assert ("completeness_check", "revision") in edges
    assert ("revision", "completeness_check") in edges
    assert ("archiving", "end") in edges
    assert ("drafting", "council_review") not in edges


@pytest.mark.django_db
def test_a_dossier_placed_at_a_stage_gets_its_process_on_its_first_transition():
    dossier = make_dossier(state="awaiting_approval", kind="project")
    assert not DossierProcess.objects.filter(dossier=dossier).exists()
    services.transition_dossier(
        dossier_id=dossier.pk, action="reject", user=make_user("approver"), comment="Không đạt"
    )
    assert node_of(dossier) is flows.DossierFlow.archiving


@pytest.mark.django_db
def test_withdrawing_ends_the_process():
    dossier = make_dossier(state="submitted")
    services.transition_dossier(dossier_id=dossier.pk, action="accept", user=make_user("secretary"))
    services.transition_dossier(dossier_id=dossier.pk, action="withdraw", user=dossier.created_by)
    assert flows.active_task(dossier) is None
    assert DossierProcess.objects.get(dossier=dossier).status == PROCESS.DONE


@pytest.mark.django_db(transaction=True)
def test_a_transition_failing_halfway_rolls_back_the_dossier_and_the_process_together():
    dossier = make_dossier(state="submitted")
    secretary = make_user("secretary")
    # Put the dossier on the flow at "submitted".
    services.transition_dossier(
        dossier_id=dossier.pk, action="return_incomplete", user=secretary, comment="Thiếu"
    )
    services.transition_dossier(
        dossier_id=dossier.pk, action="submit", user=dossier.created_by, comment="Đã bổ sung"
    )
    task_before = flows.active_task(dossier)
    tasks_before = Task.objects.count()

    def fail_after_the_flow_moved(sender, dossier, action, **kwargs):
        # By now the FSM has moved and the flow has opened the council review task.
        assert node_of(dossier) is flows.DossierFlow.council_review
        raise RuntimeError("search index unavailable")

    dossier_transitioned.connect(fail_after_the_flow_moved)
    try:
        with pytest.raises(RuntimeError):
            services.transition_dossier(dossier_id=dossier.pk, action="accept", user=secretary)
    finally:
        dossier_transitioned.disconnect(fail_after_the_flow_moved)

    assert Dossier.objects.get(pk=dossier.pk).state == "submitted"
    assert flows.active_task(dossier) == task_before
    assert flows.active_task(dossier).status == STATUS.NEW
    assert Task.objects.count() == tasks_before


@pytest.mark.django_db(transaction=True)
def test_a_refused_transition_leaves_the_task_where_it_was():
    dossier = make_dossier(state="submitted")
    secretary = make_user("secretary")
    services.transition_dossier(dossier_id=dossier.pk, action="accept", user=secretary)
    with pytest.raises(TransitionRefused):
        services.transition_dossier(dossier_id=dossier.pk, action="approve", user=secretary)
    assert node_of(dossier) is flows.DossierFlow.council_review
