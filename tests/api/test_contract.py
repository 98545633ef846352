"""Contract test: schemathesis generates requests from the served OpenAPI schema for every
operation and sends each with a token of every role: no 5xx, every answer matches the schema.
Bounded (a few examples an operation) so CI stays quick."""

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from tests.api.conftest import ROLES

_turns = itertools.count()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_the_test_connection():
    # schemathesis calls the WSGI application itself, which closes the database connection at
    # the end of each request; Django's test client stops that, and so must we here, or the
    # test's transaction (on PostgreSQL, a real connection) is closed under it.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def contract_world(world, keep_the_test_connection):
    # Something for each role to find: dossiers of both agencies at several stages.
    for stage in ("draft", "submitted", "council_review", "appraisal", "approved"):
        world.dossier(state=stage, kind="project")
    return world


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,  # no example database left in the work tree
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract_for_every_role(case, contract_world):
    identities = [*ROLES, None]
    if case.meta is not None and case.meta.phase.name == "coverage":
        # The coverage phase sends many boundary cases per operation: each goes to two
        # identities in turn, so every role still meets every operation's boundaries.
        start = next(_turns) % len(identities)
        identities = [identities[start], identities[(start + 1) % len(identities)]]
    for role in identities:
        token = contract_world.tokens.get(role)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        # A schema-valid request may still be refused for what it means (a stage, a rule):
        # that is a 4xx with a reason, so "positive data acceptance" does not apply.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
