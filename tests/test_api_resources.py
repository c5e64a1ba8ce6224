"""The API's resources show exactly what the pages show (lists and details from `visible_to`, a 404
for anything else), never a recipient's draft to anyone else, and write only through the services:
fields the caller may not set are ignored, a stale version is a 409, bad data a 400."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation
from complaints import services as complaint_services
from complaints.models import SuperComplaint
from investigations.models import Investigation
from recommendations import services as response_services
from recommendations.models import Recommendation, RecommendationResponse
from tests.factories import (
    MET,
    MOPAC,
    ComplaintFactory,
    EligibleComplaintFactory,
    EvidenceFactory,
    investigation_in,
    org,
    published_report,
    response_in,
)
from workflow import clock

CWJ = "centre-for-womens-justice"
KENT = "kent-police"
DRAFT_TEXT = "DRAFT-ONLY: we are still deciding whether to accept this."
PUBLIC_TEXT = "We accept it and will train every officer by March."
S = Investigation.State
R = RecommendationResponse.State

RESOURCES = {
    "organisation": Organisation,
    "complaint": SuperComplaint,
    "investigation": Investigation,
    "recommendation": Recommendation,
    "response": RecommendationResponse,
}
PERSONAS = [
    "hestia_member",
    "cwj_member",
    "hmicfrs_triager",
    "hmicfrs_investigator",
    "hmicfrs_investigator_not_on_team",
    "college_investigator",
    "met_recipient",
    "mopac_recipient",
    "kent_recipient",
    "hmicfrs_monitor",
    "commissioner_monitor",
]


def list_url(resource, **params):
    url = reverse(f"api:{resource}-list")
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{url}?{query}" if query else url


def detail_url(resource, pk):
    return reverse(f"api:{resource}-detail", args=[pk])


def all_pages(client, url):
    """Every page of a list, following `next`; returns the answers."""
    answers = []
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, answer.content
        answers.append(answer)
        url = answer.json()["next"]
    return answers


def ids(answer):
    return [row["id"] for row in answer.json()["results"]]


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def world(team, hestia_member, cwj_member, met_recipient):
    """One of everything each visibility rule turns on: a Hestia draft, a submitted CWJ complaint,
    an investigation being drafted (its recommendation unpublished) and a published report whose two
    recommendations go to the Met, MOPAC and Kent, with one published response and one draft."""
    draft = ComplaintFactory(organisation=org("hestia"), created_by=hestia_member)
    submitted = ComplaintFactory(organisation=org(CWJ), created_by=cwj_member)
    EvidenceFactory(complaint=submitted)
    complaint_services.submit_complaint(
        SuperComplaint.objects.get(pk=submitted.pk), by=cwj_member
    )
    drafting = investigation_in(
        S.DRAFTING,
        team,
        ready=True,
        complaint=EligibleComplaintFactory(organisation=org(CWJ)),
    )
    published = published_report(team, MET, MOPAC, KENT, recommendations=2)
    met = RecommendationResponse.objects.filter(
        recommendation__investigation=published, organisation=org(MET)
    ).order_by("recommendation__number")
    response_in(met[0], R.RESPONSE_PUBLISHED, recipient=met_recipient, text=PUBLIC_TEXT)
    met_draft = met[1]
    response_services.save_response_draft(
        met_draft,
        by=met_recipient,
        outcome=RecommendationResponse.Outcome.PARTLY_ACCEPTED,
        text=DRAFT_TEXT,
        expected_version=met_draft.version,
    )
    return {
        "draft": draft,
        "submitted": submitted,
        "drafting": drafting,
        "published": published,
        "met_draft": RecommendationResponse.objects.get(pk=met_draft.pk),
    }


# --- What each caller sees --------------------------------------------------------------------------
def test_idor_probe_every_persona_sees_exactly_what_visible_to_allows(request, world):
    requests = leaks = 0
    draft_seen_by = set()
    for persona in [*PERSONAS, "anonymous"]:
        client = Client()
        user = None
        if persona != "anonymous":
            user = request.getfixturevalue(persona)
            client.force_login(user)
        for resource, model in RESOURCES.items():
            visible = (
                set(model.objects.visible_to(user).values_list("pk", flat=True))
                if user
                else set()
            )
            if user is None:
                requests += 1
                leaks += client.get(list_url(resource)).status_code != 401
            else:
                pages = all_pages(client, list_url(resource, page_size=25))
                requests += len(pages)
                listed = [pk for page in pages for pk in ids(page)]
                leaks += len(listed) != len(set(listed))
                leaks += len(set(listed) ^ visible)
                draft_seen_by.update(
                    persona for page in pages if DRAFT_TEXT in page.content.decode()
                )
            for pk in model.objects.values_list("pk", flat=True):
                answer = client.get(detail_url(resource, pk))
                requests += 1
                expected = 401 if user is None else 200 if pk in visible else 404
                leaks += answer.status_code != expected
                assert answer["Content-Type"] == "application/json"
                if DRAFT_TEXT in answer.content.decode():
                    draft_seen_by.add(persona)

    print(f"IDOR probe: {requests} requests, {leaks} leaks")  # noqa: T201
    assert leaks == 0
    assert requests > 1000
    assert draft_seen_by == {"met_recipient"}


def test_the_rules_behind_the_probe(client, world, request):
    """The probe compares the API with `visible_to`; this pins the rules it then relies on."""

    def seen(persona, resource):
        client.force_login(request.getfixturevalue(persona))
        answers = all_pages(client, list_url(resource))
        return {pk for answer in answers for pk in ids(answer)}

    draft, submitted = world["draft"].pk, world["submitted"].pk
    drafting, published = world["drafting"], world["published"]
    unpublished = set(drafting.recommendations.values_list("pk", flat=True))
    public = set(published.recommendations.values_list("pk", flat=True))
    kent = set(
        RecommendationResponse.objects.filter(organisation=org(KENT)).values_list(
            "pk", flat=True
        )
    )

    assert draft in seen("hestia_member", "complaint")
    assert draft not in seen("cwj_member", "complaint")
    assert draft not in seen("hmicfrs_triager", "complaint")
    assert submitted in seen("hmicfrs_triager", "complaint")
    assert submitted in seen("commissioner_monitor", "complaint")
    assert seen("met_recipient", "complaint") == set()
    assert seen("hmicfrs_investigator", "investigation") == {drafting.pk, published.pk}
    assert seen("hmicfrs_investigator_not_on_team", "investigation") == set()
    assert seen("hmicfrs_triager", "investigation") == set()
    assert seen("commissioner_monitor", "investigation") == {
        drafting.pk,
        published.pk,
    }
    assert seen("kent_recipient", "recommendation") == public
    assert seen("college_investigator", "recommendation") == public | unpublished
    assert seen("kent_recipient", "response") == kent
    assert len(kent) == 2
    assert len(seen("commissioner_monitor", "response")) == 6


def test_a_draft_response_is_null_for_everyone_but_its_recipient(
    client, world, met_recipient, hmicfrs_monitor, hestia_member
):
    url = detail_url("response", world["met_draft"].pk)

    client.force_login(met_recipient)
    own = client.get(url).json()
    client.force_login(hmicfrs_monitor)
    monitor = client.get(url).json()
    client.force_login(hestia_member)
    body = client.get(url).json()

    assert (own["outcome"], own["response_text"]) == ("partly_accepted", DRAFT_TEXT)
    assert own["outcome_label"] == "Partly accepted"
    assert own["version"] == world["met_draft"].version
    for other in (monitor, body):
        assert other["outcome"] is None
        assert other["outcome_label"] is None
        assert other["response_text"] is None
        assert other["version"] is None
        assert other["state"] == "awaiting_response"


def test_a_published_response_is_shown_to_everyone_who_sees_it(
    client, world, hestia_member
):
    published = RecommendationResponse.objects.get(state=R.RESPONSE_PUBLISHED)
    client.force_login(hestia_member)

    answer = client.get(detail_url("response", published.pk)).json()

    assert answer["outcome"] == "accepted"
    assert answer["response_text"] == PUBLIC_TEXT
    assert answer["organisation"] == {
        "id": org(MET).pk,
        "name": "Metropolitan Police Service",
    }
    assert answer["state_label"] == "Response published"
    assert answer["recommendation"]["number"] == 1


def test_complaint_detail_lists_evidence_without_its_contents(client, hestia_member):
    complaint = ComplaintFactory(organisation=org("hestia"), created_by=hestia_member)
    evidence = EvidenceFactory(complaint=complaint)
    client.force_login(hestia_member)

    answer = client.get(detail_url("complaint", complaint.pk))

    assert answer.status_code == 200
    body = answer.json()
    assert body["evidence"] == [
        {
            "id": evidence.pk,
            "file_name": "report.pdf",
            "kind": "PDF document",
            "content_type": "application/pdf",
            "size_bytes": 15,
            "uploaded_at": body["evidence"][0]["uploaded_at"],
        }
    ]
    assert "%PDF" not in answer.content.decode()
    assert evidence.file.name not in answer.content.decode()
    assert body["state"] == "draft"
    assert body["state_label"] == "Draft"
    assert body["organisation"]["id"] == org("hestia").pk
    assert body["investigation"] is None


def test_complaint_detail_shows_the_investigation_as_the_page_does(
    client, world, cwj_member, hestia_member
):
    drafting, published = world["drafting"], world["published"]

    client.force_login(cwj_member)
    being_drafted = client.get(detail_url("complaint", drafting.complaint_id)).json()
    client.force_login(hestia_member)
    reported = client.get(detail_url("complaint", published.complaint_id)).json()

    assert being_drafted["investigation"]["state"] == "drafting"
    assert being_drafted["investigation"]["report_title"] is None
    assert drafting.report_title not in str(being_drafted)
    assert reported["investigation"]["state_label"] == "Published"
    assert reported["investigation"]["report_title"] == "The hidden victims"
    assert reported["reference"] == published.complaint.reference


def test_anonymous_callers_get_a_json_401(db):
    answer = Client().get(list_url("complaint"))

    assert answer.status_code == 401
    assert answer.json()["status"] == 401


# --- Lists: pages and filters -----------------------------------------------------------------------
def test_lists_are_paginated(client, hestia_member):
    client.force_login(hestia_member)
    total = Organisation.objects.count()

    first = client.get(list_url("organisation", page_size=10)).json()
    second = client.get(first["next"]).json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == total
    assert len(first["results"]) == 10
    assert first["previous"] is None
    assert second["previous"] is not None
    assert not {r["id"] for r in first["results"]} & {
        r["id"] for r in second["results"]
    }
    assert set(first["results"][0]) >= {"id", "name", "slug", "kind", "kind_label"}


def test_complaints_filter_by_state_and_organisation(
    client, world, commissioner_monitor
):
    other = EligibleComplaintFactory(organisation=org("hestia"))
    client.force_login(commissioner_monitor)

    submitted = client.get(list_url("complaint", state="submitted"))
    by_cwj = client.get(list_url("complaint", organisation=org(CWJ).pk))
    by_hestia = client.get(list_url("complaint", organisation=org("hestia").pk))

    assert ids(submitted) == [world["submitted"].pk]
    assert world["submitted"].pk in ids(by_cwj)
    assert other.pk not in ids(by_cwj)
    assert other.pk in ids(by_hestia)
    assert world["draft"].pk not in ids(by_hestia)


def test_investigations_filter_by_state(client, world, commissioner_monitor):
    client.force_login(commissioner_monitor)

    drafting = client.get(list_url("investigation", state="drafting"))
    published = client.get(list_url("investigation", state="published"))
    nonsense = client.get(list_url("investigation", state="nonsense"))

    assert ids(drafting) == [world["drafting"].pk]
    assert ids(published) == [world["published"].pk]
    assert nonsense.status_code == 400
    assert "state" in nonsense.json()["fields"]


def test_recommendations_filter_by_investigation(client, world, college_investigator):
    client.force_login(college_investigator)
    drafting = world["drafting"]

    answer = client.get(list_url("recommendation", investigation=drafting.pk))

    assert ids(answer) == list(drafting.recommendations.values_list("pk", flat=True))
    assert answer.json()["results"][0]["is_published"] is False


def test_responses_filter(client, world, hmicfrs_monitor):
    published = world["published"]
    second = published.recommendations.get(number=2)
    responses = RecommendationResponse.objects
    client.force_login(hmicfrs_monitor)

    def listed(**params):
        return set(ids(client.get(list_url("response", **params))))

    assert listed(organisation=org(KENT).pk) == set(
        responses.filter(organisation=org(KENT)).values_list("pk", flat=True)
    )
    assert listed(state="response_published") == {
        responses.get(state=R.RESPONSE_PUBLISHED).pk
    }
    assert listed(recommendation=second.pk) == set(
        second.responses.values_list("pk", flat=True)
    )
    assert len(listed(investigation=published.pk)) == 6
    assert listed(investigation=world["drafting"].pk) == set()
    assert listed(overdue="true") == set()
    with time_machine.travel(clock.now() + timedelta(days=400)):
        client.force_login(hmicfrs_monitor)
        overdue = listed(overdue="true")
        on_time = listed(overdue="false")
    assert overdue == set(
        responses.filter(state=R.AWAITING_RESPONSE).values_list("pk", flat=True)
    )
    assert on_time == {responses.get(state=R.RESPONSE_PUBLISHED).pk}


# --- No N+1 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("item_count", [1, 3])
def test_complaint_list_queries(
    client, hestia_member, django_assert_num_queries, item_count
):
    for _ in range(item_count):
        ComplaintFactory(organisation=org("hestia"), created_by=hestia_member)
    client.force_login(hestia_member)

    with django_assert_num_queries(4):
        answer = client.get(list_url("complaint"))

    assert answer.json()["count"] == item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_investigation_list_queries(
    client, commissioner_monitor, django_assert_num_queries, item_count
):
    for _ in range(item_count):
        investigation_in(S.SCOPING)
    client.force_login(commissioner_monitor)

    with django_assert_num_queries(4):
        answer = client.get(list_url("investigation"))

    assert answer.json()["count"] == item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_recommendation_and_response_list_queries(
    client, team, met_recipient, django_assert_num_queries, item_count
):
    published_report(team, MET, recommendations=item_count)
    client.force_login(met_recipient)

    with django_assert_num_queries(5):
        recommendations = client.get(list_url("recommendation"))
    with django_assert_num_queries(4):
        responses = client.get(list_url("response"))

    assert recommendations.json()["count"] == item_count
    assert responses.json()["count"] == item_count


@pytest.mark.parametrize("page_size", [1, 3])
def test_organisation_list_queries(
    client, kent_recipient, django_assert_num_queries, page_size
):
    client.force_login(kent_recipient)

    with django_assert_num_queries(4):
        answer = client.get(list_url("organisation", page_size=page_size))

    assert len(answer.json()["results"]) == page_size


# --- Writes: through the services, only the fields a caller may set ------------------------------
JUNK = {
    "id": 999999,
    "state": "submitted",
    "state_label": "Submitted",
    "reference": "SC-1999-001",
    "created_at": "2001-01-01T00:00:00Z",
    "updated_at": "2001-01-01T00:00:00Z",
    "received_at": "2001-01-01T00:00:00Z",
    "decided_at": "2001-01-01T00:00:00Z",
    "published_at": "2001-01-01T00:00:00Z",
}


def test_a_body_member_starts_a_draft_and_cannot_set_what_the_server_sets(
    client, hestia_member, cwj_member
):
    client.force_login(hestia_member)

    answer = client.post(
        list_url("complaint"),
        {
            **JUNK,
            "organisation": org(CWJ).pk,
            "created_by": cwj_member.pk,
            "version": 40,
            "title": "Stop and search of children",
            "features": "Strip-searches without an appropriate adult.",
            "forces_concerned": [org(MET).pk],
        },
        content_type="application/json",
    )

    assert answer.status_code == 201, answer.content
    complaint = SuperComplaint.objects.get()
    assert answer.json()["id"] == complaint.pk != 999999
    assert complaint.title == "Stop and search of children"
    assert complaint.features == "Strip-searches without an appropriate adult."
    assert list(complaint.forces_concerned.all()) == [org(MET)]
    assert complaint.state == SuperComplaint.State.DRAFT
    assert complaint.organisation == org("hestia")
    assert complaint.created_by == hestia_member
    assert complaint.reference is None
    assert complaint.received_at is None
    assert complaint.created_at.year != 2001
    assert complaint.contact_email == hestia_member.email
    assert complaint.version == 2
    assert answer.json()["version"] == 2


def test_only_a_body_member_can_start_a_draft(client, met_recipient):
    client.force_login(met_recipient)

    answer = client.post(
        list_url("complaint"), {"title": "x"}, content_type="application/json"
    )

    assert answer.status_code == 403
    assert answer.json()["status"] == 403
    assert not SuperComplaint.objects.exists()


def test_editing_a_draft_changes_only_the_draft_fields(
    client, hestia_member, cwj_member
):
    complaint = ComplaintFactory(organisation=org("hestia"), created_by=hestia_member)
    complaint.forces_concerned.set([org(MET)])
    client.force_login(hestia_member)

    answer = patch(
        client,
        detail_url("complaint", complaint.pk),
        {
            **JUNK,
            "organisation": org(CWJ).pk,
            "created_by": cwj_member.pk,
            "version": complaint.version,
            "title": "A sharper title",
        },
    )

    assert answer.status_code == 200, answer.content
    before = complaint
    complaint = SuperComplaint.objects.get(pk=before.pk)
    assert complaint.title == "A sharper title"
    assert complaint.features == before.features
    assert list(complaint.forces_concerned.all()) == [org(MET)]
    assert complaint.state == SuperComplaint.State.DRAFT
    assert complaint.organisation == org("hestia")
    assert complaint.created_by == hestia_member
    assert complaint.reference is None
    assert complaint.received_at is None
    assert complaint.created_at == before.created_at
    assert complaint.version == before.version + 1
    assert answer.json()["title"] == "A sharper title"


def test_a_stale_edit_of_a_draft_is_a_409_and_saves_nothing(client, hestia_member):
    complaint = ComplaintFactory(organisation=org("hestia"), created_by=hestia_member)
    url = detail_url("complaint", complaint.pk)
    client.force_login(hestia_member)
    patch(client, url, {"version": complaint.version, "title": "First"})

    answer = patch(client, url, {"version": complaint.version, "title": "Second"})

    assert answer.status_code == 409
    assert answer.json()["status"] == 409
    assert answer.json()["code"] == "conflict"
    assert answer.json()["message"]
    assert SuperComplaint.objects.get(pk=complaint.pk).title == "First"


def test_invalid_data_is_a_400_with_the_fields(client, hestia_member):
    complaint = ComplaintFactory(organisation=org("hestia"), created_by=hestia_member)
    client.force_login(hestia_member)

    answer = patch(
        client,
        detail_url("complaint", complaint.pk),
        {
            "contact_email": "not an address",
            "forces_concerned": [org("hestia").pk],
            "title": "x" * 201,
        },
    )

    assert answer.status_code == 400
    body = answer.json()
    assert body["status"] == 400
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {
        "contact_email",
        "forces_concerned",
        "title",
        "version",
    }
    assert SuperComplaint.objects.get(pk=complaint.pk).title == complaint.title


def test_a_submitted_complaint_cannot_be_edited(
    client, world, cwj_member, hestia_member
):
    submitted = SuperComplaint.objects.get(pk=world["submitted"].pk)
    url = detail_url("complaint", submitted.pk)

    client.force_login(cwj_member)
    own = patch(client, url, {"version": submitted.version, "title": "Changed"})
    client.force_login(hestia_member)
    other = patch(client, url, {"version": submitted.version, "title": "Changed"})

    assert own.status_code == 403
    assert other.status_code == 404
    assert SuperComplaint.objects.get(pk=submitted.pk).title == submitted.title


def test_a_recipient_edits_its_draft_response_and_nothing_else(
    client, world, met_recipient
):
    response = world["met_draft"]
    client.force_login(met_recipient)

    answer = patch(
        client,
        detail_url("response", response.pk),
        {
            **JUNK,
            "organisation": org(KENT).pk,
            "recommendation": world["drafting"].recommendations.get().pk,
            "due_on": "2001-01-01",
            "joint_with": response.pk,
            "version": response.version,
            "response_text": "We accept it in full.",
        },
    )

    assert answer.status_code == 200, answer.content
    saved = RecommendationResponse.objects.get(pk=response.pk)
    assert saved.response_text == "We accept it in full."
    assert saved.outcome == RecommendationResponse.Outcome.PARTLY_ACCEPTED
    assert saved.state == R.AWAITING_RESPONSE
    assert saved.organisation == org(MET)
    assert saved.recommendation_id == response.recommendation_id
    assert saved.due_on == response.due_on
    assert saved.joint_with is None
    assert saved.published_at is None
    assert saved.version == response.version + 1
    assert answer.json()["response_text"] == "We accept it in full."


def test_response_edits_refuse_stale_versions_bad_outcomes_and_other_callers(
    client, world, met_recipient, hmicfrs_monitor, kent_recipient
):
    response = world["met_draft"]
    url = detail_url("response", response.pk)
    client.force_login(met_recipient)

    stale = patch(client, url, {"version": response.version - 1, "outcome": ""})
    invalid = patch(client, url, {"version": response.version, "outcome": "maybe"})
    client.force_login(hmicfrs_monitor)
    monitor = patch(client, url, {"version": response.version, "outcome": ""})
    client.force_login(kent_recipient)
    kent = patch(client, url, {"version": response.version, "outcome": ""})

    assert stale.status_code == 409
    assert stale.json()["status"] == 409
    assert invalid.status_code == 400
    assert set(invalid.json()["fields"]) == {"outcome"}
    assert monitor.status_code == 403
    assert kent.status_code == 404
    assert (
        RecommendationResponse.objects.get(pk=response.pk).outcome
        == RecommendationResponse.Outcome.PARTLY_ACCEPTED
    )


def test_the_team_edits_the_report_draft_through_the_service(
    client, world, hmicfrs_investigator, hmicfrs_monitor
):
    investigation = world["drafting"]
    url = detail_url("investigation", investigation.pk)
    client.force_login(hmicfrs_investigator)

    answer = patch(
        client,
        url,
        {
            **JUNK,
            "complaint": world["submitted"].pk,
            "report_published_on": "2001-01-01",
            "version": investigation.version,
            "findings": "Referrals were made late in four forces of six.",
        },
    )
    stale = patch(client, url, {"version": investigation.version, "findings": "No."})
    client.force_login(hmicfrs_monitor)
    monitor = patch(client, url, {"version": investigation.version + 1})

    assert answer.status_code == 200, answer.content
    saved = Investigation.objects.get(pk=investigation.pk)
    assert saved.findings == "Referrals were made late in four forces of six."
    assert saved.summary == investigation.summary
    assert saved.state == S.DRAFTING
    assert saved.complaint_id == investigation.complaint_id
    assert saved.report_published_on is None
    assert saved.published_at is None
    assert saved.version == investigation.version + 1
    assert hmicfrs_investigator in saved.draft_contributors.all()
    assert answer.json()["findings"] == saved.findings
    assert stale.status_code == 409
    assert monitor.status_code == 403


@pytest.mark.parametrize(
    ("method", "resource"),
    [
        ("put", "complaint"),
        ("delete", "complaint"),
        ("delete", "response"),
        ("put", "investigation"),
        ("patch", "organisation"),
        ("patch", "recommendation"),
    ],
)
def test_other_methods_are_a_405(client, world, commissioner_monitor, method, resource):
    pk = RESOURCES[resource].objects.visible_to(commissioner_monitor).first().pk
    client.force_login(commissioner_monitor)

    answer = getattr(client, method)(
        detail_url(resource, pk), {}, content_type="application/json"
    )

    assert answer.status_code == 405
    assert answer.json()["status"] == 405


@pytest.mark.parametrize("resource", ["organisation", "investigation", "response"])
def test_lists_cannot_be_posted_to(client, commissioner_monitor, resource):
    client.force_login(commissioner_monitor)

    answer = client.post(list_url(resource), {}, content_type="application/json")

    assert answer.status_code == 405


def test_a_token_reads_as_its_user(world, kent_recipient):
    from api.models import ApiToken

    _token, secret = ApiToken.issue(kent_recipient, "Dashboard")

    answer = Client().get(list_url("response"), HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert answer.status_code == 200
    assert {r["organisation"]["id"] for r in answer.json()["results"]} == {org(KENT).pk}


# --- The schema -------------------------------------------------------------------------------------
def test_the_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "s.yml"),
    )

    schema = (tmp_path / "s.yml").read_text()
    for path in (
        "/api/v1/organisations/{id}/",
        "/api/v1/complaints/{id}/",
        "/api/v1/investigations/{id}/",
        "/api/v1/recommendations/{id}/",
        "/api/v1/responses/{id}/",
    ):
        assert path in schema


@pytest.mark.parametrize("value", ["-2.26e+191", "99999999999999999999", "1.5", "0"])
def test_an_id_filter_that_is_no_id_is_a_400(client, hmicfrs_triager, value):
    client.force_login(hmicfrs_triager)

    answer = client.get("/api/v1/complaints/", {"organisation": value})

    assert answer.status_code == 400
    assert "organisation" in answer.json()["fields"]
