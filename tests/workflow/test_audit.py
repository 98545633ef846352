import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from tests.factories import make_dossier, make_user
from workflow import services
from workflow.models import AuditEntry


@pytest.fixture
def entry(db):
    dossier = make_dossier()
    services.transition_dossier(
        dossier_id=dossier.pk, action="submit", user=make_user("drafter", dossier.agency)
    )
    return AuditEntry.objects.get(action="submit")


def test_audit_entry_cannot_be_changed_through_the_orm(entry):
    entry.comment = "rewritten"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_audit_trail_cannot_be_updated_in_the_database(entry):
    statement = "UPDATE workflow_auditentry SET comment = 'rewritten'"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.get(pk=entry.pk).comment == ""


@pytest.mark.postgres
def test_audit_rows_cannot_be_deleted_in_postgresql(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM workflow_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_bulk_queryset_writes_are_refused_too(entry):
    with pytest.raises(ValidationError):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="rewritten")
    with pytest.raises(ValidationError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_edit_is_audited_with_the_changed_fields():
    dossier = make_dossier()
    drafter = make_user("drafter", dossier.agency)
    services.update_dossier(
        user=drafter,
        dossier_id=dossier.pk,
        title="Tên mới",
        program=dossier.program,
        summary=dossier.summary,
    )
    entry = AuditEntry.objects.get(action="edit")
    assert entry.actor == drafter and entry.details == {"fields": ["title"]}
