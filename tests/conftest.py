"""Named personas, one per role that matters to the intake and investigation workflows."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import Role
from tests.factories import COLLEGE, HMICFRS, IOPC, MOPAC, Team, UserFactory, org


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """PostgreSQL-only tests (real row locking) are deselected, not skipped, on SQLite: the CI's
    PostgreSQL run of `make test` runs them."""
    if connection.vendor == "postgresql":
        return
    selected = [item for item in items if "postgres" not in item.keywords]
    deselected = [item for item in items if "postgres" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _persona(username: str, slug: str, *roles: str):
    return UserFactory(username=username, organisation=org(slug), roles=list(roles))


@pytest.fixture
def hestia_member(db):
    return _persona("hestia_member", "hestia", Role.MEMBER)


@pytest.fixture
def hestia_colleague(db):
    return _persona("hestia_colleague", "hestia", Role.MEMBER)


@pytest.fixture
def cwj_member(db):
    return _persona("cwj_member", "centre-for-womens-justice", Role.MEMBER)


@pytest.fixture
def hmicfrs_triager(db):
    return _persona("hmicfrs_triager", HMICFRS, Role.TRIAGER)


@pytest.fixture
def hmicfrs_approver(db):
    return _persona("hmicfrs_approver", HMICFRS, Role.APPROVER)


@pytest.fixture
def college_approver(db):
    return _persona("college_approver", COLLEGE, Role.APPROVER)


@pytest.fixture
def iopc_approver(db):
    return _persona("iopc_approver", IOPC, Role.APPROVER)


@pytest.fixture
def iopc_investigator(db):
    return _persona("iopc_investigator", IOPC, Role.INVESTIGATOR)


@pytest.fixture
def met_recipient(db):
    return _persona("met_recipient", "metropolitan-police-service", Role.RECIPIENT)


@pytest.fixture
def mopac_recipient(db):
    """The Met's local policing body: the Mayor's Office for Policing and Crime."""
    return _persona("mopac_recipient", MOPAC, Role.RECIPIENT)


@pytest.fixture
def kent_recipient(db):
    """Another force: what it may see of the Met's responses is nothing."""
    return _persona("kent_recipient", "kent-police", Role.RECIPIENT)


@pytest.fixture
def hmicfrs_monitor(db):
    """HMICFRS monitoring staff: they verify implementation and decide extensions."""
    return _persona("hmicfrs_monitor", HMICFRS, Role.MONITOR)


@pytest.fixture
def commissioner_monitor(db):
    return _persona(
        "commissioner_monitor",
        "victims-commissioner-for-england-and-wales",
        Role.MONITOR,
    )


@pytest.fixture
def approvers(hmicfrs_approver, college_approver, iopc_approver):
    return {
        "hmicfrs": hmicfrs_approver,
        "college": college_approver,
        "iopc": iopc_approver,
    }


@pytest.fixture
def hmicfrs_investigator(db):
    return _persona("hmicfrs_investigator", HMICFRS, Role.INVESTIGATOR)


@pytest.fixture
def hmicfrs_colleague(db):
    """A second HMICFRS investigator, put on the team by the tests that need one."""
    return _persona("hmicfrs_colleague", HMICFRS, Role.INVESTIGATOR)


@pytest.fixture
def hmicfrs_investigator_not_on_team(db):
    return _persona("hmicfrs_investigator_not_on_team", HMICFRS, Role.INVESTIGATOR)


@pytest.fixture
def college_investigator(db):
    return _persona("college_investigator", COLLEGE, Role.INVESTIGATOR)


@pytest.fixture
def team(hmicfrs_investigator, college_investigator, iopc_investigator, approvers):
    """The usual joint team: an HMICFRS lead, a College and an IOPC investigator, and an approver
    for each of the three authorities."""
    return Team(
        lead=hmicfrs_investigator,
        investigators=(college_investigator, iopc_investigator),
        approvers=(approvers["hmicfrs"], approvers["college"], approvers["iopc"]),
    )
