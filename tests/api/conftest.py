"""A world of every role, each with an API token, and a client that speaks JSON with a token."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from config.api.tokens import create_token
from tests.factories import make_agency, make_dossier, make_user

ROLES = [
    "drafter",
    "other_drafter",
    "secretary",
    "council_member",
    "appraiser",
    "approver",
    "clerk",
    "administrator",
    "no_role",
]


class ApiClient:
    """The test client with `Authorization: Bearer <token>` (or nothing: anonymous)."""

    def __init__(self, token=None, language="en"):
        self.client = Client()
        self.headers = {"Accept-Language": language}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, path, body=None, **kwargs):
        if body is not None and "data" not in kwargs:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(f"/api/v1{path}", headers=self.headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("get", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("post", path, body if body is not None else {}, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.request("patch", path, body if body is not None else {}, **kwargs)


@dataclass
class World:
    agency: object
    other_agency: object
    users: dict
    tokens: dict

    def client(self, role, language="en"):
        return ApiClient(self.tokens.get(role), language)

    def dossier(self, state="draft", kind="plan", **fields):
        return make_dossier(
            agency=self.agency, state=state, kind=kind, created_by=self.users["drafter"], **fields
        )


@pytest.fixture
def world(db):
    agency, other = make_agency(), make_agency()
    users = {
        "drafter": make_user("drafter", agency),
        "other_drafter": make_user("drafter", other),
        "secretary": make_user("secretary"),
        "council_member": make_user("council_member"),
        "appraiser": make_user("appraiser"),
        "approver": make_user("approver"),
        "clerk": make_user("clerk"),
        "administrator": make_user("administrator", is_superuser=True, is_staff=True),
        "no_role": make_user(None, agency),
        "second_member": make_user("council_member"),  # for rounds of more than the chair
    }
    tokens = {
        role: create_token(user=user, name="test", days=30)[1] for role, user in users.items()
    }
    return World(agency=agency, other_agency=other, users=users, tokens=tokens)
