"""The recipient's workspace: its list, export and response pages, every form and button through the
pages, and what another force may not see or do."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from recommendations import services
from recommendations.models import (
    ActionPlanItem,
    ExtensionRequest,
    ProgressUpdate,
    RecommendationResponse,
    ResponseEvidence,
)
from tests.factories import MET, MOPAC, org, published_report, response_in
from workflow.models import DueDateChange, TransitionLog

R = RecommendationResponse.State
O = RecommendationResponse.Outcome  # noqa: E741
KENT = "kent-police"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MET_TEXT = "The Met accepts and will retrain its public protection officers."


def url(name, *args):
    return reverse(f"responses:{name}", args=args)


def response_of(investigation, slug, number=1):
    return RecommendationResponse.objects.get(
        recommendation__investigation=investigation,
        recommendation__number=number,
        organisation=org(slug),
    )


def logs(obj):
    return list(
        TransitionLog.objects.for_object(obj).values_list("transition", flat=True)
    )


@pytest.fixture
def report(team):
    """A published report whose one recommendation is addressed to the Met, MOPAC and Kent."""
    return published_report(team, MET, MOPAC, KENT)


@pytest.fixture
def met(report):
    return response_of(report, MET)


@pytest.fixture
def mopac(report):
    return response_of(report, MOPAC)


@pytest.fixture
def kent(report):
    return response_of(report, KENT)


def save_draft(client, response, *, text=MET_TEXT, outcome=O.ACCEPTED, **extra):
    return client.post(
        url("save_draft", response.pk),
        {
            "response-version": response.version,
            "response-outcome": outcome,
            "response-text": text,
            **extra,
        },
    )


# --- The list, its counts and the export ----------------------------------------------------------
def test_recipient_list_shows_only_its_own_responses(client, met_recipient, met, kent):
    client.force_login(met_recipient)

    page = client.get(url("list"))

    assert page.status_code == 200
    assert [r.pk for r in page.context["responses"]] == [met.pk]
    assert page.context["total"] == 1
    assert {s: n for s, _label, n in page.context["state_counts"]} == {
        R.AWAITING_RESPONSE: 1,
        R.RESPONSE_PUBLISHED: 0,
        R.IN_PROGRESS: 0,
        R.IMPLEMENTATION_REPORTED: 0,
        R.VERIFIED: 0,
    }
    assert "Kent Police" not in page.content.decode()


def test_other_force_sees_none_of_the_mets_responses_in_list_counts_or_csv(
    client, met_recipient, kent_recipient, team
):
    met = response_of(published_report(team, MET, MOPAC), MET)
    response_in(met, R.RESPONSE_PUBLISHED, recipient=met_recipient)
    other = published_report(team, MET, MOPAC, recommendations=2)
    response_in(response_of(other, MET, 2), R.IN_PROGRESS, recipient=met_recipient)
    client.force_login(kent_recipient)

    page = client.get(url("list"))
    export = client.get(url("export"))

    content = page.content.decode()
    csv = b"".join(export.streaming_content).decode()
    assert page.context["responses"] == []
    assert page.context["total"] == 0
    assert page.context["overdue_count"] == 0
    assert [n for _s, _label, n in page.context["state_counts"]] == [0, 0, 0, 0, 0]
    assert 'data-state="all">0<' in content
    assert "Metropolitan Police Service" not in content
    assert met.recommendation.investigation.complaint.reference not in content
    assert page.context["filter_form"].fields["complaint"].choices == [
        ("", "Any super-complaint")
    ]
    assert "Metropolitan Police Service" not in csv
    assert len(csv.strip().splitlines()) == 1


def test_other_force_sees_its_own_response_but_not_the_mets(
    client, met_recipient, kent_recipient, met, kent
):
    response_in(met, R.RESPONSE_PUBLISHED, recipient=met_recipient, text=MET_TEXT)
    client.force_login(kent_recipient)

    page = client.get(url("list"))
    csv = b"".join(client.get(url("export")).streaming_content).decode()

    assert [r.pk for r in page.context["responses"]] == [kent.pk]
    assert "Metropolitan Police Service" not in page.content.decode()
    assert "Kent Police" in csv
    assert "Metropolitan Police Service" not in csv
    assert MET_TEXT not in csv


def test_list_filters_by_state_complaint_and_overdue(client, team, met_recipient, met):
    second = published_report(team, MET)
    later = response_of(second, MET)
    response_in(later, R.RESPONSE_PUBLISHED, recipient=met_recipient)
    client.force_login(met_recipient)

    by_state = client.get(url("list"), {"state": R.RESPONSE_PUBLISHED})
    by_complaint = client.get(
        url("list"), {"complaint": met.recommendation.investigation.complaint_id}
    )
    with time_machine.travel(met.due_on + timedelta(days=1), tick=False):
        client.force_login(met_recipient)
        overdue = client.get(url("list"), {"overdue": "on"})
    nonsense = client.get(url("list"), {"state": "nonsense", "complaint": "99999"})

    assert [r.pk for r in by_state.context["responses"]] == [later.pk]
    assert [r.pk for r in by_complaint.context["responses"]] == [met.pk]
    assert [r.pk for r in overdue.context["responses"]] == [met.pk]
    assert overdue.context["overdue_count"] == 1
    assert "Overdue" in overdue.content.decode()
    assert {r.pk for r in nonsense.context["responses"]} == {met.pk, later.pk}


def test_list_marks_extension_requested_and_keeps_the_original_due_date(
    client, met_recipient, hmicfrs_monitor, met
):
    original = met.due_on
    request = services.request_extension(
        met, by=met_recipient, new_due_on=original + timedelta(days=30), reason="Data."
    )
    client.force_login(met_recipient)
    asked = client.get(url("list")).content.decode()
    services.grant_extension(
        request,
        by=hmicfrs_monitor,
        new_due_on=original + timedelta(days=20),
        reason="Fair.",
    )

    granted = client.get(url("list")).content.decode()

    assert "Extension requested" in asked
    assert "Extension requested" not in granted
    assert f"originally {original.day} {original:%B %Y}" in granted


def test_csv_export_has_published_responses_and_never_drafts(
    client, team, met_recipient, hmicfrs_monitor, met
):
    response_in(met, R.RESPONSE_PUBLISHED, recipient=met_recipient, text=MET_TEXT)
    other = published_report(team, MET)
    services.save_response_draft(
        response_of(other, MET),
        by=met_recipient,
        outcome=O.ACCEPTED,
        text="=DRAFT only for us",
        expected_version=1,
    )
    client.force_login(hmicfrs_monitor)

    export = client.get(url("export"))

    csv = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert export["Content-Disposition"].startswith('attachment; filename="responses-')
    assert MET_TEXT in csv
    assert "DRAFT only for us" not in csv
    assert csv.splitlines()[0].split(",")[:3] == [
        "Super-complaint",
        "Report",
        "Recommendation",
    ]


@pytest.mark.parametrize("n", [1, 3])
def test_list_page_queries_do_not_grow_with_complaints(
    client, team, met_recipient, django_assert_num_queries, n
):
    for _ in range(n):
        published_report(team, MET, MOPAC)
    client.force_login(met_recipient)
    client.get(url("list"))  # the first request after signing in writes the session

    # Two read the data version of the derived-content cache (off in tests: the page is worked
    # out); without a filter the counts by state also count the list's pages.
    with django_assert_num_queries(7):
        page = client.get(url("list"))

    assert len(page.context["responses"]) == n


# --- Isolation ------------------------------------------------------------------------------------
def test_other_force_gets_404_on_every_page_and_action_of_the_mets_response(
    client, met_recipient, kent_recipient, hmicfrs_monitor, met
):
    response_in(met, R.IN_PROGRESS, recipient=met_recipient)
    services.add_action(
        met, by=met_recipient, description="Train", owner="Head", target_on=met.due_on
    )
    update = services.post_progress_update(
        met,
        by=met_recipient,
        text="Half done.",
        files=[SimpleUploadedFile("r.pdf", PDF)],
    )
    evidence = update.evidence.get()
    action = met.actions.get()
    client.force_login(kent_recipient)
    gets = [url("detail", met.pk), url("evidence", met.pk, evidence.pk)]
    posts = [
        url("save_draft", met.pk),
        url("publish_joint", met.pk),
        url("add_action", met.pk),
        url("update_action", met.pk, action.pk),
        url("post_update", met.pk),
        url("report_implementation", met.pk),
        url("request_extension", met.pk),
        url("grant_extension", met.pk, 1),
        url("refuse_extension", met.pk, 1),
        *(url("transition", met.pk, name) for name in ("start_work", "verify")),
    ]

    statuses = [client.get(u).status_code for u in gets] + [
        client.post(u, {"progress-text": "x"}).status_code for u in posts
    ]

    assert statuses == [404] * (len(gets) + len(posts))
    assert ProgressUpdate.objects.count() == 1
    assert logs(met) == ["publish_response", "start_work"]


def test_draft_is_not_shown_to_hmicfrs_before_publication(
    client, met_recipient, hmicfrs_monitor, met
):
    client.force_login(met_recipient)
    save_draft(client, met)
    own = client.get(url("detail", met.pk)).content.decode()
    client.force_login(hmicfrs_monitor)

    theirs = client.get(url("detail", met.pk)).content.decode()

    assert escape(MET_TEXT) in own
    assert escape(MET_TEXT) not in theirs
    assert "No response published yet." in theirs
    assert 'name="response-text"' not in theirs


def test_designated_body_sees_published_response_but_not_evidence(
    client, met_recipient, hestia_member, met
):
    response_in(met, R.IN_PROGRESS, recipient=met_recipient, text=MET_TEXT)
    update = services.post_progress_update(
        met,
        by=met_recipient,
        text="Half done.",
        files=[SimpleUploadedFile("training.pdf", PDF)],
    )
    evidence = update.evidence.get()
    client.force_login(hestia_member)

    page = client.get(url("detail", met.pk)).content.decode()
    download = client.get(url("evidence", met.pk, evidence.pk))

    assert escape(MET_TEXT) in page
    assert "Half done." in page
    assert "training.pdf" not in page
    assert download.status_code == 404


def test_the_public_is_sent_to_sign_in_from_every_workspace_page(
    client, met_recipient, met
):
    response_in(met, R.IN_PROGRESS, recipient=met_recipient)
    update = services.post_progress_update(
        met, by=met_recipient, text="Done.", files=[SimpleUploadedFile("r.pdf", PDF)]
    )
    pages = [
        url("list"),
        url("export"),
        url("detail", met.pk),
        url("evidence", met.pk, update.evidence.get().pk),
    ]

    answers = [client.get(u) for u in pages]

    assert [(a.status_code, a["Location"].split("?")[0]) for a in answers] == [
        (302, reverse("login"))
    ] * len(pages)


# --- The response ---------------------------------------------------------------------------------
def test_recipient_saves_a_draft_then_publishes_it(
    client, met_recipient, hmicfrs_monitor, met
):
    client.force_login(met_recipient)

    saved = save_draft(client, met)
    met.refresh_from_db()
    published = save_draft(client, met, publish="1")

    met.refresh_from_db()
    assert saved.status_code == 302
    assert published.status_code == 302
    assert (met.state, met.outcome, met.response_text) == (
        R.RESPONSE_PUBLISHED,
        O.ACCEPTED,
        MET_TEXT,
    )
    assert logs(met) == ["publish_response"]
    client.force_login(hmicfrs_monitor)
    assert escape(MET_TEXT) in client.get(url("detail", met.pk)).content.decode()


def test_publishing_without_outcome_or_text_says_what_is_missing(
    client, met_recipient, met
):
    client.force_login(met_recipient)

    page = save_draft(client, met, text=" ", outcome="", publish="1")

    met.refresh_from_db()
    assert page.status_code == 400
    assert page.context["error_form"].errors == {
        "outcome": [
            "Choose whether the recommendation is accepted, partly accepted or not accepted."
        ],
        "text": ["Write the response."],
    }
    assert "There is a problem" in page.content.decode()
    assert met.state == R.AWAITING_RESPONSE


def test_stale_draft_save_is_refused_and_keeps_the_typed_text(
    client, met_recipient, met
):
    client.force_login(met_recipient)
    services.save_response_draft(
        met,
        by=met_recipient,
        outcome=O.PARTLY_ACCEPTED,
        text="A colleague's version.",
        expected_version=1,
    )

    page = client.post(
        url("save_draft", met.pk),
        {
            "response-version": 1,
            "response-outcome": O.ACCEPTED,
            "response-text": "My own careful wording.",
        },
    )

    met.refresh_from_db()
    content = page.content.decode()
    assert page.status_code == 409
    assert "Someone else changed this response a moment ago" in content
    assert "My own careful wording." in content
    assert 'name="response-version" value="2"' in content
    assert met.response_text == "A colleague's version."


def test_joint_response_publishes_both_and_both_organisations_see_it(
    client, met_recipient, mopac_recipient, met, mopac
):
    client.force_login(met_recipient)
    offered = client.get(url("detail", met.pk)).content.decode()

    done = client.post(
        url("publish_joint", met.pk),
        {"joint-outcome": O.ACCEPTED, "joint-text": "Together we accept it."},
    )

    met.refresh_from_db()
    mopac.refresh_from_db()
    assert "Publish as a joint response with Mayor" in offered
    assert done.status_code == 302
    assert (met.state, mopac.state) == (R.RESPONSE_PUBLISHED, R.RESPONSE_PUBLISHED)
    assert (met.joint_with_id, mopac.joint_with_id) == (mopac.pk, met.pk)
    assert (logs(met), logs(mopac)) == (["publish_response"], ["publish_response"])
    client.force_login(mopac_recipient)
    listed = {r.pk for r in client.get(url("list")).context["responses"]}
    page = client.get(url("detail", met.pk)).content.decode()
    assert listed == {met.pk, mopac.pk}
    assert "Together we accept it." in page
    assert "Joint response with Mayor" in page


def test_joint_response_needs_outcome_and_text(client, met_recipient, met, mopac):
    client.force_login(met_recipient)

    page = client.post(url("publish_joint", met.pk), {"joint-text": ""})

    mopac.refresh_from_db()
    assert page.status_code == 400
    assert set(page.context["error_form"].errors) == {"outcome", "text"}
    assert mopac.state == R.AWAITING_RESPONSE


# --- Action plan ----------------------------------------------------------------------------------
def test_action_is_added_and_its_status_updated(client, met_recipient, met):
    client.force_login(met_recipient)
    target = met.due_on + timedelta(days=60)

    added = client.post(
        url("add_action", met.pk),
        {
            "action-description": "Retrain officers",
            "action-owner": "Head of Public Protection",
            "action-target_on": target.isoformat(),
        },
    )
    action = ActionPlanItem.objects.get(response=met)
    updated = client.post(
        url("update_action", met.pk, action.pk),
        {
            f"update-{action.pk}-status": ActionPlanItem.Status.IN_PROGRESS,
            f"update-{action.pk}-target_on": target.isoformat(),
        },
    )

    action.refresh_from_db()
    assert (added.status_code, updated.status_code) == (302, 302)
    assert (action.description, action.owner, action.target_on, action.status) == (
        "Retrain officers",
        "Head of Public Protection",
        target,
        ActionPlanItem.Status.IN_PROGRESS,
    )


def test_moving_a_target_date_needs_a_reason_and_keeps_the_first_date(
    client, met_recipient, met
):
    first = met.due_on + timedelta(days=60)
    later = first + timedelta(days=30)
    action = services.add_action(
        met, by=met_recipient, description="Retrain", owner="Head", target_on=first
    )
    client.force_login(met_recipient)
    fields = {
        f"update-{action.pk}-status": ActionPlanItem.Status.IN_PROGRESS,
        f"update-{action.pk}-target_on": later.isoformat(),
    }

    refused = client.post(url("update_action", met.pk, action.pk), fields)
    action.refresh_from_db()
    target_after_refusal = action.target_on
    moved = client.post(
        url("update_action", met.pk, action.pk),
        {**fields, f"update-{action.pk}-reason": "The trainers left."},
    )
    page = client.get(url("detail", met.pk)).content.decode()

    action.refresh_from_db()
    assert refused.status_code == 400
    assert refused.context["error_form"].errors == {
        "reason": ["Say why the target date is changing."]
    }
    assert target_after_refusal == first
    assert moved.status_code == 302
    assert (action.original_target_on, action.target_on) == (first, later)
    assert DueDateChange.objects.for_object(action).count() == 1
    assert f"First set for {first.day} {first:%B %Y}" in page
    assert "The trainers left." in page
    assert f'name="update-{action.pk}-target_on" value="{later.isoformat()}"' in page


# --- Progress updates, implementation and evidence ------------------------------------------------
def test_progress_update_with_several_files_and_their_download(
    client, met_recipient, hmicfrs_monitor, met
):
    response_in(met, R.IN_PROGRESS, recipient=met_recipient)
    client.force_login(met_recipient)

    posted = client.post(
        url("post_update", met.pk),
        {
            "progress-text": "Half of officers trained.",
            "progress-files": [
                SimpleUploadedFile("register.pdf", PDF),
                SimpleUploadedFile("figures.csv", b"force,trained\nMet,1600\n"),
            ],
        },
    )
    update = ProgressUpdate.objects.get(response=met)
    evidence = update.evidence.order_by("pk").first()
    client.force_login(hmicfrs_monitor)
    page = client.get(url("detail", met.pk)).content.decode()
    download = client.get(url("evidence", met.pk, evidence.pk))

    assert posted.status_code == 302
    assert update.text == "Half of officers trained."
    assert sorted(update.evidence.values_list("original_name", flat=True)) == [
        "figures.csv",
        "register.pdf",
    ]
    assert "Half of officers trained." in page
    assert url("evidence", met.pk, evidence.pk) in page
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="register.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(download.streaming_content) == PDF


def test_a_pdf_that_is_really_a_web_page_is_refused(client, met_recipient, met):
    response_in(met, R.IN_PROGRESS, recipient=met_recipient)
    client.force_login(met_recipient)

    page = client.post(
        url("post_update", met.pk),
        {
            "progress-text": "See the attached.",
            "progress-files": [
                SimpleUploadedFile(
                    "report.pdf", b"<html><body><script>alert(1)</script></body></html>"
                )
            ],
        },
    )

    message = "“report.pdf”: the file is a web page or contains script, which we do not accept."
    assert page.status_code == 400
    assert page.context["error_form"].non_field_errors() == [message]
    assert escape(message) in page.content.decode()
    assert "See the attached." in page.content.decode()
    assert (ProgressUpdate.objects.count(), ResponseEvidence.objects.count()) == (0, 0)


def test_progress_update_needs_text(client, met_recipient, met):
    response_in(met, R.IN_PROGRESS, recipient=met_recipient)
    client.force_login(met_recipient)

    page = client.post(url("post_update", met.pk), {"progress-text": ""})

    assert page.status_code == 400
    assert page.context["error_form"].errors == {"text": ["Write the progress update."]}
    assert ProgressUpdate.objects.count() == 0


def test_start_report_send_back_and_verify_through_the_page(
    client, met_recipient, hmicfrs_monitor, met
):
    response_in(met, R.RESPONSE_PUBLISHED, recipient=met_recipient)
    client.force_login(met_recipient)
    started = client.post(url("transition", met.pk, "start_work"))
    reported = client.post(
        url("report_implementation", met.pk),
        {
            "implementation-summary": "All officers trained.",
            "implementation-files": [SimpleUploadedFile("register.pdf", PDF)],
        },
    )
    recipient_verifies = client.post(url("transition", met.pk, "verify"))
    client.force_login(hmicfrs_monitor)
    no_reason = client.post(url("transition", met.pk, "send_back"))
    sent_back = client.post(
        url("transition", met.pk, "send_back"),
        {"send_back-reason": "Send the training register for all units."},
    )
    client.force_login(met_recipient)
    client.post(
        url("report_implementation", met.pk),
        {"implementation-summary": "All units' registers attached."},
    )
    client.force_login(hmicfrs_monitor)
    verified = client.post(url("transition", met.pk, "verify"))

    met.refresh_from_db()
    assert [started.status_code, reported.status_code] == [302, 302]
    assert recipient_verifies.status_code == 403
    assert no_reason.status_code == 400
    assert no_reason.context["form_errors"] == [
        ("id_send_back-reason", "Enter the reason.")
    ]
    assert sent_back.status_code == 302
    assert verified.status_code == 302
    assert met.state == R.VERIFIED
    assert met.evidence.filter(for_implementation=True).count() == 1
    assert logs(met) == [
        "publish_response",
        "start_work",
        "report_implementation",
        "send_back",
        "report_implementation",
        "verify",
    ]
    page = client.get(url("detail", met.pk)).content.decode()
    assert "Send the training register for all units." in page
    assert "Verified by HMICFRS on" in page


def test_not_accepted_response_is_reopened_with_a_reason(
    client, met_recipient, hmicfrs_monitor, met
):
    response_in(
        met, R.RESPONSE_PUBLISHED, recipient=met_recipient, outcome=O.NOT_ACCEPTED
    )
    client.force_login(met_recipient)
    cannot_start = client.post(url("transition", met.pk, "start_work"), follow=True)
    client.force_login(hmicfrs_monitor)

    reopened = client.post(
        url("transition", met.pk, "reopen"), {"reopen-reason": "New evidence."}
    )

    met.refresh_from_db()
    assert (
        "A recommendation that was not accepted has no implementation to start."
        in cannot_start.content.decode()
    )
    assert reopened.status_code == 302
    assert met.state == R.AWAITING_RESPONSE
    assert logs(met) == ["publish_response", "reopen"]


def test_unknown_action_is_not_found(client, met_recipient, met):
    client.force_login(met_recipient)

    assert client.post(url("transition", met.pk, "delete")).status_code == 404


# --- Extensions -----------------------------------------------------------------------------------
def test_extension_is_asked_for_and_granted_through_the_pages(
    client, met_recipient, hmicfrs_monitor, met
):
    original = met.due_on
    client.force_login(met_recipient)
    asked = client.post(
        url("request_extension", met.pk),
        {
            "extension-new_due_on": (original + timedelta(days=30)).isoformat(),
            "extension-reason": "The force's data will be ready in May.",
        },
    )
    request = ExtensionRequest.objects.get(response=met)
    recipient_grants = client.post(
        url("grant_extension", met.pk, request.pk),
        {"grant-new_due_on": "2099-01-01", "grant-reason": "Mine."},
    )
    client.force_login(hmicfrs_monitor)
    granted = client.post(
        url("grant_extension", met.pk, request.pk),
        {
            "grant-new_due_on": (original + timedelta(days=20)).isoformat(),
            "grant-reason": "Twenty days is enough.",
        },
    )

    met.refresh_from_db()
    request.refresh_from_db()
    page = client.get(url("detail", met.pk)).content.decode()
    assert asked.status_code == 302
    assert recipient_grants.status_code == 403
    assert granted.status_code == 302
    assert request.state == ExtensionRequest.State.GRANTED
    assert (met.due_on, met.original_due_on, met.extension_pending) == (
        original + timedelta(days=20),
        original,
        False,
    )
    assert f"Originally due {original.day} {original:%B %Y}" in page
    assert "Twenty days is enough." in page
    assert logs(request) == ["request_extension", "grant"]


def test_extension_is_refused_with_a_reason(
    client, met_recipient, hmicfrs_monitor, met
):
    original = met.due_on
    request = services.request_extension(
        met, by=met_recipient, new_due_on=original + timedelta(days=30), reason="Data."
    )
    client.force_login(hmicfrs_monitor)
    offered = client.get(url("detail", met.pk)).content.decode()

    no_reason = client.post(url("refuse_extension", met.pk, request.pk), {})
    refused = client.post(
        url("refuse_extension", met.pk, request.pk),
        {"refuse-reason": "The data is not needed to respond."},
    )

    met.refresh_from_db()
    request.refresh_from_db()
    assert "Grant the extension" in offered
    assert no_reason.status_code == 400
    assert no_reason.context["error_form"].errors == {
        "reason": ["Give the reason for the decision."]
    }
    assert refused.status_code == 302
    assert request.state == ExtensionRequest.State.REFUSED
    assert (met.due_on, met.extension_pending) == (original, False)
    page = client.get(url("detail", met.pk)).content.decode()
    assert "The data is not needed to respond." in page
    assert "Grant the extension" not in page


def test_extension_date_must_be_after_the_due_date(client, met_recipient, met):
    client.force_login(met_recipient)

    page = client.post(
        url("request_extension", met.pk),
        {"extension-new_due_on": met.due_on.isoformat(), "extension-reason": "More."},
    )

    assert page.status_code == 400
    assert page.context["error_form"].errors == {
        "new_due_on": ["The date asked for must be after the current due date."]
    }
    assert ExtensionRequest.objects.count() == 0


def test_extension_form_is_not_offered_once_past_due(client, met_recipient, met):
    with time_machine.travel(met.due_on + timedelta(days=1), tick=False):
        client.force_login(met_recipient)
        page = client.get(url("detail", met.pk)).content.decode()

    assert "Ask HMICFRS for more time" not in page
    assert "Overdue" in page


# --- POST only, with CSRF -------------------------------------------------------------------------
def test_actions_are_post_only(client, met_recipient, met):
    client.force_login(met_recipient)
    posts = [
        url("save_draft", met.pk),
        url("publish_joint", met.pk),
        url("add_action", met.pk),
        url("update_action", met.pk, 1),
        url("post_update", met.pk),
        url("report_implementation", met.pk),
        url("request_extension", met.pk),
        url("grant_extension", met.pk, 1),
        url("refuse_extension", met.pk, 1),
        url("transition", met.pk, "start_work"),
    ]

    assert [client.get(u).status_code for u in posts] == [405] * len(posts)


def test_csrf_is_enforced(met_recipient, met):
    client = Client(enforce_csrf_checks=True)
    client.force_login(met_recipient)

    refused = save_draft(client, met, publish="1")
    page = client.get(url("detail", met.pk))
    token = str(page.context["csrf_token"])
    accepted = save_draft(client, met, csrfmiddlewaretoken=token)

    met.refresh_from_db()
    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert (met.state, met.response_text) == (R.AWAITING_RESPONSE, MET_TEXT)


def test_a_recipient_lands_on_its_responses_and_finds_them_in_the_menu(
    client, met_recipient
):
    client.force_login(met_recipient)

    landing = client.get("/")
    page = client.get(landing.url)

    assert landing.url == "/responses/"
    assert ("Your responses", "/responses/", True) in page.context["nav_links"]
