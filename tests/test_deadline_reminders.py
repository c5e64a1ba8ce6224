"""`send_deadline_reminders`: near and past deadlines e-mailed to the right people, once each; a moved
due date reminds again, a pending extension holds the overdue reminder, and each recipient hears
only of its own responses."""

import io
import smtplib
import threading
import time
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from complaints import services as complaint_services
from complaints.models import SuperComplaint
from investigations.models import Investigation
from recommendations import services
from recommendations.models import ActionPlanItem, RecommendationResponse
from tests.factories import (
    MET,
    MOPAC,
    ComplaintFactory,
    EvidenceFactory,
    investigation_in,
    org,
    published_report,
    response_in,
)
from workflow.deadlines import LONDON
from workflow.models import SentReminder
from workflow.reminders import send_reminders

KENT = "kent-police"
R = RecommendationResponse.State


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=LONDON).replace(hour=hour)


def remind(day: date, *args: str) -> str:
    """Run the command at 07:15 on `day` in England; return what it printed."""
    out = io.StringIO()
    with time_machine.travel(at(day, 7), tick=False):
        call_command("send_deadline_reminders", *args, stdout=out)
    return out.getvalue()


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


# --- Acknowledgements ------------------------------------------------------------------------------
@pytest.fixture
def submitted(hestia_member):
    """Received on Monday 16 November 2026: acknowledgement due by Friday 20 November (reg 5)."""
    complaint = ComplaintFactory(created_by=hestia_member)
    EvidenceFactory(complaint=complaint)
    with time_machine.travel(at(date(2026, 11, 16)), tick=False):
        complaint_services.submit_complaint(complaint, by=hestia_member)
    complaint.refresh_from_db()
    return complaint


@pytest.mark.parametrize(
    ("today", "when"),
    [
        (date(2026, 11, 18), "due by 20 November 2026, in 2 days"),
        (date(2026, 11, 23), "overdue: it was due by 20 November 2026"),
    ],
)
def test_acknowledgement_reminder_goes_to_the_triagers(
    submitted, hmicfrs_triager, hmicfrs_monitor, met_recipient, today, when
):
    mail.outbox.clear()

    remind(today)

    assert [m.to for m in mail.outbox] == [[hmicfrs_triager.email]]
    assert mail.outbox[0].subject == "Reminder: 1 super-complaint to acknowledge"
    assert f'{submitted.reference}, Hestia: "{submitted.title}"' in mail.outbox[0].body
    assert f"Acknowledgement {when}." in mail.outbox[0].body


def test_no_acknowledgement_reminder_once_acknowledged_or_far_off(
    submitted, hmicfrs_triager
):
    mail.outbox.clear()

    remind(date(2026, 11, 12))  # 8 days ahead: not yet near
    with time_machine.travel(at(date(2026, 11, 17)), tick=False):
        complaint_services.acknowledge_complaint(submitted, by=hmicfrs_triager)
    mail.outbox.clear()
    remind(date(2026, 11, 23))

    assert mail.outbox == []
    assert SuperComplaint.objects.get().state == SuperComplaint.State.ACKNOWLEDGED


# --- Investigations: progress reports and fact-checks ----------------------------------------------
OPENED = date(
    2026, 6, 1
)  # the next progress report is due 90 days later, on 30 August 2026


@pytest.mark.parametrize(
    ("today", "when"),
    [
        (date(2026, 8, 25), "due by 30 August 2026, in 5 days"),
        (date(2026, 8, 31), "overdue: it was due by 30 August 2026"),
    ],
)
def test_progress_report_reminder_goes_to_the_lead(team, hmicfrs_triager, today, when):
    with time_machine.travel(at(OPENED), tick=False):
        investigation = investigation_in(Investigation.State.EVIDENCE_GATHERING, team)
    mail.outbox.clear()

    remind(today)

    assert [m.to for m in mail.outbox] == [[team.lead.email]]
    assert mail.outbox[0].subject == "Reminder: 1 investigation deadline"
    assert (
        f"- {investigation.complaint.reference}: "
        f'"{investigation.complaint.title}" (Evidence gathering). '
        f"Next progress report {when}." in mail.outbox[0].body
    )


def test_fact_check_reminders_go_to_the_lead_and_before_the_date_to_the_organisation(
    team,
):
    met = org(MET)
    met.email = "public.protection@met.example"
    met.save()
    with time_machine.travel(at(OPENED), tick=False):
        investigation = investigation_in(Investigation.State.FACT_CHECKING, team)
    request = investigation.fact_check_requests.get()  # due 14 days after opening
    mail.outbox.clear()

    remind(date(2026, 6, 10))
    near = [(m.to, m.subject) for m in mail.outbox]
    mail.outbox.clear()
    remind(date(2026, 6, 16))
    past = [(m.to, m.subject) for m in mail.outbox]

    assert request.due_on == date(2026, 6, 15)
    assert near == [
        ([team.lead.email], "Reminder: 1 investigation deadline"),
        (
            ["public.protection@met.example"],
            "Reminder: fact-check comments on a draft super-complaint report",
        ),
    ]
    assert past == [([team.lead.email], "Reminder: 1 investigation deadline")]


def test_an_answered_fact_check_is_not_chased(team):
    from investigations import services as investigation_services

    with time_machine.travel(at(OPENED), tick=False):
        investigation = investigation_in(Investigation.State.FACT_CHECKING, team)
        investigation_services.record_fact_check_comment(
            investigation.fact_check_requests.get(), by=team.lead, text="No errors."
        )
    mail.outbox.clear()

    remind(date(2026, 6, 16))

    assert mail.outbox == []


# --- Recipients' responses and action plans --------------------------------------------------------
PUBLISHED = date(2026, 9, 1)  # responses due 56 days later, on 27 October 2026


@pytest.fixture
def report(team):
    """A report to the Met and MOPAC, published on 1 September 2026."""
    with time_machine.travel(at(PUBLISHED), tick=False):
        investigation = published_report(team, MET, MOPAC)
    mail.outbox.clear()
    return investigation


def met_response(investigation):
    return RecommendationResponse.objects.get(
        recommendation__investigation=investigation, organisation__slug=MET
    )


@pytest.mark.parametrize(
    ("today", "when"),
    [
        (date(2026, 10, 20), "due by 27 October 2026, in 7 days"),
        (date(2026, 10, 27), "due today, 27 October 2026"),
        (date(2026, 10, 28), "overdue: it was due by 27 October 2026"),
    ],
)
def test_response_reminders_go_to_each_recipient(
    report, met_recipient, mopac_recipient, today, when
):
    remind(today)

    assert sorted(m.to for m in mail.outbox) == [
        [met_recipient.email],
        [mopac_recipient.email],
    ]
    met_mail = sent_to(met_recipient.email)[0]
    assert (
        met_mail.subject
        == "Reminder for Metropolitan Police Service: 1 super-complaint deadline"
    )
    assert (
        f"- {report.complaint.reference} recommendation 1 "
        f'("{report.report_title}"): response {when}.' in met_mail.body
    )


def test_response_not_yet_near_is_not_reminded(report, met_recipient):
    remind(date(2026, 10, 19))

    assert mail.outbox == []


def test_running_again_sends_each_reminder_once(report, met_recipient, mopac_recipient):
    remind(date(2026, 10, 20))
    first = len(mail.outbox)
    second_run = remind(date(2026, 10, 20))
    remind(date(2026, 10, 26))  # still near: already reminded
    near_runs = len(mail.outbox)
    remind(date(2026, 10, 28))  # past: the overdue reminder, once
    remind(date(2026, 11, 2))

    assert (first, near_runs, len(mail.outbox)) == (2, 2, 4)
    assert second_run == (
        "Deadline reminders for 20 October 2026: sent 0 e-mails covering 0 deadlines; "
        "2 already sent; 0 without an address; 0 e-mails failed.\n"
    )
    assert SentReminder.objects.count() == 4


def test_a_granted_extension_reminds_again_of_the_new_date(
    report, met_recipient, hmicfrs_monitor
):
    response = met_response(report)
    remind(date(2026, 10, 20))
    with time_machine.travel(at(date(2026, 10, 21)), tick=False):
        request = services.request_extension(
            response,
            by=met_recipient,
            new_due_on=date(2026, 11, 24),
            reason="The new public protection unit starts in November.",
        )
        services.grant_extension(
            request,
            by=hmicfrs_monitor,
            new_due_on=date(2026, 11, 24),
            reason="A reasonable wait for the new unit.",
        )
    mail.outbox.clear()

    remind(date(2026, 10, 28))  # the original date has passed: not overdue any more
    after_original = sent_to(met_recipient.email)
    remind(date(2026, 11, 20))
    near_new_date = sent_to(met_recipient.email)

    assert after_original == []
    assert len(near_new_date) == 1
    assert "response due by 24 November 2026, in 4 days." in near_new_date[0].body


def test_a_pending_extension_holds_the_overdue_reminder_until_refused(
    report, met_recipient, hmicfrs_monitor
):
    response = met_response(report)
    with time_machine.travel(at(date(2026, 10, 26)), tick=False):
        request = services.request_extension(
            response,
            by=met_recipient,
            new_due_on=date(2026, 11, 24),
            reason="The new public protection unit starts in November.",
        )
    mail.outbox.clear()

    remind(date(2026, 10, 29))
    while_pending = sent_to(met_recipient.email)
    with time_machine.travel(at(date(2026, 10, 30)), tick=False):
        services.refuse_extension(
            request, by=hmicfrs_monitor, reason="Respond with what you know now."
        )
    mail.outbox.clear()
    remind(date(2026, 10, 30))
    refused = sent_to(met_recipient.email)

    assert while_pending == []
    assert len(refused) == 1
    assert "response overdue: it was due by 27 October 2026." in refused[0].body


def test_recipients_hear_only_of_their_own_responses(
    team, met_recipient, kent_recipient
):
    with time_machine.travel(at(PUBLISHED), tick=False):
        to_the_met = published_report(team, MET, recommendations=2)
        to_kent = published_report(team, KENT)
    mail.outbox.clear()

    remind(date(2026, 10, 28))

    [kent_mail] = sent_to(kent_recipient.email)
    [met_mail] = sent_to(met_recipient.email)
    assert kent_mail.to == [kent_recipient.email]
    assert to_kent.complaint.reference in kent_mail.body
    assert to_the_met.complaint.reference not in kent_mail.body
    assert "Metropolitan" not in kent_mail.body + kent_mail.subject
    assert (
        met_mail.subject
        == "Reminder for Metropolitan Police Service: 2 super-complaint deadlines"
    )
    assert to_kent.complaint.reference not in met_mail.body
    assert "Kent" not in met_mail.body + met_mail.subject


def test_action_plan_items_not_done_are_reminded_to_their_organisation(
    report, met_recipient, mopac_recipient
):
    response = response_in(met_response(report), R.IN_PROGRESS, recipient=met_recipient)
    due = services.add_action(
        response,
        by=met_recipient,
        description="Train every response officer to recognise modern slavery.",
        owner="Head of Public Protection",
        target_on=date(2026, 12, 4),
    )
    done = services.add_action(
        response,
        by=met_recipient,
        description="Name a modern slavery lead in every borough.",
        owner="Head of Public Protection",
        target_on=date(2026, 12, 1),
    )
    services.update_action(
        done,
        by=met_recipient,
        status=ActionPlanItem.Status.DONE,
        target_on=done.target_on,
    )
    mail.outbox.clear()

    remind(date(2026, 12, 1))
    near = sent_to(met_recipient.email)
    remind(date(2026, 12, 5))
    past = sent_to(met_recipient.email)

    assert len(near) == 1
    assert (
        "recommendation 1: Train every response officer to recognise modern slavery. "
        "(Head of Public Protection). Target due by 4 December 2026, in 3 days."
        in near[0].body
    )
    assert "borough" not in near[0].body
    assert len(past) == 2
    assert "Target overdue: it was due by 4 December 2026." in past[1].body
    assert (
        str(due.pk) in SentReminder.objects.filter(kind="action_plan_item").first().key
    )


def test_dry_run_sends_nothing_and_records_nothing(
    report, met_recipient, mopac_recipient
):
    output = remind(date(2026, 10, 28), "--dry-run")

    assert mail.outbox == []
    assert SentReminder.objects.count() == 0
    assert output.splitlines()[-1] == (
        "Dry run for 28 October 2026 (nothing sent): would send 2 e-mails covering 2 "
        "deadlines; 0 already sent; 0 without an address; 0 e-mails failed."
    )
    assert (
        f"Would send reminder_response to {met_recipient.email}: "
        f"response:{met_response(report).pk}:2026-10-27:past" in output
    )


def test_days_option_widens_what_is_near(report, met_recipient, mopac_recipient):
    remind(date(2026, 10, 13), "--days", "14")

    assert len(mail.outbox) == 2


@pytest.mark.parametrize("recommendations", [1, 3])
def test_reminder_queries_do_not_grow_with_the_responses(
    team, met_recipient, recommendations
):
    with time_machine.travel(at(PUBLISHED), tick=False):
        published_report(team, MET, recommendations=recommendations)
    mail.outbox.clear()

    with (
        time_machine.travel(at(date(2026, 10, 28), 7), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        call_command("send_deadline_reminders", "--dry-run", stdout=io.StringIO())

    assert len(queries) == 9


def test_reminder_records_who_it_went_to(report, met_recipient, mopac_recipient):
    remind(date(2026, 10, 28))

    record = SentReminder.objects.get(key__contains=f":{met_response(report).pk}:")
    assert (record.kind, record.due_on, record.recipients) == (
        "response",
        date(2026, 10, 27),
        met_recipient.email,
    )
    assert record.sent_at - at(date(2026, 10, 28), 7) == timedelta(0)


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failed_send_is_recorded_nowhere_and_retried_next_run(
    report, met_recipient, mopac_recipient, settings
):
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "tests.test_deadline_reminders.RefusingBackend"

    with pytest.raises(CommandError, match="2 reminder e-mails could not be sent"):
        remind(date(2026, 10, 28))
    recorded_after_failure = SentReminder.objects.count()
    settings.EMAIL_BACKEND = locmem
    remind(date(2026, 10, 28))

    assert recorded_after_failure == 0
    assert len(mail.outbox) == 2
    assert SentReminder.objects.count() == 2


class SlowBackend(LocmemBackend):
    """A slow mail server: the first run is still sending when the second one starts."""

    def send_messages(self, email_messages):
        time.sleep(0.3)
        return super().send_messages(email_messages)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_send_each_reminder_once(
    report, met_recipient, mopac_recipient, settings
):
    settings.EMAIL_BACKEND = "tests.test_deadline_reminders.SlowBackend"
    barrier = threading.Barrier(2)
    summaries = []

    def run() -> None:
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            summaries.append(send_reminders(today=date(2026, 10, 28), days=7))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert connection.vendor == "postgresql"
    assert len(mail.outbox) == 2
    # Which run sends which e-mail is a race; that each goes once is not.
    assert sum(s.deadlines for s in summaries) == 2
    assert sum(s.already_sent for s in summaries) == 2
    assert SentReminder.objects.count() == 2
