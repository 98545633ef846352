"""Factories that build the world a test needs, nothing more."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from workflow.models import Agency, Dossier, Profile

_counter = itertools.count(1)

PASSWORD = "test-pass-123"


def make_agency(name=None, abbreviation="TU") -> Agency:
    n = next(_counter)
    return Agency.objects.create(
        code=f"agency-{n}", name=name or f"Tỉnh ủy thử nghiệm {n}", abbreviation=abbreviation
    )


def make_user(role=None, agency=None, username=None, **fields):
    n = next(_counter)
    user = get_user_model().objects.create_user(
        username=username or f"{role or 'user'}-{n}", password=PASSWORD, **fields
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    Profile.objects.create(user=user, agency=agency)
    return user


def make_dossier(agency=None, state="draft", kind="plan", created_by=None, **fields) -> Dossier:
    """A dossier placed directly at a stage, for tests about what happens from there."""
    agency = agency or make_agency()
    created_by = created_by or make_user("drafter", agency)
    values = {
        "title": "Kế hoạch ứng dụng công nghệ thông tin giai đoạn 2021–2025",
        "program": "Chương trình 27",
        "summary": "Nâng cấp hạ tầng và số hóa hồ sơ.",
        **fields,
    }
    return Dossier.objects.create(
        agency=agency, kind=kind, state=state, created_by=created_by, **values
    )
