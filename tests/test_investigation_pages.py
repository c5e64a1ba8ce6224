"""The investigation's pages: who sees them, what the forms do, and the public report pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from investigations.models import Investigation, ProgressReport, SignOff
from recommendations.models import RecommendationResponse
from tests.factories import MET, investigation_in, org

S = Investigation.State
TABS = [
    "overview",
    "team",
    "evidence",
    "tasks",
    "progress",
    "draft",
    "sign_off",
    "timeline",
]


def url(name, investigation, *args):
    return reverse(f"investigations:{name}", args=[investigation.pk, *args])


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_shows_to_the_team_and_to_monitors_read_only(
    client, team, commissioner_monitor, tab
):
    investigation = investigation_in(S.DRAFTING, team)

    client.force_login(team.lead)
    page = client.get(url(tab, investigation))
    client.force_login(commissioner_monitor)
    monitor_page = client.get(url(tab, investigation))

    assert page.status_code == 200
    assert monitor_page.status_code == 200
    assert 'aria-current="page"' in page.content.decode()
    assert "<form" in page.content.decode().split('id="main-content"')[1]
    # The monitor sees no form but the sign-out button in the header.
    assert "<form" not in monitor_page.content.decode().split('id="main-content"')[1]


@pytest.mark.parametrize("tab", TABS)
@pytest.mark.parametrize(
    "persona",
    ["hmicfrs_investigator_not_on_team", "hestia_member", "met_recipient"],
)
def test_people_not_on_the_team_get_not_found(request, client, team, tab, persona):
    investigation = investigation_in(S.SCOPING, team)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(tab, investigation)).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, team):
    investigation = investigation_in(S.SCOPING, team)

    response = client.get(url("overview", investigation))

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_the_team_scopes_and_moves_the_stage_through_the_pages(client, team):
    investigation = investigation_in(S.SCOPING, team)
    client.force_login(team.lead)

    client.post(
        url("terms_of_reference", investigation),
        {"tor-terms_of_reference": "How forces respond to modern slavery."},
    )
    client.post(url("add_theme", investigation), {"theme-title": "Identification"})
    response = client.post(
        url("transition", investigation, "start_evidence_gathering"),
        {"tab": "overview"},
    )

    investigation.refresh_from_db()
    assert response.status_code == 302
    assert investigation.state == S.EVIDENCE_GATHERING
    assert investigation.terms_of_reference == "How forces respond to modern slavery."
    assert [t.title for t in investigation.themes.all()] == ["Identification"]


def test_a_blocked_stage_change_says_what_is_missing(client, team):
    investigation = investigation_in(S.SCOPING, team)
    client.force_login(team.lead)

    page = client.get(url("overview", investigation)).content.decode()

    assert "Write the terms of reference and at least one investigative theme." in page


def test_a_form_error_is_shown_with_an_error_summary(client, team):
    investigation = investigation_in(S.EVIDENCE_GATHERING, team)
    client.force_login(team.lead)

    response = client.post(
        url("add_evidence_item", investigation),
        {"item-kind": "interview", "item-title": ""},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Describe the evidence." in page
    assert "<title>Error:" in page


def test_evidence_log_item_with_victim_interview_and_overdue_marker(client, team):
    investigation = investigation_in(S.EVIDENCE_GATHERING, team)
    client.force_login(team.lead)
    yesterday = timezone.localdate() - timedelta(days=1)

    client.post(
        url("add_evidence_item", investigation),
        {
            "item-kind": "victim_interview",
            "item-title": "Interviews with survivors in three forces",
            "item-owner": team.lead.pk,
            "item-due_on": yesterday.isoformat(),
        },
    )
    page = client.get(url("evidence", investigation)).content.decode()

    assert "Interviews with survivors in three forces" in page
    assert "Interview with victims or survivors" in page
    assert "Overdue" in page


def test_pausing_needs_a_reason_on_the_page(client, team):
    investigation = investigation_in(S.ANALYSIS, team)
    client.force_login(team.lead)

    response = client.post(
        url("transition", investigation, "pause"),
        {"tab": "overview", "pause-reason": ""},
    )

    investigation.refresh_from_db()
    assert response.status_code == 400
    assert investigation.state == S.ANALYSIS
    assert "Enter the reason." in response.content.decode()


def test_progress_report_reaches_the_body_on_its_complaint_page(
    client, team, hestia_member, django_capture_on_commit_callbacks
):
    investigation = investigation_in(S.EVIDENCE_GATHERING, team)
    body_member = hestia_member
    client.force_login(team.lead)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("send_progress_report", investigation),
            {"progress-text": "We have visited five forces <b>so far</b>."},
        )
    client.force_login(body_member)
    page = client.get(
        reverse("complaints:detail", args=[investigation.complaint.pk])
    ).content.decode()

    assert ProgressReport.objects.filter(investigation=investigation).count() == 1
    assert "We have visited five forces &lt;b&gt;so far&lt;/b&gt;." in page
    assert len(mail.outbox) == 1
    assert "We have visited five forces <b>so far</b>." in mail.outbox[0].body


def test_overdue_progress_report_is_marked_on_the_dashboard(client, team, settings):
    settings.PROGRESS_REPORT_INTERVAL_DAYS = 30
    investigation = investigation_in(S.EVIDENCE_GATHERING, team)
    Investigation.objects.filter(pk=investigation.pk).update(
        opened_at=timezone.now() - timedelta(days=40)
    )
    client.force_login(team.lead)

    response = client.get(reverse("investigations:dashboard"))

    [row] = response.context["rows"]
    assert row["report_overdue"] is True
    assert "Overdue" in response.content.decode()


def test_triager_appoints_the_lead_from_the_complaint_page(
    client, hmicfrs_triager, hmicfrs_investigator
):
    investigation = investigation_in(S.SCOPING)
    client.force_login(hmicfrs_triager)

    client.post(
        reverse("investigations:appoint_lead", args=[investigation.complaint.pk]),
        {"lead-user": hmicfrs_investigator.pk},
    )

    assert investigation.team.get().user == hmicfrs_investigator
    assert investigation.team.get().role == "lead"


def test_sign_off_through_the_page_is_bound_to_the_version_read(client, team):
    investigation = investigation_in(S.SIGN_OFF, team)
    approver = team.approvers[0]
    client.force_login(approver)
    stale = "0" * 64

    client.post(url("approve", investigation), {"content_hash": stale})
    assert SignOff.objects.filter(investigation=investigation).count() == 0

    client.post(
        url("approve", investigation), {"content_hash": investigation.content_hash()}
    )
    assert SignOff.objects.filter(investigation=investigation).count() == 1


@pytest.mark.parametrize("content_hash", ["0" * 64, None])
def test_who_may_not_sign_off_is_refused_before_the_version_is_compared(
    client, team, commissioner_monitor, content_hash
):
    """Permission comes first: a stale or a current version makes no difference to them."""
    investigation = investigation_in(S.SIGN_OFF, team)
    current = content_hash or investigation.content_hash()

    for person in (commissioner_monitor, team.lead):
        client.force_login(person)
        answer = client.post(url("approve", investigation), {"content_hash": current})

        assert answer.status_code == 403, person
    assert SignOff.objects.filter(investigation=investigation).count() == 0


@pytest.mark.parametrize("text", ["", "Paragraph 4 names the wrong force."])
def test_who_may_not_work_on_it_is_refused_before_the_comment_is_read(
    client, team, commissioner_monitor, text
):
    investigation = investigation_in(S.FACT_CHECKING, team)
    fact_check = investigation.fact_check_requests.get()
    client.force_login(commissioner_monitor)

    answer = client.post(
        url("fact_check_comment", investigation, fact_check.pk), {"text": text}
    )

    assert answer.status_code == 403
    assert fact_check.comments.count() == 0


def test_the_author_is_told_they_cannot_sign_off(client, team):
    investigation = investigation_in(S.SIGN_OFF, team)
    approver = team.approvers[0]
    investigation.draft_contributors.add(approver)
    client.force_login(approver)

    page = client.get(url("sign_off", investigation)).content.decode()

    assert "You wrote part of this draft, so you cannot be its approver." in page


def test_publishing_through_the_page_makes_the_report_public(
    client, team, django_capture_on_commit_callbacks
):
    investigation = investigation_in(S.SIGN_OFF, team, ready=True)
    client.force_login(team.lead)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("transition", investigation, "publish"), {"tab": "sign_off"})
    client.logout()
    reference = investigation.complaint.reference
    listing = client.get(reverse("public:list"))
    page = client.get(reverse("public:report", args=[reference]))
    pdf = client.get(reverse("public:report_pdf", args=[reference]))

    investigation.refresh_from_db()
    assert investigation.state == S.PUBLISHED
    assert RecommendationResponse.objects.filter(
        recommendation__investigation=investigation, organisation=org(MET)
    ).exists()
    assert listing.status_code == 200
    assert reference in listing.content.decode()
    assert page.status_code == 200
    assert "The hidden victims" in page.content.decode()
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_public_pages_show_nothing_of_an_unpublished_draft(client, team):
    investigation = investigation_in(S.SIGN_OFF, team, ready=True)
    reference = investigation.complaint.reference

    page = client.get(reverse("public:report", args=[reference]))
    pdf = client.get(reverse("public:report_pdf", args=[reference]))

    assert page.status_code == 200
    assert "Being investigated" in page.content.decode()
    assert "Referrals were made late." not in page.content.decode()
    assert pdf.status_code == 404


def test_public_pages_do_not_list_complaints_before_they_are_found_eligible(
    client, hestia_member
):
    from tests.factories import ComplaintFactory

    ComplaintFactory(
        state="submitted", reference="SC-2026-777", received_at=timezone.now()
    )

    listing = client.get(reverse("public:list")).content.decode()

    assert "SC-2026-777" not in listing
    assert client.get(reverse("public:report", args=["SC-2026-777"])).status_code == 404


@pytest.mark.parametrize("item_count", [1, 3])
def test_dashboard_queries_do_not_grow_with_investigations(
    client, team, django_assert_num_queries, item_count
):
    for _ in range(item_count):
        investigation_in(S.EVIDENCE_GATHERING, team)
    client.force_login(team.lead)

    with django_assert_num_queries(7):
        response = client.get(reverse("investigations:dashboard"))

    assert len(response.context["rows"]) == item_count


def _log_item(investigation, team):
    from investigations import services

    return services.add_evidence_item(
        investigation,
        by=team.lead,
        kind="case_file_review",
        title="Case files from two forces",
        owner=team.lead,
    )


def test_evidence_attachments_follow_the_intake_upload_rules(client, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    investigation = investigation_in(S.EVIDENCE_GATHERING, team)
    item = _log_item(investigation, team)
    client.force_login(team.lead)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    client.post(
        url("attach", investigation, item.pk),
        {"file": SimpleUploadedFile("review notes.pdf", pdf)},
    )
    refused = client.post(
        url("attach", investigation, item.pk),
        {"file": SimpleUploadedFile("notes.pdf", b"<script>alert(1)</script>")},
        follow=True,
    )
    [attachment] = item.attachments.all()
    download = client.get(url("attachment", investigation, item.pk, attachment.pk))

    assert attachment.original_name == "review notes.pdf"
    assert "notes.pdf" in refused.content.decode()
    assert item.attachments.count() == 1
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(download.streaming_content) == pdf


def test_attachments_are_not_found_by_people_off_the_team(
    client, team, hmicfrs_investigator_not_on_team
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from investigations import services

    investigation = investigation_in(S.EVIDENCE_GATHERING, team)
    item = _log_item(investigation, team)
    attachment = services.attach_to_evidence_item(
        item,
        by=team.lead,
        upload=SimpleUploadedFile("a.txt", b"Plain notes of a visit."),
    )
    client.force_login(hmicfrs_investigator_not_on_team)

    response = client.get(url("attachment", investigation, item.pk, attachment.pk))

    assert response.status_code == 404


def test_investigation_actions_need_post_and_a_csrf_token(team):
    from django.test import Client

    investigation = investigation_in(S.SCOPING, team)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(team.lead)

    by_get = strict.get(url("transition", investigation, "pause"))
    without_token = strict.post(
        url("transition", investigation, "pause"), {"pause-reason": "Waiting."}
    )

    investigation.refresh_from_db()
    assert by_get.status_code == 405
    assert without_token.status_code == 403
    assert investigation.state == S.SCOPING


def test_monitors_read_but_cannot_act(client, team, commissioner_monitor):
    investigation = investigation_in(S.SCOPING, team)
    client.force_login(commissioner_monitor)

    pause = client.post(
        url("transition", investigation, "pause"), {"pause-reason": "No."}
    )
    theme = client.post(url("add_theme", investigation), {"theme-title": "Mine"})

    investigation.refresh_from_db()
    assert pause.status_code == 403
    assert theme.status_code == 403
    assert investigation.state == S.SCOPING
    assert investigation.themes.count() == 0


def test_the_one_button_actions_do_what_they_say(client, team):
    """Removing a recommendation renumbers the rest; tasks are done; statuses change; team
    members leave; an empty comment is refused with a message and records nothing."""
    from investigations import services
    from tests.factories import REPORT

    investigation = investigation_in(S.DRAFTING, team)
    lead = team.lead
    services.update_report(
        investigation, by=lead, data=REPORT, expected_version=investigation.version
    )
    first, second = (
        services.add_recommendation(
            investigation,
            by=lead,
            text=text,
            recipient_kinds=[],
            named_recipients=[org(MET)],
        )
        for text in ("First.", "Second.")
    )
    task = services.add_task(
        investigation,
        by=lead,
        title="Read files",
        owner=lead,
        due_on=timezone.localdate(),
    )
    item = _log_item(investigation, team)
    request = services.add_fact_check_request(
        investigation,
        by=lead,
        organisation=org(MET),
        due_on=timezone.localdate() + timedelta(days=7),
    )
    services.send_for_fact_check(investigation, by=lead)
    member = investigation.team.get(user=team.investigators[0])
    client.force_login(lead)

    client.post(url("remove_recommendation", investigation, first.pk))
    client.post(url("complete_task", investigation, task.pk))
    client.post(url("evidence_status", investigation, item.pk), {"status": "received"})
    client.post(url("remove_member", investigation, member.pk))
    refused = client.post(
        url("fact_check_comment", investigation, request.pk), {"text": ""}, follow=True
    )

    second.refresh_from_db()
    task.refresh_from_db()
    item.refresh_from_db()
    assert [r.text for r in investigation.recommendations.all()] == ["Second."]
    assert second.number == 1
    assert task.done_at is not None
    assert item.status == "received"
    assert not investigation.team.filter(pk=member.pk).exists()
    assert "Enter the comments." in refused.content.decode()
    assert request.comments.count() == 0


def test_date_pickers_show_an_initial_date_in_iso_form():
    """A type="date" input shows nothing unless its value is YYYY-MM-DD, whatever the locale."""
    from datetime import date

    from investigations.forms import DateInput

    html = DateInput().render("due_on", date(2027, 1, 19))

    assert 'value="2027-01-19"' in html
