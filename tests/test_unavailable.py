"""When the database cannot be reached for a moment (restarting, failing over), a page or an API
call is a 503 with Retry-After, which tells a person, a client or a load balancer that the same
request may work shortly; any other failure stays a 500. Both are logged with the exception."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError

from accounts.sessions import SessionStore


@pytest.fixture
def failing_session_read(monkeypatch):
    """Makes reading a session (the first database read of a signed-in request) raise `error`."""

    def fail_with(error: Exception) -> None:
        def read(self):
            raise error

        monkeypatch.setattr(SessionStore, "_get_session_from_db", read)

    return fail_with


@pytest.fixture
def signed_in(client, hestia_member):
    client.force_login(hestia_member)
    client.raise_request_exception = False
    return client


def test_an_unreachable_database_is_a_503_with_retry_after(
    signed_in, failing_session_read, caplog
):
    failing_session_read(OperationalError("connection refused"))

    with caplog.at_level(logging.ERROR, logger="django.request"):
        page = signed_in.get("/complaints/")
        api = signed_in.get("/api/v1/complaints/")

    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in page["Cache-Control"]
    assert "Sorry, the service is unavailable" in page.content.decode()
    assert api.status_code == 503
    assert api["Retry-After"] == "5"
    assert api.json()["code"] == "unavailable"
    # Once per request.
    logged = [r.exc_info[0] for r in caplog.records if r.exc_info]
    assert logged == [OperationalError, OperationalError]


def test_any_other_failure_is_a_500(signed_in, failing_session_read, caplog):
    failing_session_read(RuntimeError("a fault in the code"))

    with caplog.at_level(logging.ERROR, logger="django.request"):
        page = signed_in.get("/complaints/")

    assert page.status_code == 500
    assert "Retry-After" not in page
    assert "Sorry, there is a problem with the service" in page.content.decode()
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [RuntimeError]
