"""A large, realistic data set for load and performance tests (`make bench`).

At `--scale 10`: about 80 published super-complaints with 2,400 recommendations and 50,000
recipients' responses; `--scale 1` is a tenth of that, and fractions work for tests (`--scale 0.1`).
Every complaint goes through the real services, from draft to a report recorded as published on a
date spread over the last six years, so complaints, decisions, investigations, published reports
and their log entries are what the service itself writes. The responses' later history (published
response, work started, implementation reported, verified) and their progress updates are then
written in bulk, at dates that follow one another and lie in the past, with one transition log
entry per historical transition, chained like any other (`TransitionLog.compute_hash`).

Users are created for every part the pages need: a member of each designated body, an HMICFRS
triager, approvers and monitor, one recipient per recipient organisation and an administrator, all
named `scale-…`. Their passwords are unusable unless `--password` is given (the load generator
signs them in with sessions made directly).
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from accounts.models import Organisation, OrganisationKind, Role, RoleGrant, User
from complaints import services as complaint_services
from complaints.models import EligibilityView, SuperComplaint
from investigations import services as investigation_services
from recommendations.models import (
    NAMED_RECIPIENT_KINDS,
    ProgressUpdate,
    RecipientKind,
    Recommendation,
    RecommendationResponse,
)
from workflow import clock, integrity
from workflow.deadlines import LONDON
from workflow.models import TransitionLog

State = RecommendationResponse.State
Outcome = RecommendationResponse.Outcome

COMPLAINTS_PER_SCALE = 8
# Recommendations per report, cycled: 30 on average, as the acceptance figures ask.
RECOMMENDATIONS_PER_REPORT = (18, 24, 30, 36, 42)
# Reports are spread from this many days ago up to RECENT_DAYS ago (the newest still awaiting).
OLDEST_REPORT_DAYS = 6 * 365
RECENT_DAYS = 10
DESIGNATION_START = date(2018, 11, 1)
# Progress updates per response at most (one every four months or so while work goes on).
MAX_UPDATES = 2

SUBJECTS = (
    "victims of modern slavery",
    "stalking",
    "domestic abuse by police officers",
    "honour-based abuse",
    "section 60 stop and search",
    "children in custody",
    "victims with insecure immigration status",
    "missing people",
    "online child sexual exploitation",
    "hate crime",
    "rape and serious sexual offences",
    "people in mental health crisis",
)
ACTIONS = (
    "record every referral within 24 hours",
    "train every frontline officer",
    "publish its data each quarter",
    "review its policy with the communities affected",
    "appoint a single senior lead",
    "audit a sample of cases each year",
    "tell victims of each decision in writing",
    "share safeguarding information with partners",
)
RESPONSE_TEXTS = {
    Outcome.ACCEPTED: "We accept the recommendation in full and have set out our plan below.",
    Outcome.PARTLY_ACCEPTED: "We accept most of the recommendation; one part needs national guidance first.",
    Outcome.NOT_ACCEPTED: "We do not accept the recommendation: our current approach already meets the need.",
}
UPDATE_TEXTS = (
    "Training has reached about half of frontline officers; the rest are booked.",
    "The new policy is agreed and in force; the first audit is under way.",
    "Quarterly data is now published on our website.",
    "A senior lead is appointed and reports to the chief officer group monthly.",
)


@dataclass(frozen=True)
class People:
    members: dict[int, User]  # designated body id → member
    triager: User
    approvers: dict[str, User]  # authority kind → approver
    monitor: User
    recipients: dict[int, User]  # organisation id → recipient


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str


PUBLISH = Transition(
    "publish_response", State.AWAITING_RESPONSE, State.RESPONSE_PUBLISHED
)
START = Transition("start_work", State.RESPONSE_PUBLISHED, State.IN_PROGRESS)
REPORT = Transition(
    "report_implementation", State.IN_PROGRESS, State.IMPLEMENTATION_REPORTED
)
VERIFY = Transition("verify", State.IMPLEMENTATION_REPORTED, State.VERIFIED)

UPDATED_COLUMNS = (
    "state",
    "outcome",
    "response_text",
    "version",
    "published_at",
    "published_by",
    "work_started_at",
    "implementation_summary",
    "implementation_reported_at",
    "implementation_reported_by",
    "verified_at",
    "verified_by",
)


def days(rng: random.Random, low: int, high: int, mode: int) -> timedelta:
    return timedelta(days=round(rng.triangular(low, high, mode)))


def working_hours(moment: datetime, rng: random.Random) -> datetime:
    """The same day at a time between 09:00 and 17:00 in England."""
    day = timezone.localtime(moment, LONDON).date()
    return datetime.combine(
        day, clock_time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=LONDON
    )


def evidence_pdf(title: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.drawString(72, 770, title[:90])
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile(
        "evidence.pdf", buffer.getvalue(), content_type="application/pdf"
    )


class Command(BaseCommand):
    help = (
        "Generate a large, realistic data set for load tests (into an empty database)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="10 gives about 80 published complaints, 2,400 recommendations and 50,000 responses.",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--password",
            default="",
            help="Give the scale-… users this password (default: unusable; sign them in with sessions).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if scale <= 0:
            raise CommandError("--scale must be more than 0")
        if SuperComplaint.objects.exists():
            raise CommandError(
                "This database already has super-complaints: generate into an empty one."
            )
        started = time.monotonic()
        generator = Generator(
            rng=random.Random(options["seed"]),
            today=timezone.localdate(),
            password=options["password"],
        )
        # E-mails of the historical steps go nowhere.
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ),
            transaction.atomic(),
        ):
            counts = generator.run(
                complaints=max(1, round(COMPLAINTS_PER_SCALE * scale))
            )
        counts["seconds"] = round(time.monotonic() - started, 1)
        self.stdout.write(
            "Scale data: "
            + ", ".join(f"{name} {value}" for name, value in counts.items())
        )


class Generator:
    """Builds the data set; every random choice comes from `rng`, so a seed gives the same data."""

    def __init__(self, *, rng: random.Random, today: date, password: str) -> None:
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.password = make_password(password) if password else make_password(None)

    # --- People ----------------------------------------------------------------------------------
    def _user(self, username: str, organisation: Organisation, *roles: str) -> User:
        found = User.objects.filter(username=username).first()
        if found is not None:
            return found  # made by an earlier run of this generator
        user = User.objects.create(
            username=username,
            first_name="Scale",
            last_name=username.removeprefix("scale-")[:100],
            email=f"{username[:60]}@scale.example",
            organisation=organisation,
            password=self.password,
        )
        RoleGrant.objects.bulk_create(RoleGrant(user=user, role=r) for r in roles)
        return user

    def people(self) -> People:
        organisations = Organisation.objects.all()
        by_kind: dict[str, list[Organisation]] = {}
        for organisation in organisations:
            by_kind.setdefault(organisation.kind, []).append(organisation)
        hmicfrs = by_kind[OrganisationKind.HMICFRS][0]
        approvers = {
            kind: self._user(f"scale-{kind}-approver", by_kind[kind][0], Role.APPROVER)
            for kind in (
                OrganisationKind.HMICFRS,
                OrganisationKind.COLLEGE,
                OrganisationKind.IOPC,
            )
        }
        recipients = {
            o.pk: self._user(f"scale-{o.slug}", o, Role.RECIPIENT)
            for kind in NAMED_RECIPIENT_KINDS
            for o in by_kind.get(kind, [])
        }
        admin = self._user("scale-admin", hmicfrs)
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
        return People(
            members={
                o.pk: self._user(f"scale-{o.slug}", o, Role.MEMBER)
                for o in Organisation.objects.currently_designated(self.today)
            },
            triager=self._user("scale-triager", hmicfrs, Role.TRIAGER),
            approvers=approvers,
            monitor=self._user("scale-monitor", hmicfrs, Role.MONITOR),
            recipients=recipients,
        )

    # --- Complaints and reports, through the services ------------------------------------------
    def report_dates(self, count: int) -> list[date]:
        """Publication dates spread evenly over the last six years, the newest RECENT_DAYS ago."""
        first = self.today - timedelta(days=OLDEST_REPORT_DAYS)
        span = OLDEST_REPORT_DAYS - RECENT_DAYS
        dates = []
        for i in range(count):
            offset = round(span * i / (count - 1)) if count > 1 else span
            day = first + timedelta(days=offset)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            dates.append(day)
        return dates

    def recommendation(self, number: int, recipients: dict[str, list]) -> dict:
        """About 21 recipients on average: a quarter to every chief constable, some to every force or
        every local policing body, the rest named to one to four organisations."""
        rng = self.rng
        draw = rng.random()
        subject = rng.choice(ACTIONS)
        if draw < 0.28:
            item = {"kinds": [RecipientKind.CHIEF_CONSTABLES], "named": []}
            to = "Chief constables should"
        elif draw < 0.35:
            item = {"kinds": [RecipientKind.ALL_FORCES], "named": []}
            to = "Every chief officer should"
        elif draw < 0.47:
            item = {"kinds": [RecipientKind.LOCAL_POLICING_BODIES], "named": []}
            to = "Police and crime commissioners should make sure their force can"
        else:
            named = rng.sample(recipients["named"], rng.randint(1, 4))
            item = {"kinds": [], "named": named}
            to = f"{named[0].display_name} should"
        item["text"] = f"Recommendation {number}: {to} {subject}."
        item["due_on"] = None
        return item

    def complaint(
        self, people: People, index: int, published_on: date, recipients: dict
    ) -> None:
        rng = self.rng
        member = list(people.members.values())[index % len(people.members)]
        received = max(
            published_on - days(rng, 420, 760, 560), DESIGNATION_START + timedelta(7)
        )
        received_at = datetime.combine(received, clock_time(10), tzinfo=LONDON)
        subject = SUBJECTS[index % len(SUBJECTS)]
        with clock.fixed_at(received_at - timedelta(days=1)):
            complaint = complaint_services.start_draft(by=member)
            complaint = complaint_services.update_draft(
                complaint,
                by=member,
                data={
                    "title": f"Police response to {subject} ({index + 1})",
                    "features": f"Forces do not recognise {subject} early enough.",
                    "harm_explanation": "People are left at risk, and offenders are not brought to justice.",
                    "contact_name": member.get_full_name(),
                    "contact_email": member.email,
                },
                forces=[],
                expected_version=complaint.version,
            )
        with clock.fixed_at(received_at):
            complaint_services.attach_evidence(
                complaint, by=member, upload=evidence_pdf(complaint.title)
            )
            complaint = SuperComplaint.objects.get(pk=complaint.pk)
            complaint_services.submit_complaint(complaint, by=member)
        with clock.fixed_at(received_at + timedelta(days=2)):
            complaint_services.acknowledge_complaint(complaint, by=people.triager)
        with clock.fixed_at(received_at + timedelta(days=9)):
            complaint_services.start_assessment(complaint, by=people.triager)
        for offset, approver in enumerate(people.approvers.values()):
            with clock.fixed_at(received_at + timedelta(days=30 + 7 * offset)):
                complaint_services.record_eligibility_view(
                    complaint,
                    by=approver,
                    view=EligibilityView.View.ELIGIBLE,
                    reasons="It sets out features of policing, the harm and the evidence (reg 4).",
                )
        with clock.fixed_at(received_at + timedelta(days=60)):
            complaint_services.decide_eligibility(
                complaint,
                by=people.triager,
                eligible=True,
                reasons="Eligible: all three decision-making authorities agree.",
            )
        investigation = SuperComplaint.objects.get(pk=complaint.pk).investigation
        self.investigations.append(investigation.pk)
        count = RECOMMENDATIONS_PER_REPORT[index % len(RECOMMENDATIONS_PER_REPORT)]
        with clock.fixed_at(datetime.combine(published_on, clock_time(9), LONDON)):
            investigation_services.record_historical_report(
                investigation,
                by=people.triager,
                title=f"The police response to {subject}: report {index + 1}",
                published_on=published_on,
                url=f"https://hmicfrs.example/reports/{index + 1}/",
                content={
                    "summary": f"Forces too often missed {subject}.",
                    "steps_taken": "We read 300 case files and visited eight forces.",
                    "findings": "Practice varied widely between forces.",
                    "conclusions": "Forces should act sooner, because delay harms people.",
                    "further_action": "",
                },
                recommendations=[
                    self.recommendation(n, recipients) for n in range(1, count + 1)
                ],
                actions=[
                    {
                        "body": recipients["college"],
                        "text": f"Update guidance on {subject}.",
                    }
                ],
            )

    # --- The responses' history, in bulk -------------------------------------------------------
    def history(
        self, response: RecommendationResponse, people: People
    ) -> Iterator[tuple[Transition, datetime, User]]:
        """The transitions `response` went through, in order, each at a past working-hours time."""
        rng = self.rng
        recipient = people.recipients[response.organisation_id]
        if rng.random() < 0.04:
            return  # never responded
        published = working_hours(response.issued_at + days(rng, 12, 110, 50), rng)
        if published >= self.now:
            return
        yield PUBLISH, published, recipient
        if response.outcome == Outcome.NOT_ACCEPTED:
            return
        started = working_hours(published + days(rng, 2, 60, 14), rng)
        if started >= self.now:
            return
        yield START, started, recipient
        reported = working_hours(started + days(rng, 60, 720, 240), rng)
        if reported >= self.now:
            return
        yield REPORT, reported, recipient
        verified = working_hours(reported + days(rng, 7, 150, 40), rng)
        if verified >= self.now:
            return
        yield VERIFY, verified, people.monitor

    def responses(self, people: People) -> tuple[int, int, int]:
        """Move the issued responses on through their history; returns (moved, log entries,
        progress updates)."""
        rng = self.rng
        responses = list(
            RecommendationResponse.objects.filter(
                recommendation__investigation__in=self.investigations
            )
            .order_by("pk")
            .only("pk", "organisation_id", "issued_at", "state")
        )
        rows: list[tuple[Any, ...]] = []
        logs: list[TransitionLog] = []
        updates: list[ProgressUpdate] = []
        for response in responses:
            draw = rng.random()
            response.outcome = (
                Outcome.ACCEPTED
                if draw < 0.78
                else Outcome.PARTLY_ACCEPTED
                if draw < 0.92
                else Outcome.NOT_ACCEPTED
            )
            steps = list(self.history(response, people))
            if not steps:
                continue
            at = {transition: (moment, by) for transition, moment, by in steps}
            recipient = people.recipients[response.organisation_id]
            reported = at.get(REPORT)
            verified = at.get(VERIFY)
            rows.append(
                (
                    steps[-1][0].target,
                    response.outcome,
                    RESPONSE_TEXTS[response.outcome],
                    2,
                    at[PUBLISH][0],
                    recipient.pk,
                    at[START][0] if START in at else None,
                    "Done as planned; the evidence is attached." if reported else "",
                    reported[0] if reported else None,
                    recipient.pk if reported else None,
                    verified[0] if verified else None,
                    people.monitor.pk if verified else None,
                    response.pk,
                )
            )
            for transition, moment, by in steps:
                logs.append(
                    TransitionLog(
                        content_type_id=self.response_type_id,
                        object_id=response.pk,
                        transition=transition.name,
                        source=transition.source,
                        target=transition.target,
                        by_id=by.pk,
                        organisation_id=by.organisation_id,
                        at=moment,
                        reason="",
                    )
                )
            if START in at:
                # A progress update every four months or so until implementation is reported.
                until = reported[0] if reported else self.now
                moment = at[START][0] + days(rng, 60, 150, 100)
                for _ in range(MAX_UPDATES):
                    if moment >= until:
                        break
                    updates.append(
                        ProgressUpdate(
                            response_id=response.pk,
                            text=rng.choice(UPDATE_TEXTS),
                            posted_by_id=recipient.pk,
                            posted_at=working_hours(moment, rng),
                        )
                    )
                    moment += days(rng, 90, 180, 120)
        self.update_responses(rows)
        self.append_logs(logs)
        ProgressUpdate.objects.bulk_create(updates, batch_size=2000)
        return len(rows), len(logs), len(updates)

    def update_responses(self, rows: list[tuple[Any, ...]]) -> None:
        """One UPDATE per moved response, sent in batches (the state field refuses assignment)."""
        meta = RecommendationResponse._meta
        columns = ", ".join(
            f"{connection.ops.quote_name(meta.get_field(name).column)} = %s"
            for name in UPDATED_COLUMNS
        )
        # Table and column names come from the model and are quoted; every value is a parameter.
        sql = (
            f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {columns} "  # nosec B608
            f"WHERE {connection.ops.quote_name(meta.pk.column)} = %s"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 2000):
                cursor.executemany(sql, rows[start : start + 2000])

    def append_logs(self, logs: list[TransitionLog]) -> None:
        """Append the historical entries in time order, chained from the latest entry exactly as
        `TransitionLog.record` chains one, under the same lock."""
        logs.sort(key=lambda log: (log.at, log.object_id))
        integrity.lock_chain(connection.alias)
        previous = (
            TransitionLog.objects.order_by("-pk")
            .values_list("row_hash", flat=True)
            .first()
            or integrity.GENESIS_HASH
        )
        for log in logs:
            log.prev_hash = previous
            log.row_hash = previous = log.compute_hash()
        TransitionLog.objects.bulk_create(logs, batch_size=2000)

    # --- All of it -------------------------------------------------------------------------------
    def run(self, *, complaints: int, first: int = 0) -> dict[str, Any]:
        """Add `complaints` published complaints, numbered from `first` (a later run can add more
        to the same data set, with the same people)."""
        from django.contrib.contenttypes.models import ContentType

        self.investigations: list[int] = []
        self.response_type_id = ContentType.objects.get_for_model(
            RecommendationResponse
        ).pk
        people = self.people()
        organisations = {o.pk: o for o in Organisation.objects.all()}
        recipients = {
            "named": [
                organisations[pk]
                for pk in sorted(people.recipients)
                if organisations[pk].kind != OrganisationKind.LOCAL_POLICING_BODY
                or self.rng.random() < 0.2
            ],
            "college": next(
                o for o in organisations.values() if o.kind == OrganisationKind.COLLEGE
            ),
        }
        started = time.monotonic()
        for index, published_on in enumerate(self.report_dates(complaints), first):
            self.complaint(people, index, published_on, recipients)
        through_services = time.monotonic() - started
        moved, logs, updates = self.responses(people)
        return {
            "seconds through the services": round(through_services, 1),
            "seconds in bulk": round(time.monotonic() - started - through_services, 1),
            "complaints": SuperComplaint.objects.count(),
            "recommendations": Recommendation.objects.count(),
            "responses": RecommendationResponse.objects.count(),
            "responses moved on": moved,
            "log entries added": logs,
            "progress updates": updates,
        }
