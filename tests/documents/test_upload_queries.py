"""An upload that succeeds is redirected: it reads the annexes it may add to, not every version
of every document, and the dossier once."""

import pytest
from django.urls import reverse

from documents import services
from documents.models import Document
from tests.factories import make_agency, make_dossier, make_user

from .conftest import upload
from .sample_files import simple_docx

pytestmark = pytest.mark.django_db

# Session, the user with their roles and profile (workflow.backends), dossier, annexes, then the
# upload's own (savepoints count).
UPLOAD_QUERIES = 14


def test_a_new_version_of_an_annex_is_stored_without_reading_the_documents_again(
    client, django_assert_max_num_queries
):
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossier = make_dossier(agency=agency, created_by=drafter)
    for n in range(3):
        services.upload_document(user=drafter, dossier=dossier, doc_type="main",
                                 uploaded_file=upload(simple_docx(heading=f"Dự thảo lần {n}")))
    annex = services.upload_document(
        user=drafter, dossier=dossier, doc_type="annex", title="Phụ lục kinh phí",
        uploaded_file=upload(simple_docx(heading="Phụ lục"))).document
    client.force_login(drafter)
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    with django_assert_max_num_queries(UPLOAD_QUERIES) as captured:
        response = client.post(url, {"doc_type": "annex", "annex": str(annex.pk),
                                     "file": upload(simple_docx(heading="Phụ lục, sửa"))})
    assert response.status_code == 302
    assert annex.versions.count() == 2
    assert Document.objects.filter(dossier=dossier).count() == 2
    version_reads = [q["sql"] for q in captured.captured_queries
                     if q["sql"].startswith('SELECT "documents_documentversion"."id"')]
    assert version_reads == [], version_reads
    # The page itself still lists every document with its versions, the annex among the choices.
    page = client.get(url).content.decode()
    assert f'<option value="{annex.pk}">Phụ lục kinh phí</option>' in page
