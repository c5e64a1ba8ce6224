"""API tokens: created by the user in the service and shown once, stored only as a hash, acting as
their user; revoked ones and those of a disabled user stop working at once."""

import pytest
from django.test import Client

from api.models import ApiToken, hash_token


def create_token(client, name="Force dashboard"):
    page = client.post("/account/api-tokens/", {"token-name": name})
    assert page.status_code == 200
    return page.context["secret"], page


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_is_shown_once_and_stored_only_as_its_hash(client, met_recipient):
    client.force_login(met_recipient)

    secret, page = create_token(client)

    token = ApiToken.objects.get(user=met_recipient)
    assert secret.startswith("sct_")
    assert token.key_hash == hash_token(secret)
    assert secret not in str(ApiToken.objects.values_list().get())
    assert secret in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert secret not in client.get("/account/api-tokens/").content.decode()


def test_a_token_acts_as_its_user(client, met_recipient):
    client.force_login(met_recipient)
    secret, _page = create_token(client)

    me = Client().get("/api/v1/me/", **bearer(secret))

    assert me.status_code == 200
    assert me.json()["username"] == met_recipient.username
    assert me.json()["organisation"] == "Metropolitan Police Service"
    assert me.json()["roles"] == ["recipient"]
    assert me.json()["authenticated_by"] == "token"
    assert ApiToken.objects.get().last_used_at is not None


def test_no_credentials_is_a_401_in_json(db):
    answer = Client().get("/api/v1/me/")

    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Bearer"
    assert answer.json()["status"] == 401
    assert answer.json()["message"]


@pytest.mark.parametrize(
    "header", ["Bearer sct_nonsense", "Bearer not-a-token", "Bearer "]
)
def test_a_wrong_token_is_refused(db, header):
    answer = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=header)

    assert answer.status_code == 401


def test_a_revoked_token_stops_working(client, met_recipient):
    client.force_login(met_recipient)
    secret, _page = create_token(client)
    token = ApiToken.objects.get()

    client.post(f"/account/api-tokens/{token.pk}/revoke/")

    assert Client().get("/api/v1/me/", **bearer(secret)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_disabled_users_token_stops_working(client, met_recipient):
    client.force_login(met_recipient)
    secret, _page = create_token(client)
    met_recipient.is_active = False
    met_recipient.save()

    assert Client().get("/api/v1/me/", **bearer(secret)).status_code == 401


def test_nobody_revokes_or_sees_another_users_token(
    client, met_recipient, kent_recipient
):
    client.force_login(met_recipient)
    secret, _page = create_token(client, name="Met only")
    token = ApiToken.objects.get()

    client.force_login(kent_recipient)
    listing = client.get("/account/api-tokens/").content.decode()
    revoked = client.post(f"/account/api-tokens/{token.pk}/revoke/")

    assert "Met only" not in listing
    assert revoked.status_code == 404
    assert Client().get("/api/v1/me/", **bearer(secret)).status_code == 200


def test_revoking_is_post_only_with_csrf(met_recipient):
    token, _secret = ApiToken.issue(met_recipient, "x")
    client = Client(enforce_csrf_checks=True)
    client.force_login(met_recipient)

    assert client.get(f"/account/api-tokens/{token.pk}/revoke/").status_code == 405
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name(client, met_recipient):
    client.force_login(met_recipient)

    page = client.post("/account/api-tokens/", {"token-name": ""})

    assert page.status_code == 400
    assert "Say what will use this token" in page.content.decode()
    assert ApiToken.objects.count() == 0


def test_the_schema_and_docs_are_served_without_any_network(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = client.get("/api/docs/").content.decode()

    assert schema.status_code == 200
    assert "/api/v1/me/" in schema.content.decode()
    assert "swagger-ui" in docs
    assert "http://" not in docs.replace("http://testserver", "")
    assert "https://" not in docs


def test_every_signed_in_page_links_to_the_users_api_tokens(client, met_recipient):
    client.force_login(met_recipient)

    page = client.get("/responses/").content.decode()

    assert 'href="/account/api-tokens/"' in page


@pytest.mark.parametrize(
    "path", ["/api/v1/responses/-5/transitions/", "/api/v1/nowhere/", "/api/nowhere"]
)
def test_a_path_no_api_view_matches_is_a_json_404(client, met_recipient, path):
    client.force_login(met_recipient)

    answer = client.get(path)

    assert answer.status_code == 404
    assert answer.json() == {
        "status": 404,
        "code": "not_found",
        "message": "Not found.",
    }


def test_a_page_that_does_not_exist_is_still_the_services_404_page(client, db):
    answer = client.get("/no-such-page/")

    assert answer.status_code == 404
    assert "text/html" in answer["Content-Type"]
