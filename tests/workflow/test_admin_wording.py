"""The admin in Vietnamese: the product's name, and no raw codes where a reader sees actions."""

import pytest
from django.urls import reverse

from tests.factories import make_dossier, make_user
from workflow import services


@pytest.mark.django_db
def test_the_vietnamese_admin_names_the_product_and_the_actions(client):
    admin = make_user(is_staff=True, is_superuser=True)
    dossier = make_dossier(state="draft", kind="plan")
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=dossier.created_by)
    client.force_login(admin)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "dossierflow: quản trị hệ thống" in index and "Django" not in index
    page = client.get(
        reverse("admin:workflow_auditentry_changelist"), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    assert "Trình hồ sơ" in page and "Đã trình" in page
    assert ">submit<" not in page and ">draft<" not in page and ">submitted<" not in page
