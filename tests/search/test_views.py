"""The search page and the JSON API, as a logged-in user sees them."""

import pytest

from search import services
from search.backends import database_backend
from tests.factories import PASSWORD, make_agency, make_dossier, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafter_with_dossier(client):
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossier = make_dossier(agency=agency, created_by=drafter,
                           title="Kế hoạch <script>alert(1)</script> chuyển đổi số")
    database_backend().replace_dossier(dossier.pk, services.entries_for(dossier))
    client.login(username=drafter.username, password=PASSWORD)
    return drafter, dossier


def test_the_page_shows_hits_with_marked_and_escaped_snippets(client, drafter_with_dossier):
    response = client.get("/search/", {"q": "ke hoach"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Kế</mark> <mark>hoạch</mark>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_a_mistyped_query_is_a_message_not_an_error(client, drafter_with_dossier):
    response = client.get("/search/", {"q": "-"})
    assert response.status_code == 400
    assert '<li class="error">' in response.content.decode()


def test_the_api_answers_json_with_hits_and_facets(client, drafter_with_dossier):
    _drafter, dossier = drafter_with_dossier
    data = client.get("/search/api/", {"q": '"chuyen doi so"', "kind": "plan"}).json()
    assert data["total"] == 1
    hit = data["hits"][0]
    assert hit["dossier"]["id"] == dossier.pk
    assert "<mark>chuyển đổi số</mark>" in hit["title_html"]
    assert data["facets"]["kind"][0]["value"] == "plan"
    bad = client.get("/search/api/", {"q": "-only -excluded"})
    assert bad.status_code == 400 and bad.json()["error"]


def test_search_needs_a_login(client):
    assert client.get("/search/", {"q": "x"}).status_code == 302


def test_a_document_hit_opens_the_document_where_the_words_matched(
    client, drafter_with_dossier, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import services as documents
    from tests.documents.sample_files import simple_docx

    drafter, dossier = drafter_with_dossier
    with django_capture_on_commit_callbacks(execute=True):
        version = documents.upload_document(
            user=drafter,
            dossier=dossier,
            doc_type="main",
            uploaded_file=SimpleUploadedFile(
                "du-thao.docx", simple_docx(paragraphs=["Hạ tầng mạng diện rộng của Tỉnh ủy"])
            ),
        )
    data = client.get("/search/api/", {"q": "ha tang mang dien rong"}).json()
    urls = [hit["document"]["url"] for hit in data["hits"]]
    assert urls == [f"/documents/versions/{version.pk}/"]
    page = client.get(data["hits"][0]["document"]["url"])
    assert page.status_code == 200 and "Hạ tầng mạng diện rộng" in page.content.decode()
