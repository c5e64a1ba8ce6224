"""The public recommendation tracker: pages, search, filters, open data and feeds show published
material only (never a draft response, an unpublished report, an action plan, an extension or an
evidence file), cost the same queries whatever the data, and explain the process from the state
machines themselves."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import SuperComplaint
from investigations.models import Investigation, Redaction
from recommendations import services
from recommendations.models import Recommendation, RecommendationResponse
from recommendations.views.tracker import PAGE_SIZE, stages_of
from tests.factories import (
    MET,
    MOPAC,
    REPORT,
    investigation_in,
    org,
    published_report,
    response_in,
)
from workflow import clock

R = RecommendationResponse.State
O = RecommendationResponse.Outcome  # noqa: E741
KENT = "kent-police"
KENT_PCC = "kent-police-and-crime-commissioner"
ATOM = "{http://www.w3.org/2005/Atom}"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Words that must never reach the public, each planted where it could leak.
SECRETS = {
    "draft": "Zanzibar draft response not yet published",
    "draft_after_reopen": "Quokka redraft after reopening",
    "withheld": "Ptarmigan withheld passage",
    "unpublished_title": "Marmoset unpublished report title",
    "unpublished_summary": "Wombat unpublished summary",
    "unpublished_recommendation": "Okapi unpublished recommendation",
    "unpublished_response": "Narwhal response to an unpublished report",
    "action": "Axolotl action plan step",
    "action_owner": "Head of Capybara",
    "extension": "Pangolin reason for more time",
    "extension_decision": "Tapir reason for granting",
    "reopen_reason": "Gecko reason for reopening",
    "evidence_file": "ibis-training-records",
    "implementation_file": "lemur-sign-off-sheet",
}
# Published words, each of which the public must find.
PUBLISHED = {
    "title": "Hidden victims of Heron Street",
    "summary": "Flamingo forces referred victims late.",
    "recommendation": "Record every Kingfisher referral.",
    "met_response": "The Met accepts the Osprey training plan.",
    "kent_response": "Kent accepts and will brief every Puffin officer.",
    "update": "Kent has trained half its Albatross officers.",
}


def all_secrets_absent(text: str) -> list[str]:
    return [word for word in SECRETS.values() if word in text]


@pytest.fixture
def world(team, met_recipient, mopac_recipient, kent_recipient, hmicfrs_monitor):
    """One published report with two recommendations to the Met, MOPAC and Kent, whose six
    responses cover every state, with drafts, a reopened response, an action plan, extensions,
    evidence files and a withheld passage; and a report still being drafted."""
    recipients = {MET: met_recipient, MOPAC: mopac_recipient, KENT: kent_recipient}
    investigation = investigation_in(
        Investigation.State.PUBLISHED,
        team,
        report={
            **REPORT,
            "report_title": PUBLISHED["title"],
            "summary": f"{PUBLISHED['summary']} {SECRETS['withheld']}.",
        },
        recommendations=[
            {
                "text": PUBLISHED["recommendation"],
                "recipient_kinds": [],
                "named_recipients": [org(MET), org(MOPAC), org(KENT)],
            },
            {
                "text": "Publish referral figures every quarter.",
                "recipient_kinds": [],
                "named_recipients": [org(MET), org(MOPAC), org(KENT)],
            },
        ],
        redactions=[
            {
                "section": "summary",
                "passage": SECRETS["withheld"],
                "ground": Redaction.Ground.SAFETY,
                "explanation": "It names a victim.",
            }
        ],
    )

    def response(number, slug):
        return RecommendationResponse.objects.get(
            recommendation__investigation=investigation,
            recommendation__number=number,
            organisation__slug=slug,
        )

    def move(number, slug, state, **kwargs):
        return response_in(
            response(number, slug),
            state,
            recipient=recipients[slug],
            monitor=hmicfrs_monitor,
            **kwargs,
        )

    met_1 = move(1, MET, R.VERIFIED, text=PUBLISHED["met_response"])
    move(1, MOPAC, R.IMPLEMENTATION_REPORTED, text="MOPAC accepts it.")
    kent_1 = move(1, KENT, R.IN_PROGRESS, text=PUBLISHED["kent_response"])
    met_2 = move(2, MET, R.RESPONSE_PUBLISHED, outcome=O.NOT_ACCEPTED, text="No.")
    mopac_2 = response(2, MOPAC)
    kent_2 = response(2, KENT)

    # Kent's progress, with its (private) evidence and action plan.
    services.post_progress_update(
        kent_1,
        by=kent_recipient,
        text=PUBLISHED["update"],
        files=[SimpleUploadedFile(f"{SECRETS['evidence_file']}.pdf", PDF)],
    )
    services.add_action(
        kent_1,
        by=kent_recipient,
        description=SECRETS["action"],
        owner=SECRETS["action_owner"],
        target_on=clock.today() + timedelta(days=30),
    )
    # MOPAC's implementation evidence is private too.
    mopac_1 = response(1, MOPAC)
    services.send_back(mopac_1, by=hmicfrs_monitor, reason="Send the records.")
    services.report_implementation(
        mopac_1,
        by=mopac_recipient,
        summary="Done again.",
        files=[SimpleUploadedFile(f"{SECRETS['implementation_file']}.pdf", PDF)],
    )
    # MOPAC is still drafting, and asked for (and got) more time.
    services.save_response_draft(
        mopac_2,
        by=mopac_recipient,
        outcome=O.NOT_ACCEPTED,
        text=SECRETS["draft"],
        expected_version=mopac_2.version,
    )
    extension = services.request_extension(
        mopac_2,
        by=mopac_recipient,
        new_due_on=mopac_2.due_on + timedelta(days=20),
        reason=SECRETS["extension"],
    )
    services.grant_extension(
        extension,
        by=hmicfrs_monitor,
        reason=SECRETS["extension_decision"],
        new_due_on=mopac_2.due_on + timedelta(days=20),
    )
    mopac_2.refresh_from_db()
    services.request_extension(
        mopac_2,
        by=mopac_recipient,
        new_due_on=mopac_2.due_on + timedelta(days=10),
        reason=SECRETS["extension"],
    )
    # The Met's "not accepted" was reopened and is being redrafted.
    services.reopen(met_2, by=hmicfrs_monitor, reason=SECRETS["reopen_reason"])
    met_2.refresh_from_db()
    services.save_response_draft(
        met_2,
        by=met_recipient,
        outcome=O.ACCEPTED,
        text=SECRETS["draft_after_reopen"],
        expected_version=met_2.version,
    )

    # A report still in drafting: its recommendation exists, but nothing of it is public.
    drafting = investigation_in(
        Investigation.State.DRAFTING,
        team,
        ready=True,
        report={
            **REPORT,
            "report_title": SECRETS["unpublished_title"],
            "summary": SECRETS["unpublished_summary"],
        },
        recommendations=[
            {
                "text": SECRETS["unpublished_recommendation"],
                "recipient_kinds": [],
                "named_recipients": [org(MET)],
            }
        ],
    )
    unpublished_recommendation = drafting.recommendations.get()
    # Written directly (publication would issue it): a response that must stay invisible.
    unpublished = RecommendationResponse.objects.create(
        recommendation=unpublished_recommendation,
        organisation=org(MET),
        due_on=clock.today(),
        original_due_on=clock.today(),
        outcome=O.ACCEPTED,
        response_text=SECRETS["unpublished_response"],
        published_at=clock.now(),
    )
    return {
        "investigation": investigation,
        "drafting": drafting,
        "met_1": met_1,
        "kent_1": kent_1,
        "mopac_1": mopac_1,
        "met_2": met_2,
        "mopac_2": mopac_2,
        "kent_2": kent_2,
        "unpublished": unpublished,
    }


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def public_urls(world) -> list[str]:
    reference = world["investigation"].complaint.reference
    published = RecommendationResponse.objects.filter(
        recommendation__investigation=world["investigation"]
    )
    return [
        "/tracker/",
        f"/tracker/{reference}/",
        *[f"/tracker/response/{r.pk}/" for r in published],
        "/tracker/responses.csv",
        "/tracker/responses.json",
        "/tracker/feeds/reports.atom",
        "/tracker/feeds/responses.atom",
        "/tracker/feeds/updates.atom",
        "/tracker/how-it-works/",
    ]


# --- Never unpublished material -------------------------------------------------------------------
def test_no_page_export_feed_or_search_shows_unpublished_material(client, world):
    seen = ""

    for url in public_urls(world):
        response = client.get(url)

        assert response.status_code == 200, url
        text = body(response)
        assert all_secrets_absent(text) == [], url
        seen += text

    # The same pages do show what is published, so the checks above could have failed.
    assert [word for word in PUBLISHED.values() if word not in seen] == []


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_searching_for_unpublished_words_finds_nothing(client, world, secret):
    found = client.get("/tracker/responses.json", {"q": SECRETS[secret]})
    page = client.get("/tracker/", {"q": SECRETS[secret]})

    assert found.json() == {"count": 0, "results": []}
    assert page.context["summaries"] == []
    assert "No recommendations match the filters." in body(page)


def test_unpublished_report_and_its_responses_are_not_found(client, world):
    drafting = world["drafting"]

    assert client.get(f"/tracker/{drafting.complaint.reference}/").status_code == 404
    assert (
        client.get(f"/tracker/response/{world['unpublished'].pk}/").status_code == 404
    )


def test_a_response_awaiting_publication_shows_no_draft_or_outcome(client, world):
    response = client.get(f"/tracker/response/{world['mopac_2'].pk}/")

    page = body(response)
    assert response.context["response"].text == ""
    assert response.context["response"].outcome == ""
    assert "The response has not been published yet." in page
    assert "Not accepted" not in page


# --- Pages ----------------------------------------------------------------------------------------
def test_response_page_shows_published_response_and_update_text_only(client, world):
    kent_1 = world["kent_1"]

    response = client.get(f"/tracker/response/{kent_1.pk}/")

    page = body(response)
    assert response.context["response"].text == PUBLISHED["kent_response"]
    assert response.context["response"].outcome_label == "Accepted"
    assert response.context["response"].state == R.IN_PROGRESS
    assert [u.text for u in response.context["updates"]] == [PUBLISHED["update"]]
    assert PUBLISHED["kent_response"] in page
    assert PUBLISHED["update"] in page
    assert "response-evidence" not in page
    assert ".pdf" not in page


def test_front_page_counts_each_recommendations_recipients_by_state(client, world):
    response = client.get("/tracker/")

    summaries = response.context["summaries"]
    assert [(s.recommendation.number, s.counts) for s in summaries] == [
        # awaiting, published, in progress, implementation reported, verified
        (1, (0, 0, 1, 1, 1)),
        (2, (3, 0, 0, 0, 0)),
    ]
    assert response["Cache-Control"] == "public, max-age=300"


def test_complaint_page_lists_every_recipient_of_every_recommendation(client, world):
    reference = world["investigation"].complaint.reference

    response = client.get(f"/tracker/{reference}/")

    assert [
        (rec.number, [(r.organisation, r.state) for r in responses])
        for rec, responses in response.context["rows"]
    ] == [
        (
            1,
            [
                ("Kent Police", R.IN_PROGRESS),
                ("Mayor's Office for Policing and Crime", R.IMPLEMENTATION_REPORTED),
                ("Metropolitan Police Service", R.VERIFIED),
            ],
        ),
        (
            2,
            [
                ("Kent Police", R.AWAITING_RESPONSE),
                ("Mayor's Office for Policing and Crime", R.AWAITING_RESPONSE),
                ("Metropolitan Police Service", R.AWAITING_RESPONSE),
            ],
        ),
    ]


def test_front_page_is_paginated(client, world, monkeypatch):
    monkeypatch.setattr("recommendations.views.tracker.PAGE_SIZE", 1)

    first = client.get("/tracker/")
    second = client.get("/tracker/", {"page": 2})

    assert PAGE_SIZE == 20
    assert [s.recommendation.number for s in first.context["summaries"]] == [1]
    assert [s.recommendation.number for s in second.context["summaries"]] == [2]
    assert 'href="?page=2"' in body(first)


@pytest.mark.parametrize(
    "url",
    [
        "/tracker/",
        "/tracker/how-it-works/",
        "/tracker/responses.json",
        "/tracker/responses.csv",
        "/tracker/feeds/responses.atom",
    ],
)
def test_tracker_is_read_only(client, world, url):
    assert client.post(url).status_code == 405


# --- Filters and search ---------------------------------------------------------------------------
def ids(response) -> list[tuple[int, str]]:
    return sorted(
        (row["recommendation_number"], row["organisation"])
        for row in response.json()["results"]
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"force": KENT}, [(1, "Kent Police"), (2, "Kent Police")]),
        (
            {"pcc": "mayors-office-for-policing-and-crime"},
            [
                (1, "Mayor's Office for Policing and Crime"),
                (2, "Mayor's Office for Policing and Crime"),
            ],
        ),
        # A force and a PCC together: both.
        (
            {"force": MET, "pcc": MOPAC, "state": R.AWAITING_RESPONSE},
            [
                (2, "Mayor's Office for Policing and Crime"),
                (2, "Metropolitan Police Service"),
            ],
        ),
        # A PCC's slug given as a force matches nothing.
        ({"force": MOPAC}, []),
        ({"state": R.VERIFIED}, [(1, "Metropolitan Police Service")]),
        ({"state": R.IN_PROGRESS}, [(1, "Kent Police")]),
        ({"complaint": "SC-1999-001"}, []),
        ({"q": "osprey TRAINING"}, [(1, "Metropolitan Police Service")]),
        ({"q": PUBLISHED["update"]}, [(1, "Kent Police")]),
        (
            {"q": "kingfisher"},
            [
                (1, "Kent Police"),
                (1, "Mayor's Office for Policing and Crime"),
                (1, "Metropolitan Police Service"),
            ],
        ),
        (
            {"q": "heron street", "force": KENT},
            [(1, "Kent Police"), (2, "Kent Police")],
        ),
        (
            {"q": "flamingo", "force": MET},
            [(1, "Metropolitan Police Service"), (2, "Metropolitan Police Service")],
        ),
        # The withheld passage is in the draft summary, not the published one.
        ({"q": "ptarmigan"}, []),
    ],
)
def test_filters_and_search(client, world, params, expected):
    response = client.get("/tracker/responses.json", params)

    assert ids(response) == expected


def test_complaint_filter_and_front_page_search(client, world):
    reference = world["investigation"].complaint.reference

    everything = client.get("/tracker/responses.json", {"complaint": reference})
    searched = client.get("/tracker/", {"q": "albatross"})

    assert everything.json()["count"] == 6
    assert [
        (s.recommendation.number, s.counts) for s in searched.context["summaries"]
    ] == [(1, (0, 0, 1, 0, 0))]


def test_filters_carry_through_to_the_complaint_page(client, world):
    reference = world["investigation"].complaint.reference

    response = client.get(f"/tracker/{reference}/", {"force": KENT, "complaint": "x"})

    assert [
        [r.organisation for r in responses]
        for _rec, responses in response.context["rows"]
    ] == [["Kent Police"], ["Kent Police"]]


def test_filter_choices_are_only_organisations_and_complaints_with_recommendations(
    client, world
):
    response = client.get("/tracker/")

    options = response.context["options"]
    assert options["forces"] == [
        (KENT, "Kent Police"),
        (MET, "Metropolitan Police Service"),
    ]
    assert options["pccs"] == [(MOPAC, "Mayor's Office for Policing and Crime")]
    assert options["complaints"] == [
        (world["investigation"].complaint.reference, PUBLISHED["title"])
    ]


# --- Open data ------------------------------------------------------------------------------------
def test_json_has_a_stable_documented_shape(client, world):
    met_1 = world["met_1"]

    response = client.get("/tracker/responses.json", {"state": R.VERIFIED})

    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "count": 1,
        "results": [
            {
                "id": met_1.pk,
                "url": f"http://testserver/tracker/response/{met_1.pk}/",
                "complaint_reference": world["investigation"].complaint.reference,
                "report_title": PUBLISHED["title"],
                "report_published_on": world[
                    "investigation"
                ].report_published_on.isoformat(),
                "recommendation_number": 1,
                "recommendation_text": PUBLISHED["recommendation"],
                "organisation": "Metropolitan Police Service",
                "organisation_kind": "police_force",
                "state": "verified",
                "outcome": "accepted",
                "due_on": met_1.due_on.isoformat(),
                "response_published_on": clock.today().isoformat(),
                "response_text": PUBLISHED["met_response"],
            }
        ],
    }
    documented = re.findall(r"<code>(\w+)</code>", body(client.get("/tracker/")))
    assert documented == list(response.json()["results"][0])


def test_csv_has_the_json_columns_and_the_drafts_left_empty(client, world):
    response = client.get("/tracker/responses.csv", {"state": R.AWAITING_RESPONSE})

    rows = list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert list(rows[0]) == list(
        client.get("/tracker/responses.json").json()["results"][0]
    )
    assert [(r["organisation"], r["outcome"], r["response_text"]) for r in rows] == [
        ("Kent Police", "", ""),
        ("Mayor's Office for Policing and Crime", "", ""),
        ("Metropolitan Police Service", "", ""),
    ]


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

    exported = client.get("/tracker/responses.csv")

    rows = list(csv.DictReader(io.StringIO(body(exported).lstrip("\ufeff"))))
    assert [row["response_text"] for row in rows] == ["'=cmd|' /C calc'!A0"]


# --- Feeds ----------------------------------------------------------------------------------------
def entries(client, url) -> list[dict[str, str]]:
    response = client.get(url)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_reports_feed_lists_published_reports_only(client, world):
    reference = world["investigation"].complaint.reference

    assert entries(client, "/tracker/feeds/reports.atom") == [
        {
            "title": PUBLISHED["title"],
            "link": f"http://testserver/tracker/{reference}/",
            "summary": (
                f"<p>{PUBLISHED['summary']} [Passage withheld under regulation 8(3): "
                "it might endanger someone&#x27;s safety].</p>"
            ),
        }
    ]


def test_responses_feed_lists_published_responses_only(client, world):
    found = entries(client, "/tracker/feeds/responses.atom")

    assert sorted((e["link"], e["summary"]) for e in found) == sorted(
        [
            (
                f"http://testserver/tracker/response/{world['met_1'].pk}/",
                f"<p>{PUBLISHED['met_response']}</p>",
            ),
            (
                f"http://testserver/tracker/response/{world['mopac_1'].pk}/",
                "<p>MOPAC accepts it.</p>",
            ),
            (
                f"http://testserver/tracker/response/{world['kent_1'].pk}/",
                f"<p>{PUBLISHED['kent_response']}</p>",
            ),
        ]
    )


def test_updates_feed_links_each_update_on_its_response_page(client, world):
    kent_1 = world["kent_1"]
    update = kent_1.updates.get()

    assert entries(client, "/tracker/feeds/updates.atom") == [
        {
            "title": (
                f"Kent Police: progress on recommendation 1 of “{PUBLISHED['title']}”"
            ),
            "link": f"http://testserver/tracker/response/{kent_1.pk}/#update-{update.pk}",
            "summary": f"<p>{PUBLISHED['update']}</p>",
        }
    ]


# --- How it works ---------------------------------------------------------------------------------
MODELS = {
    "complaint": SuperComplaint,
    "investigation": Investigation,
    "response": RecommendationResponse,
}


def test_how_it_works_is_drawn_from_the_state_machines(client):
    response = client.get("/tracker/how-it-works/")

    page = body(response)
    for key, model in MODELS.items():
        section = page.split(f'data-process="{key}"')[1].split("</section>")[0]
        shown = re.findall(r'data-stage="(\w+)"', section)
        assert shown == list(model.State.values)
        for label in model.State.labels:
            assert f">{label}</h3>" in section
        transitions = list(model._meta.get_field("state").get_all_transitions(model))
        for transition in transitions:
            assert str(transition.custom["label"]) in section
    assert [p.key for p in response.context["processes"]] == list(MODELS)
    assert [list(p.stages) for p in response.context["processes"]] == [
        stages_of(model) for model in MODELS.values()
    ]


def test_how_it_works_says_what_each_response_stage_leads_to(client):
    response = client.get("/tracker/how-it-works/")

    stages = response.context["processes"][2].stages
    assert [
        (stage.label, [(step.label, step.to) for step in stage.steps])
        for stage in stages
    ] == [
        ("Awaiting response", [("Publish the response", ("Response published",))]),
        (
            "Response published",
            [
                ("Start implementing", ("In progress",)),
                ("Reopen for a new response", ("Awaiting response",)),
            ],
        ),
        ("In progress", [("Report implementation", ("Implementation reported",))]),
        (
            "Implementation reported",
            [
                ("Verify implementation", ("Verified (closed)",)),
                ("Send back", ("In progress",)),
            ],
        ),
        ("Verified (closed)", []),
    ]


def test_how_it_works_explains_a_resumed_investigation_and_a_withdrawal(client):
    response = client.get("/tracker/how-it-works/")

    complaint, investigation, _response = response.context["processes"]
    paused = [s for s in investigation.stages if s.value == "paused"][0]
    draft = [s for s in complaint.stages if s.value == "draft"][0]
    assert [(step.label, step.to) for step in paused.steps] == [
        (
            "Resume the investigation",
            (
                "Scoping",
                "Evidence gathering",
                "Analysis",
                "Drafting",
                "Fact-checking",
                "Sign-off",
            ),
        )
    ]
    assert [(step.label, step.to) for step in draft.steps] == [
        ("Submit super-complaint", ("Submitted",)),
        ("Withdraw super-complaint", ("Withdrawn",)),
    ]


# --- Query counts ---------------------------------------------------------------------------------
def publish_complaints(team, met_recipient, n):
    for _ in range(n):
        investigation = published_report(team, MET, MOPAC, recommendations=2)
        met = RecommendationResponse.objects.get(
            recommendation__investigation=investigation,
            recommendation__number=1,
            organisation__slug=MET,
        )
        response_in(met, R.IN_PROGRESS, recipient=met_recipient)
        services.post_progress_update(met, by=met_recipient, text="Half done.")


# (url, queries whatever the number of published complaints). The front page's include those of
# its data version (recommendations/page_cache.py): two, and one more to search progress updates.
TRACKER_PAGES = [
    ("/tracker/", 8),
    ("/tracker/?q=referral&state=in_progress&force=metropolitan-police-service", 9),
    ("/tracker/responses.json", 1),
    ("/tracker/responses.csv", 1),
    ("/tracker/feeds/reports.atom", 1),
    ("/tracker/feeds/responses.atom", 1),
    ("/tracker/feeds/updates.atom", 1),
    ("/tracker/how-it-works/", 0),
]


@pytest.mark.parametrize("complaint_count", [1, 3])
@pytest.mark.parametrize(("url", "queries"), TRACKER_PAGES)
def test_tracker_queries_do_not_grow_with_the_data(
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
        body(response)

    assert response.status_code == 200


@pytest.mark.parametrize("complaint_count", [1, 3])
def test_complaint_and_response_pages_queries_do_not_grow(
    client, team, met_recipient, django_assert_num_queries, complaint_count
):
    publish_complaints(team, met_recipient, complaint_count)
    recommendation = Recommendation.objects.published().last()
    reference = recommendation.investigation.complaint.reference
    response = recommendation.responses.get(organisation__slug=MET)

    with django_assert_num_queries(6):
        page = client.get(f"/tracker/{reference}/")
    with django_assert_num_queries(2):
        client.get(f"/tracker/response/{response.pk}/")

    assert len(page.context["rows"]) == 2
