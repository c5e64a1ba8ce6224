"""Schemathesis against the live schema (`/api/schema/`), in process, on the demo data: for an
anonymous client, a designated body's member (hestia), an investigator and a force (met), every
documented GET operation answers with no server error and as documented (status code, content
type, body schema). The figures are printed for CI, e.g.

    schemathesis: met: 412 cases, 0 server errors, 0 schema violations

Generated cases are derandomised, so CI sees the same cases every run; a failure lists each
failing request with a curl command to reproduce it.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import Failure, FailureGroup, ServerError

from accounts.models import User
from api.models import ApiToken
from config.wsgi import application

# Personas named by the issue: anonymous, a designated body, an investigator and a force.
PERSONAS = [None, "hestia", "investigator", "met"]
# CI's bounds; `scripts/fuzz_api.sh` raises them, adds the writes and randomises the cases.
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))
METHODS = set(os.environ.get("SCHEMATHESIS_METHODS", "GET").upper().split(","))
RANDOM = os.environ.get("SCHEMATHESIS_RANDOM") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SHOWN_FAILURES = int(os.environ.get("SCHEMATHESIS_SHOWN", "10"))


@dataclass
class Example:
    """The first response that failed a given way, and how many did."""

    details: str
    curl: str
    count: int = 0


@dataclass
class Tally:
    cases: int = 0
    server_errors: int = 0
    schema_violations: int = 0
    # (operation, failure titles) -> its first example
    examples: dict[tuple[str, str], Example] = field(default_factory=dict)

    def record(self, case: schemathesis.Case, failures: list[Failure]) -> None:
        if any(isinstance(f, ServerError) for f in failures):
            self.server_errors += 1
        if any(not isinstance(f, ServerError) for f in failures):
            self.schema_violations += 1
        key = (case.operation.label, "; ".join(sorted({f.title for f in failures})))
        example = self.examples.setdefault(
            key,
            Example(
                details="\n".join(f.message for f in failures if f.message),
                curl=case.as_curl_command(),
            ),
        )
        example.count += 1

    def report(self) -> str:
        shown = list(self.examples.items())[:SHOWN_FAILURES]
        return "\n\n".join(
            f"{operation}: {titles} ({example.count} responses), e.g.\n"
            f"{example.details}\n    {example.curl}"
            for (operation, titles), example in shown
        )


@pytest.fixture
def unthrottled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Hundreds of cases a second from one address and token: let them reach the views (the
    # throttles have their own tests in test_api_public.py).
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        dict.fromkeys(SimpleRateThrottle.THROTTLE_RATES),
    )
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def quiet_client_errors() -> Iterator[None]:
    # Thousands of expected 4xx would bury the one traceback of a 500, which is still logged.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def app_in_process() -> Iterator[object]:
    """The WSGI application, called in this thread inside the test's transaction. Django's test
    client does the same: it stops each request from closing the (test's) connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def exercise(
    operation: schemathesis.APIOperation, headers: dict[str, str], tally: Tally
) -> None:
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=not RANDOM,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=hypothesis.Verbosity.quiet,
    )
    @hypothesis.given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        tally.cases += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            tally.record(case, list(group.exceptions))
        except Failure as failure:
            tally.record(case, [failure])

    run()


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonymous")
def test_every_get_operation_answers_as_documented(
    db, app_in_process, unthrottled, quiet_client_errors, figure, persona
):
    call_command("seed_demo", stdout=io.StringIO())
    headers = {}
    if persona:
        _token, secret = ApiToken.issue(
            User.objects.get(username=persona), "schemathesis"
        )
        headers["Authorization"] = f"Bearer {secret}"
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app_in_process)
    tally = Tally()

    for result in schema.get_all_operations():
        operation = result.ok()
        if "ALL" in METHODS or operation.method.upper() in METHODS:
            exercise(operation, headers, tally)

    figure(
        f"schemathesis: {persona or 'anonymous'}: {tally.cases} cases, "
        f"{tally.server_errors} server errors, "
        f"{tally.schema_violations} schema violations"
    )
    assert (tally.server_errors, tally.schema_violations) == (0, 0), tally.report()
    assert tally.cases > 0
