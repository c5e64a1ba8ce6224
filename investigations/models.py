"""The joint investigation of an eligible super-complaint by HMICFRS, the College of Policing and the
IOPC (SI 2018/748 regs 6(5), 7 and 8): its stages, team, evidence log, tasks, progress reports to the
designated body, the report draft, fact-checking, sign-off and the published report."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from accounts import permissions as perms
from accounts.models import DECISION_MAKING_AUTHORITIES, Organisation, OrganisationKind
from workflow import clock, deadlines
from workflow.models import AppendOnlyModel
from workflow.transitions import condition


class InvestigationQuerySet(models.QuerySet["Investigation"]):
    def visible_to(self, user: object) -> InvestigationQuerySet:
        """The team named on each investigation sees it; monitors see every one, read-only. Another
        investigator of the same authority who is not on the team does not see it at all."""
        if not perms.is_active_user(user):
            return self.none()
        if perms.is_monitor(user):
            return self.all()
        return self.filter(team__user=user).distinct()

    def for_dashboard(self) -> InvestigationQuerySet:
        return self.select_related("complaint__organisation").prefetch_related(
            "team__user", "stage_periods", "progress_reports", "tasks"
        )


class Investigation(ConcurrentTransitionMixin, models.Model):
    """Opened by an eligible decision, one per complaint; worked through its stages by a named team of
    the three authorities and closed by publishing the report."""

    class State(models.TextChoices):
        SCOPING = "scoping", _("Scoping")
        EVIDENCE_GATHERING = "evidence_gathering", _("Evidence gathering")
        ANALYSIS = "analysis", _("Analysis")
        DRAFTING = "drafting", _("Drafting")
        FACT_CHECKING = "fact_checking", _("Fact-checking")
        SIGN_OFF = "sign_off", _("Sign-off")
        PUBLISHED = "published", _("Published")
        PAUSED = "paused", _("Paused")

    WORKING = (
        State.SCOPING,
        State.EVIDENCE_GATHERING,
        State.ANALYSIS,
        State.DRAFTING,
        State.FACT_CHECKING,
        State.SIGN_OFF,
    )
    # The report's content can change while it is drafted, checked and signed off.
    EDITABLE = (State.DRAFTING, State.FACT_CHECKING, State.SIGN_OFF)

    complaint = models.OneToOneField(
        "complaints.SuperComplaint",
        on_delete=models.PROTECT,
        related_name="investigation",
    )
    state = FSMField(
        _("stage"),
        default=State.SCOPING,
        choices=State.choices,
        protected=True,
        db_index=True,
    )
    opened_at = models.DateTimeField(_("opened"), default=clock.now)
    paused_from = models.CharField(
        _("paused at stage"), max_length=32, choices=State.choices, blank=True
    )
    pause_reason = models.TextField(_("reason for the pause"), blank=True)

    # Scoping: terms of reference (themes are their own rows).
    terms_of_reference = models.TextField(_("terms of reference"), blank=True)

    # The report, written in the service while drafting.
    version = models.PositiveIntegerField(default=1, editable=False)
    report_title = models.CharField(_("report title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    steps_taken = models.TextField(_("steps taken in the investigation"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    conclusions = models.TextField(_("conclusions, with reasons"), blank=True)
    further_action = models.TextField(
        _("further action by the authorities"), blank=True
    )
    draft_contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("authors of the draft"),
    )
    draft_updated_at = models.DateTimeField(null=True, blank=True)

    # Publication (reg 8), or a report published before this service existed.
    report_published_on = models.DateField(_("report published"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    report_url = models.URLField(_("published report"), blank=True)

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")

    def __str__(self) -> str:
        return f"Investigation of {self.complaint}"

    @property
    def is_concluded(self) -> bool:
        """Reg 6(4): "already investigated" once the report is published."""
        return self.state == self.State.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE

    # --- The team ----------------------------------------------------------------------------------
    def team_role(self, user: Any) -> str | None:
        """The user's role on this team, or None. Reads the prefetched team when there is one."""
        user_id = getattr(user, "pk", None)
        if user_id is None:
            return None
        for member in self.team.all():
            if member.user_id == user_id:
                return member.role
        return None

    @property
    def lead(self) -> TeamMember | None:
        return next(
            (m for m in self.team.all() if m.role == TeamMember.Role.LEAD), None
        )

    # --- Stages and deadlines ----------------------------------------------------------------------
    def current_stage_started_at(self) -> Any:
        periods = [p for p in self.stage_periods.all() if p.ended_at is None]
        return periods[-1].started_at if periods else self.opened_at

    def days_in_stage(self, today: date) -> int:
        return (today - deadlines.local_date(self.current_stage_started_at())).days

    def next_progress_report_due(self) -> date | None:
        """Reg 7: progress reports to the body at the configured interval from the last one (or from
        the opening of the investigation). None once the report is published."""
        if self.state == self.State.PUBLISHED:
            return None
        sent = [r.sent_on for r in self.progress_reports.all()]
        since = max(sent) if sent else deadlines.local_date(self.opened_at)
        return since + timedelta(days=settings.PROGRESS_REPORT_INTERVAL_DAYS)

    def is_progress_report_overdue(self, today: date) -> bool:
        due = self.next_progress_report_due()
        return due is not None and today > due

    def overdue_tasks(self, today: date) -> list[Task]:
        return [t for t in self.tasks.all() if t.is_overdue(today)]

    # --- The report's content, bound to approvals by its hash -------------------------------------
    def content(self) -> dict[str, Any]:
        """Everything the approvers approve, in a stable order: change any of it and the hash changes."""
        return {
            "title": self.report_title,
            "summary": self.summary,
            "steps_taken": self.steps_taken,
            "findings": self.findings,
            "conclusions": self.conclusions,
            "further_action": self.further_action,
            "recommendations": [
                {
                    "number": r.number,
                    "text": r.text,
                    "due_on": r.due_on.isoformat() if r.due_on else None,
                    "recipient_kinds": sorted(r.recipient_kinds),
                    "named_recipients": sorted(o.pk for o in r.named_recipients.all()),
                }
                for r in sorted(self.recommendations.all(), key=lambda r: r.number)
            ],
            "actions": [
                {
                    "number": a.number,
                    "body": a.body_id,
                    "text": a.text,
                    "due_on": a.due_on.isoformat() if a.due_on else None,
                }
                for a in sorted(self.actions.all(), key=lambda a: a.number)
            ],
            "redactions": [
                {"section": r.section, "passage": r.passage, "ground": r.ground}
                for r in sorted(self.redactions.all(), key=lambda r: r.pk)
            ],
        }

    def content_hash(self) -> str:
        encoded = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(encoded.encode()).hexdigest()

    def current_approvals(self) -> dict[str, SignOff]:
        """The approval of each authority that still stands, by organisation kind."""
        return {
            s.authority.kind: s for s in self.sign_offs.all() if s.voided_at is None
        }

    # --- Conditions, with the reason shown when unmet ----------------------------------------------
    @condition(_("Appoint a lead for the investigation team."))
    def has_lead(self) -> bool:
        return self.lead is not None

    @condition(_("Write the terms of reference and at least one investigative theme."))
    def is_scoped(self) -> bool:
        return bool(self.terms_of_reference.strip()) and len(self.themes.all()) > 0

    @condition(_("Record at least one item in the evidence log."))
    def has_evidence(self) -> bool:
        return len(self.evidence_items.all()) > 0

    def draft_gaps(self) -> list[str]:
        gaps = []
        if not self.report_title.strip():
            gaps.append(str(_("a title")))
        if not self.steps_taken.strip():
            gaps.append(str(_("the steps taken")))
        if not self.findings.strip():
            gaps.append(str(_("findings")))
        if not self.conclusions.strip():
            gaps.append(str(_("conclusions with reasons")))
        recommendations = list(self.recommendations.all())
        if not recommendations:
            gaps.append(str(_("at least one recommendation")))
        without = [
            str(r.number)
            for r in recommendations
            if not r.recipient_kinds and not r.named_recipients.all()
        ]
        if without:
            gaps.append(
                str(_("recipients for recommendation(s) %(n)s"))
                % {"n": ", ".join(without)}
            )
        return gaps

    @condition(
        lambda self: (
            str(_("The draft needs: %(gaps)s."))
            % {"gaps": "; ".join(self.draft_gaps())}
        )
    )
    def draft_is_complete(self) -> bool:
        return not self.draft_gaps()

    @condition(_("Choose at least one organisation to fact-check the draft."))
    def has_fact_checkers(self) -> bool:
        return len(self.fact_check_requests.all()) > 0

    def fact_checks_outstanding(self, today: date) -> list[FactCheckRequest]:
        return [
            r
            for r in self.fact_check_requests.all()
            if not r.comments.all() and today <= r.due_on
        ]

    @condition(
        lambda self: (
            str(
                _(
                    "Waiting for fact-check comments from: %(orgs)s (or their due dates to pass)."
                )
            )
            % {
                "orgs": ", ".join(
                    r.organisation.display_name
                    for r in self.fact_checks_outstanding(clock.today())
                )
            }
        )
    )
    def fact_checking_done(self) -> bool:
        return not self.fact_checks_outstanding(clock.today())

    def stale_redactions(self) -> list[Redaction]:
        """Withheld passages no longer found word for word in their section: publishing would then
        withhold nothing, so it is blocked until the passage is withheld again."""
        return [
            r
            for r in self.redactions.all()
            if r.passage not in getattr(self, r.section)
        ]

    @condition(
        lambda self: (
            str(
                _(
                    "A passage to withhold is no longer in the %(sections)s as written: withhold it again or remove it."
                )
            )
            % {
                "sections": ", ".join(
                    sorted(
                        {r.section.replace("_", " ") for r in self.stale_redactions()}
                    )
                )
            }
        )
    )
    def redactions_apply(self) -> bool:
        return not self.stale_redactions()

    def missing_approvals(self) -> list[str]:
        approvals = self.current_approvals()
        current = self.content_hash()
        names = dict(Organisation._meta.get_field("kind").flatchoices)
        return [
            str(names[kind])
            for kind in DECISION_MAKING_AUTHORITIES
            if kind not in approvals or approvals[kind].content_hash != current
        ]

    @condition(
        lambda self: (
            str(_("Needs the sign-off of: %(bodies)s."))
            % {"bodies": ", ".join(self.missing_approvals())}
        )
    )
    def is_signed_off(self) -> bool:
        return not self.missing_approvals()

    # --- Transitions: they touch only this object; services do the rest ---------------------------
    @transition(
        field=state,
        source=State.SCOPING,
        target=State.EVIDENCE_GATHERING,
        conditions=[has_lead, is_scoped],
        permission=perms.for_transition(perms.can_work_on),
        custom={"label": _("Start evidence gathering"), "button": "primary"},
    )
    def start_evidence_gathering(self, *, by: object, reason: str = "") -> None:
        pass

    @transition(
        field=state,
        source=State.EVIDENCE_GATHERING,
        target=State.ANALYSIS,
        conditions=[has_evidence],
        permission=perms.for_transition(perms.can_work_on),
        custom={"label": _("Start analysis"), "button": "primary"},
    )
    def start_analysis(self, *, by: object, reason: str = "") -> None:
        pass

    @transition(
        field=state,
        source=State.ANALYSIS,
        target=State.DRAFTING,
        permission=perms.for_transition(perms.can_work_on),
        custom={"label": _("Start drafting the report"), "button": "primary"},
    )
    def start_drafting(self, *, by: object, reason: str = "") -> None:
        pass

    @transition(
        field=state,
        source=State.DRAFTING,
        target=State.FACT_CHECKING,
        conditions=[draft_is_complete, has_fact_checkers],
        permission=perms.for_transition(perms.can_work_on),
        custom={"label": _("Send the draft for fact-checking"), "button": "primary"},
    )
    def send_for_fact_check(self, *, by: object, reason: str = "") -> None:
        pass

    @transition(
        field=state,
        source=State.FACT_CHECKING,
        target=State.SIGN_OFF,
        conditions=[draft_is_complete, redactions_apply, fact_checking_done],
        permission=perms.for_transition(perms.can_work_on),
        custom={"label": _("Send for sign-off"), "button": "primary"},
    )
    def send_for_sign_off(self, *, by: object, reason: str = "") -> None:
        pass

    @transition(
        field=state,
        source=State.SIGN_OFF,
        target=State.PUBLISHED,
        conditions=[draft_is_complete, redactions_apply, is_signed_off],
        permission=perms.for_transition(perms.can_publish_report),
        custom={"label": _("Publish the report"), "button": "primary"},
    )
    def publish(self, *, by: object, reason: str = "") -> None:
        self.published_at = clock.now()
        self.report_published_on = deadlines.local_date(self.published_at)

    @transition(
        field=state,
        source=list(WORKING),
        target=State.PAUSED,
        permission=perms.for_transition(perms.can_lead),
        custom={
            "label": _("Pause the investigation"),
            "button": "warning",
            "needs_reason": True,
            "reason_label": _("Why is the investigation paused?"),
        },
    )
    def pause(self, *, by: object, reason: str = "") -> None:
        if not reason.strip():
            raise ValueError("a pause needs a recorded reason")
        self.paused_from = self.state
        self.pause_reason = reason

    @transition(
        field=state,
        source=State.PAUSED,
        target=RETURN_VALUE(*WORKING),
        permission=perms.for_transition(perms.can_lead),
        custom={"label": _("Resume the investigation"), "button": "primary"},
    )
    def resume(self, *, by: object, reason: str = "") -> str:
        stage = self.paused_from
        self.paused_from = ""
        self.pause_reason = ""
        return stage

    @transition(
        field=state,
        source=State.SCOPING,
        target=State.PUBLISHED,
        permission=perms.for_transition(
            lambda user, obj: perms.can_administer_records(user)
        ),
        custom={"label": _("Record a report published before this service existed")},
    )
    def record_historical_report(
        self, *, by: object, reason: str = "", title: str, published_on, url: str = ""
    ) -> None:
        """Bring in the outcome of an investigation that was run and reported outside this service."""
        self.report_title = title
        self.report_published_on = published_on
        self.published_at = datetime.combine(
            published_on, time(9, 30), deadlines.LONDON
        )
        self.report_url = url


class InvestigationPartQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> InvestigationPartQuerySet:
        """An investigation's working material is seen exactly by those who see the investigation."""
        return self.filter(investigation__in=Investigation.objects.visible_to(user))


class StagePeriod(models.Model):
    """When the investigation entered a stage and when it left it, so that stage durations can be
    reported. Written by the services with each transition; only `ended_at` is ever filled in later."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="stage_periods"
    )
    stage = models.CharField(max_length=32, choices=Investigation.State.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} from {self.started_at:%Y-%m-%d}"

    def duration(self, now: Any) -> timedelta:
        return (self.ended_at or now) - self.started_at


class TeamMember(models.Model):
    """A named person on the investigation team: its lead, an investigator or an approver."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        INVESTIGATOR = "investigator", _("Investigator")
        APPROVER = "approver", _("Approver (sign-off)")

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role on the team"), max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=clock.now)

    objects = InvestigationPartQuerySet.as_manager()

    class Meta:
        ordering = ["role", "user__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "user"], name="one_place_per_person_on_a_team"
            ),
            models.UniqueConstraint(
                fields=["investigation"],
                condition=Q(role="lead"),
                name="one_lead_per_investigation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Theme(models.Model):
    """An investigative theme set at scoping."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="themes"
    )
    title = models.CharField(_("theme"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    objects = InvestigationPartQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class EvidenceItem(models.Model):
    """One line of the evidence log: a data request, fieldwork visit, interview, survey, case-file
    review or piece of literature, with its owner, due date and status."""

    class Kind(models.TextChoices):
        DATA_REQUEST = "data_request", _("Data request")
        FIELDWORK = "fieldwork", _("Fieldwork visit")
        INTERVIEW = "interview", _("Interview")
        VICTIM_INTERVIEW = (
            "victim_interview",
            _("Interview with victims or survivors"),
        )
        SURVEY = "survey", _("Survey")
        CASE_FILE_REVIEW = "case_file_review", _("Case-file review")
        LITERATURE = "literature", _("Literature and research")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        RECEIVED = "received", _("Done or received")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="evidence_items"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("description"), max_length=300)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation (for example the force asked for data)"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = InvestigationPartQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("evidence log item")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return (
            self.status in self.OPEN and self.due_on is not None and today > self.due_on
        )


def attachment_path(instance: EvidenceAttachment, filename: str) -> str:
    # Stored under a server-generated name: nothing of the uploader's file name reaches the disk.
    suffix = PurePosixPath(filename).suffix.lower()
    token = instance.stored_token.hex
    return f"investigation-evidence/{token[:2]}/{token}{suffix}"


class EvidenceAttachment(models.Model):
    """A file on an evidence log item, checked by content with the same rules as intake evidence."""

    item = models.ForeignKey(
        EvidenceItem, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    stored_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    kind_label = models.CharField(_("kind of file"), max_length=60)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Task(models.Model):
    """A piece of the team's work with an owner and a due date; overdue is derived, never stored."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = InvestigationPartQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.done_at is None and today > self.due_on


class ProgressReport(AppendOnlyModel):
    """A dated progress report to the designated body (reg 6(5)(b), reg 7). Once sent it stands."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.PROTECT, related_name="progress_reports"
    )
    sent_on = models.DateField(_("date"))
    text = models.TextField(_("progress report"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"Progress report of {self.sent_on:%Y-%m-%d}"


class ReportAction(models.Model):
    """An action the College of Policing or HMICFRS sets itself in the report (DOMAIN.md §3.2 6a)."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="actions"
    )
    number = models.PositiveIntegerField(_("number"))
    body = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={
            "kind__in": [OrganisationKind.COLLEGE, OrganisationKind.HMICFRS]
        },
        verbose_name=_("for"),
    )
    text = models.TextField(_("action"))
    due_on = models.DateField(_("due"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "number"], name="one_action_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"Action {self.number}"


class Redaction(models.Model):
    """A passage withheld from the published report, only on a ground reg 8(3) allows."""

    class Ground(models.TextChoices):
        NATIONAL_SECURITY = "national_security", _("National security")
        SAFETY = "safety", _("It might endanger someone's safety")

    SECTIONS = ("summary", "steps_taken", "findings", "conclusions", "further_action")

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="redactions"
    )
    section = models.CharField(_("section"), max_length=30)
    passage = models.TextField(_("passage to withhold"))
    ground = models.CharField(_("ground"), max_length=30, choices=Ground.choices)
    explanation = models.TextField(_("why the ground applies"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_ground_display()}: {self.passage[:40]}"


class FactCheckRequest(models.Model):
    """The draft sent to one organisation to check its facts by a due date."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="fact_check_requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("comments due"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "organisation"],
                name="one_fact_check_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"Fact-check by {self.organisation}"

    def is_overdue(self, today: date) -> bool:
        return not self.comments.all() and today > self.due_on


class FactCheckComment(AppendOnlyModel):
    """The organisation's comments on the draft, recorded against the version they read."""

    request = models.ForeignKey(
        FactCheckRequest, on_delete=models.PROTECT, related_name="comments"
    )
    text = models.TextField(_("comments"))
    content_hash = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Comments from {self.request.organisation}"


class SignOff(models.Model):
    """One authority's approval of the exact version of the report with this content hash. Any edit
    voids it (the row stays, with when and why it was voided)."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.PROTECT, related_name="sign_offs"
    )
    authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind__in": DECISION_MAKING_AUTHORITIES},
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(max_length=64)
    approved_at = models.DateTimeField(default=clock.now)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "authority"],
                condition=Q(voided_at__isnull=True),
                name="one_standing_sign_off_per_authority",
            )
        ]

    def __str__(self) -> str:
        return f"Sign-off by {self.authority}"


def report_path(instance: PublishedReport, filename: str) -> str:
    return f"reports/{instance.stored_token.hex}.pdf"


class PublishedReport(models.Model):
    """The fixed, published version of the report (reg 8): the content as published, withheld
    passages already taken out, its hash and its PDF. Never changed after publication."""

    investigation = models.OneToOneField(
        Investigation, on_delete=models.PROTECT, related_name="published_report"
    )
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64)
    pdf = models.FileField(upload_to=report_path, max_length=200)
    stored_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("published report")

    def __str__(self) -> str:
        return self.snapshot.get("title", "")
