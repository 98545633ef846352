"""Two people clicking at the same moment: a dossier takes one transition, numbers stay unique."""

import threading

import pytest
from django.db import close_old_connections

from tests.factories import make_agency, make_dossier, make_user
from workflow import services
from workflow.errors import TransitionRefused
from workflow.models import AuditEntry, Dossier


def run_at_once(functions):
    """Start every function on its own thread behind one barrier; return results or errors."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as error:  # the test inspects what each thread got
            results[i] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_clicking_at_once_approve_once():
    dossier = make_dossier(state="awaiting_approval")
    approvers = [make_user("approver") for _ in range(2)]
    a_reject = lambda: services.transition_dossier(  # noqa: E731
        dossier_id=dossier.pk, action="reject", user=approvers[1], comment="Không đạt"
    )
    results = run_at_once(
        [
            lambda: services.transition_dossier(
                dossier_id=dossier.pk, action="approve", user=approvers[0]
            ),
            a_reject,
        ]
    )
    succeeded = [r for r in results if isinstance(r, Dossier)]
    refused = [r for r in results if isinstance(r, TransitionRefused)]
    assert len(succeeded) == 1 and len(refused) == 1, results
    final = Dossier.objects.get(pk=dossier.pk)
    assert final.state == succeeded[0].state
    assert AuditEntry.objects.filter(dossier=dossier).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_get_distinct_consecutive_decision_numbers():
    agency = make_agency()
    dossiers = [make_dossier(agency=agency, state="awaiting_approval") for _ in range(8)]
    approver = make_user("approver")
    results = run_at_once(
        [
            (
                lambda pk=d.pk: services.transition_dossier(
                    dossier_id=pk, action="approve", user=approver
                )
            )
            for d in dossiers
        ]
    )
    assert all(isinstance(r, Dossier) for r in results), results
    numbers = sorted(int(d.decision_number.split("-")[0]) for d in Dossier.objects.all())
    assert numbers == list(range(1, 9))


@pytest.mark.django_db(transaction=True)
def test_a_dossier_submitted_twice_moves_once():
    """On either database: the second click finds the dossier already submitted."""
    dossier = make_dossier()
    drafter = make_user("drafter", dossier.agency)
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    with pytest.raises(TransitionRefused):
        services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    assert AuditEntry.objects.filter(dossier=dossier, action="submit").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_overlapping_parts_of_the_follow_ups_apply_each_once(settings):
    """As while the follow-ups job is split anew (part [1/2] of the old split and [1/3] of the new
    both hold dossier 6): the dossier's row lock lets one apply its follow-ups, the other finds
    them gone."""
    from workflow import flows, jobs
    from workflow.dashboard.models import StageVisit
    from workflow.models import FollowUp
    from workflow.notifications.models import Notification

    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    agency = make_agency()
    drafter, secretary = make_user("drafter", agency), make_user("secretary")
    dossiers = [services.create_dossier(user=drafter, kind="plan", title=f"Kế hoạch {i}",
                                        program="CT27", summary="Tóm tắt") for i in range(12)]
    for dossier in dossiers:
        services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
        services.transition_dossier(dossier_id=dossier.pk, action="accept", user=secretary)
    waiting = FollowUp.objects.count()
    assert waiting == 3 * len(dossiers)

    results = run_at_once([lambda: jobs.run_follow_ups(limit=100, part=(1, 1)),
                           lambda: jobs.run_follow_ups(limit=100, part=(1, 2))])
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == waiting and not FollowUp.objects.exists()
    for dossier in dossiers:
        assert StageVisit.objects.filter(dossier=dossier).count() == 3
        assert flows.active_task(dossier).flow_task is flows.DossierFlow.council_review
        assert Notification.objects.filter(dossier_id=dossier.pk, recipient=secretary).count() == 1
