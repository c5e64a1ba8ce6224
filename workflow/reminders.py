"""Deadline reminders: e-mails about due dates that are near or past, each sent once however often
`manage.py send_deadline_reminders` runs.

A deadline is *near* when it falls within the next `days` days (today included) and *past* when it
fell before today, in England. Each deadline gets at most one "near" and one "past" reminder for a
given due date; a moved due date (an extension granted, a target date changed) reminds again,
because the date is part of the reminder's key.

Who is told, and of what:

- acknowledgements of complaints still only submitted (reg 5): HMICFRS's triagers;
- the next progress report of each working investigation (reg 7), and fact-check requests still
  unanswered while the draft is out for checking: the investigation's lead;
- a fact-check request still unanswered and near its date: the organisation asked (its contact
  address, where the request went). Once the date has passed the team may go on without its
  comments, so only the lead hears of it then;
- responses awaiting publication (not while an extension request waits for a decision) and action
  plan items not done: the recipient organisation itself (`organisation_addresses`), one e-mail per
  organisation listing only its own.

Sending is safe against two runs at once. For each e-mail, one transaction inserts a `SentReminder`
row per deadline (the key is unique), then sends, then commits. A second run inserting the same key
waits for the first to finish (PostgreSQL's unique index; SQLite has a single writer) and then gets
an IntegrityError, so it leaves that deadline out. If the mail server refuses the message, the rows
roll back and the next run tries again. The one way a reminder can go twice is a commit that fails
after the server took the message. Sending after the commit (`on_commit`) would instead lose the
reminder for good whenever the server or the process fails in between; a missed statutory deadline
costs more than a duplicate e-mail, so we send first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import OrganisationKind, Role, User
from complaints.models import SuperComplaint
from investigations.models import FactCheckRequest, Investigation, TeamMember
from recommendations.emails import organisation_addresses
from recommendations.models import ActionPlanItem, RecommendationResponse
from workflow import clock
from workflow.models import SentReminder

NEAR = "near"
PAST = "past"

# The deadline kinds; each names one model, so a kind and a primary key name one object.
ACKNOWLEDGEMENT = "acknowledgement"
PROGRESS_REPORT = "progress_report"
FACT_CHECK = "fact_check"
FACT_CHECK_ASKED = "fact_check_organisation"
RESPONSE = "response"
ACTION = "action_plan_item"


@dataclass(frozen=True)
class Deadline:
    """One due date that is near or past, and the object it belongs to."""

    kind: str
    obj: Any
    due_on: date
    today: date

    @property
    def timing(self) -> str:
        return PAST if self.today > self.due_on else NEAR

    @property
    def is_past(self) -> bool:
        return self.timing == PAST

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.obj.pk}:{self.due_on.isoformat()}:{self.timing}"

    @property
    def when(self) -> str:
        """How the e-mail says when it is due: "overdue: it was due by 20 November 2026"."""
        day = date_format(self.due_on, "j F Y")
        if self.is_past:
            return _("overdue: it was due by %(day)s") % {"day": day}
        left = (self.due_on - self.today).days
        if left == 0:
            return _("due today, %(day)s") % {"day": day}
        return ngettext(
            "due by %(day)s, in %(n)d day", "due by %(day)s, in %(n)d days", left
        ) % {"day": day, "n": left}


@dataclass
class Reminder:
    """One e-mail: its template, who it goes to, and the deadlines it lists."""

    template: str
    to: list[str]
    deadlines: list[Deadline]
    context: dict[str, Any] = field(default_factory=dict)

    def message(self, deadlines: list[Deadline]) -> EmailMultiAlternatives:
        by_kind: dict[str, list[Deadline]] = defaultdict(list)
        for deadline in deadlines:
            by_kind[deadline.kind].append(deadline)
        context = {**self.context, "deadlines": deadlines, "by_kind": dict(by_kind)}
        subject = render_to_string(
            f"emails/{self.template}_subject.txt", context
        ).strip()
        return EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string(f"emails/{self.template}_body.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=self.to,
        )


@dataclass
class Summary:
    """What a run did (or, in a dry run, would do), counted in e-mails and deadlines."""

    emails: int = 0
    deadlines: int = 0
    already_sent: int = 0
    no_address: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)


# --- Which deadlines are near or past, and who hears of them ---------------------------------------
def acknowledgement_reminders(today: date, horizon: date) -> list[Reminder]:
    complaints = (
        SuperComplaint.objects.filter(
            state=SuperComplaint.State.SUBMITTED, acknowledgement_due_on__lte=horizon
        )
        .select_related("organisation")
        .order_by("acknowledgement_due_on", "pk")
    )
    deadlines = [
        Deadline(ACKNOWLEDGEMENT, c, c.acknowledgement_due_on, today)
        for c in complaints
    ]
    if not deadlines:
        return []
    triagers = User.objects.filter(
        is_active=True,
        organisation__kind=OrganisationKind.HMICFRS,
        role_grants__role=Role.TRIAGER,
    ).exclude(email="")
    to = sorted(set(triagers.values_list("email", flat=True)))
    return [Reminder("reminder_acknowledgement", to, deadlines)]


def investigation_reminders(today: date, horizon: date) -> list[Reminder]:
    """Progress reports and unanswered fact-check requests, one e-mail to each lead."""
    leads = {
        m.investigation_id: m.user
        for m in TeamMember.objects.filter(
            role=TeamMember.Role.LEAD, investigation__state__in=Investigation.WORKING
        ).select_related("user")
    }
    by_investigation: list[tuple[int, Deadline]] = []
    investigations = (
        Investigation.objects.filter(state__in=Investigation.WORKING)
        .select_related("complaint")
        .prefetch_related("progress_reports")
    )
    for investigation in investigations:
        due = investigation.next_progress_report_due()
        if due is not None and due <= horizon:
            by_investigation.append(
                (investigation.pk, Deadline(PROGRESS_REPORT, investigation, due, today))
            )
    for request in _unanswered_fact_checks(horizon):
        by_investigation.append(
            (
                request.investigation_id,
                Deadline(FACT_CHECK, request, request.due_on, today),
            )
        )

    reminders: dict[int | None, Reminder] = {}
    for investigation_id, deadline in by_investigation:
        lead = leads.get(investigation_id)
        key = lead.pk if lead else None
        if key not in reminders:
            to = [lead.email] if lead and lead.is_active and lead.email else []
            reminders[key] = Reminder("reminder_investigation", to, [], {"lead": lead})
        reminders[key].deadlines.append(deadline)
    return list(reminders.values())


def _unanswered_fact_checks(horizon: date) -> list[FactCheckRequest]:
    return list(
        FactCheckRequest.objects.filter(
            investigation__state=Investigation.State.FACT_CHECKING,
            sent_at__isnull=False,
            comments__isnull=True,
            due_on__lte=horizon,
        )
        .select_related("organisation", "investigation__complaint")
        .order_by("due_on", "pk")
    )


def fact_check_reminders(today: date, horizon: date) -> list[Reminder]:
    """The organisations asked to check a draft, before their date: only their own requests."""
    reminders: dict[int, Reminder] = {}
    for request in _unanswered_fact_checks(horizon):
        if request.due_on < today:
            continue
        organisation = request.organisation
        if organisation.pk not in reminders:
            to = [organisation.email] if organisation.email else []
            reminders[organisation.pk] = Reminder(
                "reminder_fact_check", to, [], {"organisation": organisation}
            )
        reminders[organisation.pk].deadlines.append(
            Deadline(FACT_CHECK_ASKED, request, request.due_on, today)
        )
    return list(reminders.values())


def recipient_reminders(today: date, horizon: date) -> list[Reminder]:
    """Responses and action plan items, one e-mail per recipient organisation listing only its own."""
    State = RecommendationResponse.State
    responses = (
        RecommendationResponse.objects.filter(
            state=State.AWAITING_RESPONSE,
            # An extension asked for in time and not yet decided: not due until HMICFRS decides.
            extension_pending=False,
            due_on__lte=horizon,
        )
        .select_related("organisation", "recommendation__investigation__complaint")
        .order_by(
            "due_on", "recommendation__investigation_id", "recommendation__number"
        )
    )
    # Work on a response that was not accepted, or whose implementation is reported, is over.
    open_work = Q(response__state=State.IN_PROGRESS) | Q(
        response__state=State.RESPONSE_PUBLISHED,
        response__outcome__in=(
            RecommendationResponse.Outcome.ACCEPTED,
            RecommendationResponse.Outcome.PARTLY_ACCEPTED,
        ),
    )
    actions = (
        ActionPlanItem.objects.filter(open_work, target_on__lte=horizon)
        .exclude(status=ActionPlanItem.Status.DONE)
        .select_related(
            "response__organisation",
            "response__recommendation__investigation__complaint",
        )
        .order_by("target_on", "pk")
    )
    by_organisation: dict[int, list[Deadline]] = defaultdict(list)
    organisations = {}
    for response in responses:
        organisations[response.organisation_id] = response.organisation
        by_organisation[response.organisation_id].append(
            Deadline(RESPONSE, response, response.due_on, today)
        )
    for action in actions:
        organisation = action.response.organisation
        organisations[organisation.pk] = organisation
        by_organisation[organisation.pk].append(
            Deadline(ACTION, action, action.target_on, today)
        )
    return [
        Reminder(
            "reminder_response",
            organisation_addresses(organisations[pk]),
            deadlines,
            {"organisation": organisations[pk]},
        )
        for pk, deadlines in sorted(
            by_organisation.items(), key=lambda item: organisations[item[0]].name
        )
    ]


def collect(today: date, *, days: int) -> list[Reminder]:
    """Every e-mail that deadlines near or past call for, before leaving out those already sent."""
    horizon = today + timedelta(days=days)
    return [
        *acknowledgement_reminders(today, horizon),
        *investigation_reminders(today, horizon),
        *fact_check_reminders(today, horizon),
        *recipient_reminders(today, horizon),
    ]


# --- Sending, once ---------------------------------------------------------------------------------
def _claim(deadline: Deadline, to: list[str]) -> bool:
    """Record the reminder; False if another run (or an earlier one) already has."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                key=deadline.key,
                kind=deadline.kind,
                due_on=deadline.due_on,
                recipients=", ".join(to),
                sent_at=clock.now(),
            )
    except IntegrityError:
        return False
    return True


def _describe(reminder: Reminder, deadlines: list[Deadline]) -> str:
    keys = ", ".join(d.key for d in deadlines)
    return f"{reminder.template} to {', '.join(reminder.to)}: {keys}"


def send_reminders(*, today: date, days: int = 7, dry_run: bool = False) -> Summary:
    """Send each reminder that is due and not yet sent, one transaction per e-mail (see the module
    docstring for why it sends before committing). A dry run sends and writes nothing. A failed
    send is counted and left to the next run; the other e-mails still go."""
    summary = Summary()
    for reminder in collect(today, days=days):
        keys = [d.key for d in reminder.deadlines]
        sent = set(
            SentReminder.objects.filter(key__in=keys).values_list("key", flat=True)
        )
        fresh = [d for d in reminder.deadlines if d.key not in sent]
        summary.already_sent += len(reminder.deadlines) - len(fresh)
        if not fresh:
            continue
        if not reminder.to:
            summary.no_address += len(fresh)
            summary.lines.append(
                f"No address for {reminder.template}: {', '.join(d.key for d in fresh)}"
            )
            continue
        if dry_run:
            summary.emails += 1
            summary.deadlines += len(fresh)
            summary.lines.append(f"Would send {_describe(reminder, fresh)}")
            continue
        try:
            with transaction.atomic():
                claimed = [d for d in fresh if _claim(d, reminder.to)]
                if claimed:
                    reminder.message(claimed).send()
        except OSError as error:  # smtplib's errors are OSErrors too
            summary.failed += 1
            summary.lines.append(f"Failed {_describe(reminder, fresh)}: {error}")
            continue
        summary.already_sent += len(fresh) - len(claimed)
        if claimed:
            summary.emails += 1
            summary.deadlines += len(claimed)
            summary.lines.append(f"Sent {_describe(reminder, claimed)}")
    return summary
