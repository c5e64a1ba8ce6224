"""Signing in and staying signed in: throttled guessing (django-axes), sessions that end when idle
and after 12 hours whatever happens, and a disabled account's live session and tokens stop at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts import backends
from accounts.backends import signed_in_user
from accounts.models import Organisation, Role, RoleGrant, User
from api.models import ApiToken
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        "/sign-in/", {"username": username, "password": password}, **extra
    )


def test_the_sixth_wrong_password_locks_that_username_from_that_address(
    hestia_member, cwj_member
):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, hestia_member.username, "wrong-password-1")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()

    locked = sign_in(client, hestia_member.username, "wrong-password-1")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()

    # Even the right password is refused while the lock lasts, and no session is made.
    refused = sign_in(client, hestia_member.username)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session

    # Another person at the same address, and the same person from another address, are not locked.
    assert sign_in(Client(), cwj_member.username).status_code == 302
    assert (
        sign_in(Client(), hestia_member.username, REMOTE_ADDR="192.0.2.7").status_code
        == 302
    )
    assert AccessAttempt.objects.filter(username=hestia_member.username).exists()


def test_the_lock_lifts_after_the_cool_off_and_success_clears_the_count(
    hestia_member,
):
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, hestia_member.username, "wrong-password-1")
        assert sign_in(client, hestia_member.username).status_code == 429

        clock.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        assert sign_in(client, hestia_member.username).status_code == 302
        assert not AccessAttempt.objects.filter(
            username=hestia_member.username, failures_since_start__gt=0
        ).exists()


def test_the_client_address_comes_from_trusted_proxies_only(hestia_member, settings):
    """Behind one proxy, the address is the one the proxy saw; a client's own X-Forwarded-For
    entries (to the left) cannot move the lock to someone else."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            Client(),
            hestia_member.username,
            "wrong-password-1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    spoofing = sign_in(
        Client(),
        hestia_member.username,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
    )
    assert spoofing.status_code == 429
    elsewhere = sign_in(
        Client(), hestia_member.username, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert elsewhere.status_code == 302


@pytest.fixture(autouse=True)
def _touch_every_minute(settings):
    settings.SESSION_TOUCH_SECONDS = 60


def test_an_idle_session_ends_after_thirty_minutes(hestia_member):
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        assert sign_in(client, hestia_member.username).status_code == 302
        assert client.get("/complaints/").status_code == 200

        # Activity keeps it alive: a request every 25 minutes for two hours.
        for _ in range(5):
            clock.shift(dt.timedelta(minutes=25))
            assert client.get("/complaints/").status_code == 200

        clock.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        response = client.get("/complaints/")
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(hestia_member):
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        sign_in(client, hestia_member.username)
        session_key = client.session.session_key
        for _ in range(12 * 60 // 20):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/complaints/").status_code == 200

        clock.shift(dt.timedelta(minutes=20, seconds=1))
        response = client.get("/complaints/")
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
        # Signed out for real: the old session is gone from the store.
        assert not Session.objects.filter(session_key=session_key).exists()
        page = client.get("/sign-in/")
        assert "You were signed out after 12 hours" in page.content.decode()


def test_the_session_expiry_is_moved_at_most_once_a_minute(hestia_member):
    """The idle limit slides forward without a session write on every request."""
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        sign_in(client, hestia_member.username)
        key = client.session.session_key
        first = Session.objects.get(session_key=key).expire_date
        clock.shift(dt.timedelta(seconds=30))
        client.get("/complaints/")
        assert Session.objects.get(session_key=key).expire_date == first
        clock.shift(dt.timedelta(seconds=31))
        client.get("/complaints/")
        assert Session.objects.get(session_key=key).expire_date == timezone.now() + (
            dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        )


def test_a_disabled_users_live_session_and_tokens_stop_at_once(hestia_member):
    client = Client()
    sign_in(client, hestia_member.username)
    _token, secret = ApiToken.issue(hestia_member, "script")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/complaints/").status_code == 200
    assert client.get("/api/v1/complaints/").status_code == 200
    assert Client().get("/api/v1/complaints/", **bearer).status_code == 200

    hestia_member.is_active = False
    hestia_member.save(update_fields=["is_active"])

    page = client.get("/complaints/")
    assert page.status_code == 302
    assert page["Location"].startswith("/sign-in/")
    assert client.get("/api/v1/complaints/").status_code in (401, 403)
    assert Client().get("/api/v1/complaints/", **bearer).status_code == 401
    # And the password no longer signs them in.
    assert sign_in(Client(), hestia_member.username).status_code == 200


def test_the_user_is_read_with_organisation_and_roles_and_a_removed_role_stops_at_once(
    hmicfrs_monitor, django_assert_num_queries
):
    RoleGrant.objects.create(user=hmicfrs_monitor, role=Role.TRIAGER)
    with django_assert_num_queries(1):
        user = signed_in_user(str(hmicfrs_monitor.pk))
    with django_assert_num_queries(0):
        assert user.roles == {Role.MONITOR, Role.TRIAGER}
        assert user.organisation == hmicfrs_monitor.organisation
        assert user.organisation.kind == hmicfrs_monitor.organisation.kind
    stored = User.objects.select_related("organisation").get(pk=user.pk)
    for model, loaded, expected in (
        (User, user, stored),
        (Organisation, user.organisation, stored.organisation),
    ):
        for field in model._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(expected, field.attname)
    assert timezone.is_aware(user.date_joined)
    assert user._state.db == "default"
    assert not user._state.adding
    client = Client()
    sign_in(client, hmicfrs_monitor.username)
    assert client.get("/monitoring/").status_code == 200
    assert client.get("/complaints/intake/").status_code == 200

    RoleGrant.objects.filter(user=hmicfrs_monitor, role=Role.TRIAGER).delete()

    assert client.get("/complaints/intake/").status_code == 403
    assert client.get("/monitoring/").status_code == 200


def test_a_user_without_an_organisation_or_an_unknown_id_loads_as_expected(db):
    loner = UserFactory(organisation=None)
    RoleGrant.objects.create(user=loner, role=Role.MONITOR)  # held, but counts nowhere

    loaded = signed_in_user(loner.pk)

    assert loaded.organisation is None
    assert loaded.roles == frozenset()
    assert signed_in_user(loner.pk + 1000) is None
    assert signed_in_user("not a number") is None


def test_on_another_database_the_user_is_read_through_the_orm(
    hmicfrs_monitor, monkeypatch
):
    monkeypatch.setattr(backends, "_JOINED_ROLES", {})
    backends._query.cache_clear()
    try:
        user = signed_in_user(hmicfrs_monitor.pk)
    finally:
        backends._query.cache_clear()

    assert user == hmicfrs_monitor
    assert user.organisation == hmicfrs_monitor.organisation
    assert user.roles == {Role.MONITOR}


def test_a_changed_password_ends_other_sessions(hestia_member):
    client = Client()
    sign_in(client, hestia_member.username)
    hestia_member.set_password("a-new-long-password-2026")
    hestia_member.save()
    assert client.get("/complaints/").status_code == 302


def test_signing_out_deletes_the_session_server_side(hestia_member):
    client = Client()
    sign_in(client, hestia_member.username)
    key = client.session.session_key
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    assert stolen.get("/complaints/").status_code == 200

    client.post("/sign-out/")
    assert not Session.objects.filter(session_key=key).exists()
    assert stolen.get("/complaints/").status_code == 302


@pytest.mark.parametrize("path", ["/sign-in/", "/sign-out/"])
def test_sign_in_and_out_need_the_csrf_token(hestia_member, path):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        path, {"username": hestia_member.username, "password": PASSWORD}
    )
    assert response.status_code == 403
