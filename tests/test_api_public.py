"""The public API (/api/v1/public/): the tracker's published material as JSON and CSV with no login,
never anything unpublished, the same rows as the tracker, cacheable, read-only, throttled per
address, and at a cost in queries that does not grow with the data."""

import csv
import io

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from recommendations.models import RecommendationResponse
from tests import test_public_tracker
from tests.factories import MET, MOPAC, published_report, response_in
from tests.test_public_tracker import (
    KENT,
    PUBLISHED,
    SECRETS,
    all_secrets_absent,
    body,
    publish_complaints,
)
from workflow import clock

R = RecommendationResponse.State
API = "/api/v1/public"
# The tracker's published report, with every kind of unpublished material planted in it.
world = test_public_tracker.world
LISTS = ["reports", "recommendations", "responses", "updates"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # The throttles count in the cache, which outlives a test: each test starts with none used.
    cache.clear()
    yield
    cache.clear()


def csv_rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))


def every_url(world) -> list[str]:
    reference = world["investigation"].complaint.reference
    published = RecommendationResponse.objects.filter(
        recommendation__investigation=world["investigation"]
    )
    lists = [f"{API}/{name}/" for name in LISTS]
    details = [
        f"{API}/reports/{reference}/",
        *[f"{API}/responses/{r.pk}/" for r in published],
    ]
    return [
        *lists,
        *details,
        *[f"{url}?format=csv" for url in lists + details],
    ]


# --- Never unpublished material -------------------------------------------------------------------
def test_no_endpoint_json_or_csv_shows_unpublished_material(client, world):
    seen = ""

    for url in every_url(world):
        response = client.get(url)

        assert response.status_code == 200, url
        text = body(response)
        assert all_secrets_absent(text) == [], url
        seen += text

    # The same endpoints do show what is published, so the checks above could have failed.
    assert [word for word in PUBLISHED.values() if word not in seen] == []
    assert "response-evidence" not in seen


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_searching_for_unpublished_words_finds_nothing(client, world, secret):
    found = {
        name: client.get(f"{API}/{name}/", {"q": SECRETS[secret]}).json()["count"]
        for name in LISTS
    }

    assert found == dict.fromkeys(LISTS, 0)


def test_unpublished_report_and_its_responses_are_not_found(client, world):
    drafting = world["drafting"].complaint.reference

    report = client.get(f"{API}/reports/{drafting}/")
    response = client.get(f"{API}/responses/{world['unpublished'].pk}/")

    assert report.status_code == 404
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "message": "Not found.",
    }


def test_a_response_awaiting_publication_shows_no_draft_or_outcome(client, world):
    drafting = client.get(f"{API}/responses/{world['mopac_2'].pk}/").json()
    reopened = client.get(f"{API}/responses/{world['met_2'].pk}/").json()

    assert [
        (r["state"], r["outcome"], r["response_text"], r["response_published_on"])
        for r in (drafting, reopened)
    ] == [(R.AWAITING_RESPONSE, "", "", None), (R.AWAITING_RESPONSE, "", "", None)]


# --- The tracker's data ---------------------------------------------------------------------------
def as_open_data(row: dict) -> dict:
    """An API row as the tracker's open data writes it: a missing value is `""` there, not `null`."""
    keep = {key: value for key, value in row.items() if key != "joint_with"}
    return {key: "" if value is None else value for key, value in keep.items()}


FILTERS = [
    {},
    {"force": KENT},
    {"pcc": MOPAC},
    {"force": MET, "pcc": MOPAC, "state": R.AWAITING_RESPONSE},
    {"state": R.VERIFIED},
    {"q": "osprey TRAINING"},
    {"q": "kingfisher", "force": KENT},
    {"complaint": "SC-1999-001"},
]


@pytest.mark.parametrize("params", FILTERS)
def test_responses_are_the_trackers_open_data(client, world, params):
    api = client.get(f"{API}/responses/", params).json()
    tracker = client.get("/tracker/responses.json", params).json()

    assert api["count"] == tracker["count"]
    assert [as_open_data(row) for row in api["results"]] == tracker["results"]


@pytest.mark.parametrize("params", FILTERS)
def test_recommendations_count_recipients_as_the_tracker_does(client, world, params):
    api = client.get(f"{API}/recommendations/", params).json()
    page = client.get("/tracker/", params)

    assert [
        (row["id"], tuple(row["recipients"].values())[:-1]) for row in api["results"]
    ] == [(s.recommendation.pk, s.counts) for s in page.context["summaries"]]


def test_recommendations_show_each_stage_and_the_total(client, world):
    reference = world["investigation"].complaint.reference

    found = client.get(f"{API}/recommendations/").json()

    first = found["results"][0]
    assert found["count"] == 2
    assert first == {
        "id": first["id"],
        "complaint_reference": reference,
        "report_title": PUBLISHED["title"],
        "report_published_on": world["investigation"].report_published_on.isoformat(),
        "number": 1,
        "text": PUBLISHED["recommendation"],
        "due_on": None,
        "recipients": {
            "awaiting_response": 0,
            "response_published": 0,
            "in_progress": 1,
            "implementation_reported": 1,
            "verified": 1,
            "total": 3,
        },
        "tracker_url": f"http://testserver/tracker/{reference}/",
    }
    assert list(first["recipients"])[:-1] == list(R.values)


def test_reports_list_and_detail(client, world):
    investigation = world["investigation"]
    reference = investigation.complaint.reference

    listed = client.get(f"{API}/reports/").json()
    one = client.get(f"{API}/reports/{reference}/").json()

    assert listed["count"] == 1
    assert listed["results"] == [one]
    assert one == {
        "reference": reference,
        "title": PUBLISHED["title"],
        "designated_body": investigation.complaint.organisation.name,
        "published_on": investigation.report_published_on.isoformat(),
        "summary": (
            f"{PUBLISHED['summary']} [Passage withheld under regulation 8(3): "
            "it might endanger someone's safety]."
        ),
        "original_url": None,
        "links": {
            "tracker": f"http://testserver/tracker/{reference}/",
            "report": f"http://testserver/super-complaints/{reference}/",
            "pdf": f"http://testserver/super-complaints/{reference}/report.pdf",
            "recommendations": (
                f"http://testserver{API}/recommendations/?complaint={reference}"
            ),
            "responses": f"http://testserver{API}/responses/?complaint={reference}",
        },
    }
    assert client.get(one["links"]["pdf"]).status_code == 200


def test_reports_filtered_are_those_with_a_matching_response(client, world):
    assert client.get(f"{API}/reports/", {"force": KENT}).json()["count"] == 1
    assert client.get(f"{API}/reports/", {"force": "nowhere"}).json()["count"] == 0


def test_updates_show_their_text_and_date_only(client, world):
    kent_1 = world["kent_1"]
    update = kent_1.updates.get()

    listed = client.get(f"{API}/updates/").json()
    detail = client.get(f"{API}/responses/{kent_1.pk}/").json()

    assert listed["results"] == [
        {
            "id": update.pk,
            "text": PUBLISHED["update"],
            "posted_at": listed["results"][0]["posted_at"],
            "response_id": kent_1.pk,
            "organisation": "Kent Police",
            "complaint_reference": world["investigation"].complaint.reference,
            "recommendation_number": 1,
            "url": f"http://testserver/tracker/response/{kent_1.pk}/#update-{update.pk}",
        }
    ]
    assert detail["updates"] == [
        {
            "id": update.pk,
            "text": PUBLISHED["update"],
            "posted_at": listed["results"][0]["posted_at"],
        }
    ]
    assert client.get(f"{API}/updates/", {"force": MET}).json()["count"] == 0


def test_an_unknown_state_is_a_400_naming_the_field(client, world):
    response = client.get(f"{API}/responses/", {"state": "lost"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["state"]


def test_a_filter_with_a_nul_character_is_a_400(client, world):
    # PostgreSQL cannot compare text with NUL in it: refused before any query.
    response = client.get(f"{API}/responses/", {"q": "a\x00b"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["q"]


def test_lists_are_paginated(client, world, monkeypatch):
    # DRF reads PAGE_SIZE once, into the paginator class.
    monkeypatch.setattr(PageNumberPagination, "page_size", 4)

    first = client.get(f"{API}/responses/").json()
    second = client.get(first["next"]).json()
    beyond = client.get(f"{API}/responses/", {"page": 3})

    assert (first["count"], len(first["results"])) == (6, 4)
    assert (second["count"], len(second["results"]), second["next"]) == (6, 2, None)
    assert beyond.status_code == 404


# --- CSV ------------------------------------------------------------------------------------------
def test_csv_neutralises_a_formula_in_a_response(client, team, met_recipient):
    investigation = published_report(team, MET)
    response = RecommendationResponse.objects.get(
        recommendation__investigation=investigation
    )
    response_in(
        response,
        R.RESPONSE_PUBLISHED,
        recipient=met_recipient,
        text="=cmd|' /C calc'!A0",
    )

    by_format = csv_rows(client.get(f"{API}/responses/", {"format": "csv"}))
    by_accept = csv_rows(client.get(f"{API}/responses/", HTTP_ACCEPT="text/csv"))
    one = csv_rows(client.get(f"{API}/responses/{response.pk}/?format=csv"))

    assert [row["response_text"] for row in by_format] == ["'=cmd|' /C calc'!A0"]
    assert by_accept == by_format
    assert one[0]["response_text"] == "'=cmd|' /C calc'!A0"


def test_csv_is_every_row_with_the_json_columns(client, world, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)

    rows = csv_rows(client.get(f"{API}/responses/", {"format": "csv"}))
    recommendations = csv_rows(client.get(f"{API}/recommendations/?format=csv"))

    first = client.get(f"{API}/responses/").json()["results"][0]
    assert len(rows) == 6
    assert list(rows[0]) == list(first)
    assert list(recommendations[0])[-7:] == [
        "recipients.awaiting_response",
        "recipients.response_published",
        "recipients.in_progress",
        "recipients.implementation_reported",
        "recipients.verified",
        "recipients.total",
        "tracker_url",
    ]


@pytest.mark.parametrize("name", LISTS)
def test_csv_of_nothing_still_has_its_header(client, db, name):
    response = client.get(f"{API}/{name}/", {"format": "csv"})

    assert response.status_code == 200
    assert body(response).lstrip("\ufeff").count("\n") == 1
    assert body(response).startswith("\ufeff")


def test_errors_are_json_even_when_csv_was_asked_for(client, db):
    response = client.get(f"{API}/responses/", {"format": "csv", "state": "lost"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "invalid"


# --- Caching, no login, read-only -----------------------------------------------------------------
def vary(response) -> list[str]:
    return [name.strip() for name in response["Vary"].split(",")]


@pytest.mark.parametrize("name", LISTS)
def test_answers_may_be_cached_by_a_cdn(client, db, name):
    response = client.get(f"{API}/{name}/")

    assert response["Cache-Control"] == "public, max-age=300"
    assert "Accept" in vary(response)
    assert "Cookie" not in vary(response)


def test_errors_are_never_cached(client, db):
    response = client.get(f"{API}/responses/999999/")

    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"


def test_no_login_is_needed_and_credentials_are_ignored(world, met_recipient):
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(met_recipient)

    anonymous = Client().get(f"{API}/responses/")
    with_session = signed_in.get(f"{API}/responses/")
    with_bad_token = Client().get(
        f"{API}/responses/", HTTP_AUTHORIZATION="Bearer sct_nonsense"
    )

    assert anonymous.status_code == 200
    assert with_session.json() == anonymous.json()
    assert with_bad_token.json() == anonymous.json()
    assert "Set-Cookie" not in str(anonymous.headers)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url", [f"{API}/responses/", f"{API}/reports/", f"{API}/updates/"]
)
def test_the_public_api_is_read_only(world, met_recipient, method, url):
    # 405 whoever asks, with or without a session and a CSRF token: there is nothing to write.
    client = Client(enforce_csrf_checks=True)
    client.force_login(met_recipient)

    response = getattr(client, method)(url, {}, content_type="application/json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_the_public_endpoints_are_documented_without_security(client, db):
    schema = client.get("/api/schema/?format=json").json()

    public = {
        path: operations["get"]
        for path, operations in schema["paths"].items()
        if path.startswith(f"{API}/")
    }
    assert sorted(public) == [
        f"{API}/recommendations/",
        f"{API}/reports/",
        f"{API}/reports/{{reference}}/",
        f"{API}/responses/",
        f"{API}/responses/{{id}}/",
        f"{API}/updates/",
    ]
    for operation in public.values():
        assert operation["security"] == [{}]
        assert {"200", "404", "429"} <= set(operation["responses"])
        assert set(operation["responses"]["200"]["content"]) == {
            "application/json",
            "text/csv",
        }
    for path in schema["paths"]:
        if path.startswith(f"{API}/"):
            assert set(schema["paths"][path]) == {"get"}


# --- Throttling -----------------------------------------------------------------------------------
@pytest.fixture
def low_rates(monkeypatch):
    # DRF reads the rates once, into the throttle class: patch them there.
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"token": "2/minute", "export": "1/minute", "public": "3/minute"},
    )


def assert_throttled(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json() == {
        "status": 429,
        "code": "throttled",
        "message": response.json()["message"],
    }
    assert "available in" in response.json()["message"]


def test_a_token_client_is_throttled_per_token(
    low_rates, met_recipient, kent_recipient
):
    _token, met = ApiToken.issue(met_recipient, "Met dashboard")
    _token, kent = ApiToken.issue(kent_recipient, "Kent dashboard")
    client = Client()

    answers = [
        client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {met}") for _ in range(3)
    ]
    other = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {kent}")

    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert_throttled(answers[2])
    assert other.status_code == 200


def test_the_public_api_is_throttled_per_address(low_rates, db):
    client = Client()

    answers = [client.get(f"{API}/reports/", REMOTE_ADDR="192.0.2.1") for _ in range(4)]
    elsewhere = client.get(f"{API}/reports/", REMOTE_ADDR="192.0.2.2")

    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert_throttled(answers[3])
    assert answers[3]["Cache-Control"] == "no-store"
    assert elsewhere.status_code == 200


def test_csv_also_counts_as_an_export(low_rates, db):
    client = Client()

    first = client.get(f"{API}/responses/", {"format": "csv"})
    second = client.get(f"{API}/responses/", {"format": "csv"})
    json = client.get(f"{API}/responses/")

    assert first.status_code == 200
    assert_throttled(second)
    assert json.status_code == 200


# --- Query counts ---------------------------------------------------------------------------------
# (url, queries whatever the number of published complaints)
API_QUERIES = [
    (f"{API}/reports/", 2),
    (f"{API}/reports/?force={MET}&state=in_progress", 2),
    (f"{API}/recommendations/", 3),
    (f"{API}/recommendations/?q=referral&force={MET}", 3),
    (f"{API}/responses/", 2),
    (f"{API}/responses/?state=in_progress&pcc={MOPAC}&force={MET}", 2),
    (f"{API}/updates/", 2),
    (f"{API}/reports/?format=csv", 1),
    (f"{API}/recommendations/?format=csv", 2),
    (f"{API}/responses/?format=csv", 1),
    (f"{API}/updates/?format=csv", 1),
]


@pytest.mark.parametrize("complaint_count", [1, 3])
@pytest.mark.parametrize(("url", "queries"), API_QUERIES)
def test_api_queries_do_not_grow_with_the_data(
    client,
    team,
    met_recipient,
    django_assert_num_queries,
    complaint_count,
    url,
    queries,
):
    publish_complaints(team, met_recipient, complaint_count)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("complaint_count", [1, 3])
def test_detail_queries_do_not_grow(
    client, team, met_recipient, django_assert_num_queries, complaint_count
):
    publish_complaints(team, met_recipient, complaint_count)
    response = RecommendationResponse.objects.filter(
        organisation__slug=MET, state=R.IN_PROGRESS
    ).last()
    reference = response.recommendation.investigation.complaint.reference

    with django_assert_num_queries(1):
        report = client.get(f"{API}/reports/{reference}/")
    with django_assert_num_queries(2):
        detail = client.get(f"{API}/responses/{response.pk}/")

    assert report.status_code == 200
    assert len(detail.json()["updates"]) == 1
    assert detail.json()["response_published_on"] == clock.today().isoformat()


def test_with_the_database_cache_every_server_shares_the_counts(low_rates, db):
    """CACHE_BACKEND=database: the counters live in a table of the shared database, so a second
    app server (here, a second cache connection with nothing in memory) sees the same count."""
    database_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "app_cache",
        }
    }
    with override_settings(CACHES=database_cache):
        call_command("createcachetable", verbosity=0)
        client = Client()
        answers = [
            client.get(f"{API}/reports/", REMOTE_ADDR="192.0.2.1") for _ in range(3)
        ]
        assert [a.status_code for a in answers] == [200, 200, 200]
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM app_cache")
            assert cursor.fetchone()[0] >= 1
        # The next request builds a new cache connection with an empty memory, as another server.
        caches.close_all()
        del caches["default"]
        assert_throttled(client.get(f"{API}/reports/", REMOTE_ADDR="192.0.2.1"))
        cache.clear()
