"""Publishing the report (reg 8): the fixed snapshot with withheld passages taken out, its PDF, one
response per recommendation and recipient, and the e-mails to the designated body and the
fact-checkers, sent only once the change is committed. A failed publish leaves nothing behind."""

import io
import json
from datetime import date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed
from pypdf import PdfReader

from accounts.models import Organisation
from investigations import emails, services
from investigations.models import (
    FactCheckRequest,
    Investigation,
    ProgressReport,
    PublishedReport,
    Redaction,
    StagePeriod,
)
from recommendations.models import RecommendationResponse
from tests.factories import (
    COLLEGE,
    MET,
    REPORT,
    EligibleComplaintFactory,
    investigation_in,
    move_on,
    org,
)
from workflow import deadlines
from workflow.deadlines import LONDON
from workflow.models import TransitionLog

S = Investigation.State
DRAFTED_AT = datetime(2026, 10, 1, 9, tzinfo=LONDON)
PUBLISHED_AT = datetime(2026, 11, 4, 10, 15, tzinfo=LONDON)
HOSTILE = "<b>x</b> & <script>"
WELSH = "Heddlu Dyfed-Powys: ŵ ŷ"
SECRET = "The witness now lives at 4 Mill Lane."
MARKER = "[Passage withheld under regulation 8(3): it might endanger someone's safety]"
BODY_ADDRESSES = ["hannah@hestia.example", "hestia_member@example.org"]


def pages_of(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(pdf)).pages
    )


def territorial_forces():
    return Organisation.objects.filter(kind="police_force", is_territorial_force=True)


def local_policing_bodies():
    return Organisation.objects.filter(kind="local_policing_body")


@pytest.fixture
def ready(team, hestia_member):
    """Hestia's complaint, its report approved by all three authorities and ready to publish.
    Recommendation 1 goes to every chief constable and, by name, the Met; 2 to every local
    policing body; 3 to Dyfed-Powys Police and the College by name."""
    complaint = EligibleComplaintFactory(
        organisation=hestia_member.organisation,
        created_by=hestia_member,
        reference="SC-2026-042",
    )
    with time_machine.travel(DRAFTED_AT, tick=False):
        return investigation_in(
            S.SIGN_OFF,
            team,
            ready=True,
            complaint=complaint,
            report={
                **REPORT,
                "report_title": f"The hidden victims ({WELSH})",
                "findings": f"Referrals were made late. {SECRET} We saw {HOSTILE} in notes.",
            },
            recommendations=[
                {
                    "text": "Record every referral.",
                    "recipient_kinds": ["chief_constables"],
                    "named_recipients": [org(MET)],
                },
                {
                    "text": "Fund independent advocates.",
                    "recipient_kinds": ["local_policing_bodies"],
                    "named_recipients": [],
                },
                {
                    "text": f"{WELSH} should publish its figures.",
                    "recipient_kinds": [],
                    "named_recipients": [org("dyfed-powys-police"), org(COLLEGE)],
                },
            ],
            redactions=[
                {
                    "section": "findings",
                    "passage": SECRET,
                    "ground": Redaction.Ground.SAFETY,
                    "explanation": "The witness could be found.",
                }
            ],
        )


@pytest.fixture
def published(ready, team):
    with time_machine.travel(PUBLISHED_AT, tick=False):
        services.publish_report(ready, by=team.lead)
    return Investigation.objects.get(pk=ready.pk)


def responses_to(investigation, number):
    return RecommendationResponse.objects.filter(
        recommendation__investigation=investigation, recommendation__number=number
    )


# --- Responses ------------------------------------------------------------------------------------
def test_all_chief_constables_means_each_territorial_force_once(published):
    responses = responses_to(published, 1)

    assert responses.count() == 43 == territorial_forces().count()
    assert {r.organisation for r in responses} == set(territorial_forces())
    assert responses.filter(organisation=org(MET)).count() == 1


def test_all_local_policing_bodies_means_each_one_once(published):
    responses = responses_to(published, 2)

    assert responses.count() == 43 == local_policing_bodies().count()
    assert {r.organisation for r in responses} == set(local_policing_bodies())


def test_named_recipients_get_one_response_each(published):
    assert [r.organisation for r in responses_to(published, 3)] == [
        org(COLLEGE),
        org("dyfed-powys-police"),
    ]


def test_exactly_one_response_per_recommendation_and_recipient(published):
    pairs = list(
        RecommendationResponse.objects.values_list("recommendation", "organisation")
    )

    assert len(pairs) == len(set(pairs)) == 43 + 43 + 2


def test_every_response_is_due_by_the_response_date_of_publication(published):
    due = deadlines.response_due(date(2026, 11, 4))

    assert published.report_published_on == date(2026, 11, 4)
    assert due == date(2026, 12, 30)
    assert set(
        RecommendationResponse.objects.values_list("due_on", "issued_at", "state")
    ) == {(due, PUBLISHED_AT, "awaiting_response")}


# --- The published version ------------------------------------------------------------------------
def test_the_snapshot_replaces_withheld_passages_with_the_marker(published, team):
    report = PublishedReport.objects.get(investigation=published)

    assert report.snapshot["findings"] == (
        f"Referrals were made late. {MARKER} We saw {HOSTILE} in notes."
    )
    assert SECRET not in json.dumps(report.snapshot, ensure_ascii=False)
    assert (report.published_at, report.published_by, report.content_hash) == (
        PUBLISHED_AT,
        team.lead,
        published.content_hash(),
    )
    assert report.snapshot["reference"] == "SC-2026-042"
    assert [r["recipients"] for r in report.snapshot["recommendations"]] == [
        ["All chief constables (territorial forces)", "Metropolitan Police Service"],
        ["All local policing bodies (PCCs and equivalents)"],
        ["College of Policing", "Dyfed-Powys Police"],
    ]


def test_the_pdf_prints_the_text_literally_with_the_recipients_annex(published):
    report = PublishedReport.objects.get(investigation=published)
    with report.pdf.open("rb") as pdf:
        text = pages_of(pdf.read())

    assert f"The hidden victims ({WELSH})" in text
    assert f"Referrals were made late. {MARKER} We saw {HOSTILE} in notes." in text
    assert f"{WELSH} should publish its figures." in text
    assert SECRET not in text
    assert "Annex: recipients of recommendations" in text
    assert "Dyfed-Powys Police Police force 1, 3" in text
    assert "Metropolitan Police Service Police force 1" in text
    assert "College of Policing College of Policing 3" in text


def test_publishing_records_the_stage_and_the_log(published, team):
    log = TransitionLog.objects.for_object(published).order_by("pk").last()

    assert (log.transition, log.source, log.target, log.by, log.at) == (
        "publish",
        S.SIGN_OFF,
        S.PUBLISHED,
        team.lead,
        PUBLISHED_AT,
    )
    assert (published.state, published.published_at) == (S.PUBLISHED, PUBLISHED_AT)
    assert published.stage_periods.filter(ended_at=None).get().stage == S.PUBLISHED


# --- E-mails after commit -------------------------------------------------------------------------
def test_the_designated_body_gets_the_report_once_committed(
    ready, team, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(PUBLISHED_AT, tick=False),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        services.publish_report(ready, by=team.lead)

    assert mail.outbox == []
    for callback in callbacks:
        callback()

    report = PublishedReport.objects.get(investigation=ready)
    with report.pdf.open("rb") as pdf:
        pdf_bytes = pdf.read()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (
        BODY_ADDRESSES,
        "Report published on super-complaint SC-2026-042",
    )
    assert message.attachments == [
        ("SC-2026-042-report.pdf", pdf_bytes, "application/pdf")
    ]
    assert pdf_bytes.startswith(b"%PDF")


def test_the_designated_body_gets_each_progress_report_once_committed(
    ready, team, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(DRAFTED_AT, tick=False),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        services.send_progress_report(
            ready, by=team.lead, text="We have visited six forces."
        )

    assert mail.outbox == []
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject, message.attachments) == (
        BODY_ADDRESSES,
        "Progress report on super-complaint SC-2026-042",
        [],
    )
    assert "We have visited six forces." in message.body
    assert "dated 1 October 2026" in message.body
    assert [(r.sent_on, r.text) for r in ProgressReport.objects.all()] == [
        (date(2026, 10, 1), "We have visited six forces.")
    ]


def test_fact_checkers_with_an_address_are_asked_once_committed(
    team, django_capture_on_commit_callbacks
):
    met = org(MET)
    met.email = "fact-check@met.example"
    met.save()
    with time_machine.travel(DRAFTED_AT, tick=False):
        investigation = investigation_in(S.DRAFTING, team, ready=True)
        services.add_fact_check_request(
            investigation,
            by=team.lead,
            organisation=org("dyfed-powys-police"),
            due_on=date(2026, 10, 15),
        )
        assert FactCheckRequest.objects.filter(sent_at__isnull=False).count() == 0

        with django_capture_on_commit_callbacks() as callbacks:
            move_on(investigation, team)

        assert mail.outbox == []
        for callback in callbacks:
            callback()
        emails.send_fact_check_requests(investigation.pk)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["fact-check@met.example"],
            f"Draft report on super-complaint {investigation.complaint.reference}: "
            "fact-check requested",
        )
    ]
    assert "Please send your comments by 15 October 2026." in mail.outbox[0].body
    assert set(
        FactCheckRequest.objects.values_list("organisation__slug", "sent_at")
    ) == {(MET, DRAFTED_AT), ("dyfed-powys-police", DRAFTED_AT)}


def test_a_fact_checker_added_during_fact_checking_is_asked_at_once(
    team, django_capture_on_commit_callbacks
):
    dyfed_powys = org("dyfed-powys-police")
    dyfed_powys.email = "cyswllt@dyfed-powys.example"
    dyfed_powys.save()
    investigation = investigation_in(S.FACT_CHECKING, team)

    with django_capture_on_commit_callbacks(execute=True):
        services.add_fact_check_request(
            investigation,
            by=team.lead,
            organisation=dyfed_powys,
            due_on=date(2099, 1, 1),
        )

    assert [m.to for m in mail.outbox] == [["cyswllt@dyfed-powys.example"]]


# --- A failed publish leaves nothing behind -------------------------------------------------------
@pytest.mark.parametrize("failure", ["missing approval", "not allowed to publish"])
def test_a_failed_publish_leaves_no_trace(
    failure, team, approvers, settings, django_capture_on_commit_callbacks
):
    investigation = investigation_in(S.SIGN_OFF, team)
    services.approve_report(investigation, by=approvers["hmicfrs"])
    services.approve_report(investigation, by=approvers["college"])
    if failure == "missing approval":
        by, error = team.lead, TransitionNotAllowed
    else:
        services.approve_report(investigation, by=approvers["iopc"])
        by, error = team.investigators[0], PermissionDenied
    logged = TransitionLog.objects.for_object(investigation).count()
    periods = list(StagePeriod.objects.filter(investigation=investigation).values())

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(error),
    ):
        services.publish_report(investigation, by=by)

    saved = Investigation.objects.get(pk=investigation.pk)
    assert (saved.state, saved.published_at, saved.report_published_on) == (
        S.SIGN_OFF,
        None,
        None,
    )
    assert PublishedReport.objects.count() == 0
    assert RecommendationResponse.objects.count() == 0
    assert TransitionLog.objects.for_object(investigation).count() == logged
    assert list(StagePeriod.objects.filter(investigation=investigation).values()) == (
        periods
    )
    assert (callbacks, mail.outbox) == ([], [])
    assert not (settings.MEDIA_ROOT / "reports").exists()
