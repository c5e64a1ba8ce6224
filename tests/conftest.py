"""Named personas, one per role that matters to the intake and investigation workflows."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection

from accounts.models import Role
from investigations.models import Investigation
from tests.factories import (
    COLLEGE,
    HMICFRS,
    IOPC,
    MOPAC,
    EligibleComplaintFactory,
    Team,
    UserFactory,
    investigation_in,
    org,
    published_report,
)

# The `figure` fixture and the hooks that print the figures at the end of the run.
from tests.figures import (  # noqa: F401
    figure,
    pytest_runtest_logreport,
    pytest_terminal_summary,
)

# The tests that take tens of seconds each, with their rough cost in seconds on one core. Under
# xdist they are spread over the workers and started first (`_spread_the_long_tests`); otherwise
# one of them can start last and leave a core idle for a minute or two at the end of the run.
LONG_TESTS = {
    "tests/test_accessibility.py::test_every_page_passes_axe_for_every_role_and_state": 140,
    "tests/test_object_probe.py::test_no_persona_reaches_an_object_or_text_it_may_not_see": 80,
    "tests/test_xss.py::test_every_text_field_reaches_every_channel_inert": 65,
    "tests/test_route_matrix.py::test_every_persona_gets_what_the_table_says_on_every_route": 60,
    "tests/test_demo_seed.py::test_every_response_page_of_the_demo_renders": 17,
    "tests/test_stateful_workflows.py::test_investigation_workflow_against_its_model": 16,
    "tests/test_api_schemathesis.py::test_every_get_operation_answers_as_documented": 14,
    "tests/test_api_resources.py::test_idor_probe_every_persona_sees_exactly_what_visible_to_allows": 15,
    "tests/test_hostile_uploads.py::test_every_hostile_upload_is_refused_with_its_message_and_nothing_is_written": 14,
    "tests/test_browser_investigation.py::test_team_takes_an_investigation_from_scoping_to_a_published_report": 14,
    "tests/test_demo_seed.py::test_every_page_of_every_demo_investigation_renders": 11,
}


def _cost(item: pytest.Item) -> int:
    return LONG_TESTS.get(item.nodeid.split("[")[0], 0)


def _django_order(item: pytest.Item) -> int:
    """pytest-django's order (which has already sorted the items): tests in a transaction first (0),
    then those that flush the database (1), then those without one (2). A flush leaves the tables
    empty, so no test in a transaction may follow one on the same worker."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if (
        marker
        and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    ) or {
        "transactional_db",
        "live_server",
    } & set(fixtures):
        return 1
    return 0 if marker or "db" in fixtures else 2


def _spread_the_long_tests(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order each of pytest-django's groups for xdist's `load` scheduling, which first hands each
    of n workers a chunk of a quarter of its share of the list, in order, then one test at a time
    in order to whichever is free (so each worker's tests keep the list's order, and a flush
    never precedes a test in a transaction). The long tests of the first group are dealt out
    over the workers' first chunks, longest first to the least loaded, so that every worker starts
    on its long tests at once; the later groups begin with theirs."""
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    if workers < 2:
        return
    chunk = max(2, len(items) // workers // 4)
    groups: dict[int, list[pytest.Item]] = {}
    for item in items:
        groups.setdefault(_django_order(item), []).append(item)
    ordered: list[pytest.Item] = []
    for order, group in sorted(groups.items()):
        long_tests = sorted((i for i in group if _cost(i)), key=_cost, reverse=True)
        short = [i for i in group if not _cost(i)]
        if order:
            ordered.extend(long_tests + short)
            continue
        shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
        for item in long_tests:
            min(shares, key=lambda share: sum(map(_cost, share))).append(item)
        for n, share in enumerate(shares):
            ordered.extend(share)
            if n < workers - 1:
                fill = max(0, chunk * (n + 1) - len(ordered))
                ordered.extend(short[:fill])
                short = short[fill:]
        ordered.extend(short)
    items[:] = ordered


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """PostgreSQL-only tests (real row locking) are deselected, not skipped, on SQLite: the CI's
    PostgreSQL run of `make test` runs them. Then the long tests are spread over the workers."""
    if connection.vendor != "postgresql":
        selected = [item for item in items if "postgres" not in item.keywords]
        deselected = [item for item in items if "postgres" in item.keywords]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected
    _spread_the_long_tests(config, items)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _cache_as_in_production(settings, alias: str, **options: Any):
    """The cache `alias` in each process's memory as in production (the tests' settings turn the
    page caches off: see config/settings.py), empty before and after the test."""
    settings.CACHES = {
        **settings.CACHES,
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{alias}",
            **options,
        },
    }
    cache = caches[alias]
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def derived_cache(settings):
    """The derived-page cache (recommendations/page_cache.py) turned on."""
    yield from _cache_as_in_production(
        settings, "derived", TIMEOUT=settings.DERIVED_CACHE_SECONDS
    )


@pytest.fixture
def records_cache(settings):
    """The complaint records cache (complaints/page_cache.py) turned on."""
    yield from _cache_as_in_production(settings, "records")


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


@pytest.fixture
def two_bodies_complaints(team):
    """Hestia's complaint (recommendations to the Met and MOPAC) and the Centre for Women's
    Justice's (to Kent Police)."""
    hestia = published_report(team)
    cwj = investigation_in(
        Investigation.State.PUBLISHED,
        team,
        complaint=EligibleComplaintFactory(
            organisation=org("centre-for-womens-justice")
        ),
        recommendations=[
            {
                "text": "Vet every officer again.",
                "recipient_kinds": [],
                "named_recipients": [org("kent-police")],
            }
        ],
    )
    return hestia, cwj
