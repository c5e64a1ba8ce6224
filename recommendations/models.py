"""Recommendations of a super-complaint report and each recipient's response to them.

A recommendation is addressed to kinds of recipient ("all chief constables") and to named
organisations; publication expands it into one `RecommendationResponse` per recipient organisation.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts import permissions as perms
from accounts.models import Organisation, OrganisationKind
from investigations.models import Investigation
from workflow import clock
from workflow.models import AppendOnlyModel
from workflow.transitions import condition


class RecipientKind(models.TextChoices):
    """A class of recipient, expanded at publication to every current organisation of that class."""

    CHIEF_CONSTABLES = (
        "chief_constables",
        _("All chief constables (territorial forces)"),
    )
    ALL_FORCES = (
        "all_forces",
        _(
            "All chief officers of police (territorial forces, BTP, CNC, MDP and the NCA)"
        ),
    )
    LOCAL_POLICING_BODIES = (
        "local_policing_bodies",
        _("All local policing bodies (PCCs and equivalents)"),
    )

    def organisations(self) -> models.QuerySet[Organisation]:
        if self == RecipientKind.CHIEF_CONSTABLES:
            return Organisation.objects.filter(
                kind=OrganisationKind.POLICE_FORCE, is_territorial_force=True
            )
        if self == RecipientKind.ALL_FORCES:
            return Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE)
        return Organisation.objects.filter(kind=OrganisationKind.LOCAL_POLICING_BODY)


# Who a recommendation can be addressed to by name (the College and HMICFRS set themselves actions).
NAMED_RECIPIENT_KINDS = (
    OrganisationKind.POLICE_FORCE,
    OrganisationKind.LOCAL_POLICING_BODY,
    OrganisationKind.NATIONAL_BODY,
    OrganisationKind.COLLEGE,
)


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def published(self) -> RecommendationQuerySet:
        return self.filter(investigation__published_report__isnull=False)

    def visible_to(self, user: object) -> RecommendationQuerySet:
        """A published report's recommendations are public record: anyone signed in sees them.
        Before publication they are the draft's, seen only by those who see the investigation."""
        if not perms.is_active_user(user):
            return self.none()
        return self.filter(
            models.Q(investigation__published_report__isnull=False)
            | models.Q(
                investigation__in=Investigation.objects.visible_to(user).values("pk")
            )
        )


class Recommendation(models.Model):
    """A numbered recommendation of the report, drafted by the investigation team."""

    investigation = models.ForeignKey(
        "investigations.Investigation",
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    recipient_kinds = models.JSONField(
        _("recipients by kind"), default=list, blank=True
    )
    named_recipients = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": NAMED_RECIPIENT_KINDS},
        verbose_name=_("named recipients"),
    )
    due_on = models.DateField(_("to be done by"), null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["investigation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "number"],
                name="one_recommendation_per_number",
            )
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"

    def recipient_labels(self) -> list[str]:
        labels = [str(RecipientKind(kind).label) for kind in self.recipient_kinds]
        return labels + [o.name for o in self.named_recipients.all()]

    def recipient_organisations(self) -> list[Organisation]:
        """Every organisation that must respond: the kinds expanded, then those named, once each."""
        found: dict[int, Organisation] = {}
        for kind in self.recipient_kinds:
            for organisation in RecipientKind(kind).organisations():
                found.setdefault(organisation.pk, organisation)
        for organisation in self.named_recipients.all():
            found.setdefault(organisation.pk, organisation)
        return sorted(found.values(), key=lambda o: o.name)


class ResponseQuerySet(models.QuerySet["RecommendationResponse"]):
    def overdue(self, today: date) -> ResponseQuerySet:
        """The SQL twin of `RecommendationResponse.is_overdue`."""
        return self.filter(
            state=RecommendationResponse.State.AWAITING_RESPONSE,
            extension_pending=False,
            due_on__lt=today,
        )

    def published_report(self) -> ResponseQuerySet:
        """Responses to recommendations of a published report (all of them are, once issued)."""
        return self.filter(
            recommendation__investigation__published_report__isnull=False
        )

    def visible_to(self, user: object) -> ResponseQuerySet:
        """A recipient sees its own organisation's responses; a designated body those to its own
        complaints' recommendations; the authorities' staff and monitors all of them. (The public
        sees published responses through the public tracker.) Draft response text is shown only to
        the recipient itself: see `can_read_draft`."""
        if not perms.is_active_user(user):
            return self.none()
        if perms.can_see_submitted_complaints(user):
            return self.all()
        if perms.is_body_member(user):
            # A designated body follows the recommendations its own super-complaints led to.
            return self.filter(
                recommendation__investigation__complaint__organisation_id=user.organisation_id
            )
        if perms.is_recipient(user):
            # Its own, and their partners in joint responses (each of a joint pair points at the
            # other). A union of two index lookups: an OR across the self-join would read every
            # response in the table.
            own = RecommendationResponse.objects.filter(
                organisation_id=user.organisation_id
            ).order_by()
            return self.filter(
                pk__in=own.values("pk").union(
                    own.filter(joint_with__isnull=False).values("joint_with_id"),
                    all=True,
                )
            )
        return self.none()


class RecommendationResponse(ConcurrentTransitionMixin, models.Model):
    """One recipient organisation's response to one recommendation, issued when the report is
    published: its response, its implementation and HMICFRS's verification of it."""

    class State(models.TextChoices):
        AWAITING_RESPONSE = "awaiting_response", _("Awaiting response")
        RESPONSE_PUBLISHED = "response_published", _("Response published")
        IN_PROGRESS = "in_progress", _("In progress")
        IMPLEMENTATION_REPORTED = (
            "implementation_reported",
            _("Implementation reported"),
        )
        VERIFIED = "verified", _("Verified (closed)")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="responses"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="recommendation_responses"
    )
    state = FSMField(
        _("status"),
        default=State.AWAITING_RESPONSE,
        choices=State.choices,
        protected=True,
        db_index=True,
    )
    issued_at = models.DateTimeField(_("issued"), default=clock.now)
    due_on = models.DateField(_("response due"))
    # The due date set at publication; a granted extension moves `due_on` and leaves this as it was.
    original_due_on = models.DateField(_("response originally due"))
    # Set while an extension asked for before the due date awaits HMICFRS's decision (never overdue then).
    extension_pending = models.BooleanField(default=False, editable=False)
    # A PCC and its force may publish one joint response; it is recorded against both.
    joint_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("joint response with"),
    )

    # The response, drafted by the recipient and then published.
    version = models.PositiveIntegerField(default=1, editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    response_text = models.TextField(_("response"), blank=True)
    published_at = models.DateTimeField(_("response published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    work_started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    implementation_summary = models.TextField(_("implementation report"), blank=True)
    implementation_reported_at = models.DateTimeField(null=True, blank=True)
    implementation_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "organisation"],
                name="one_response_per_recommendation_and_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.recommendation}"

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.VERIFIED or (
            self.state == self.State.RESPONSE_PUBLISHED
            and self.outcome == self.Outcome.NOT_ACCEPTED
        )

    def is_overdue(self, today: date) -> bool:
        """Derived, never stored: no response published by the end of its (possibly extended) due
        day, and no extension asked for in time still awaiting a decision."""
        return (
            self.state == self.State.AWAITING_RESPONSE
            and not self.extension_pending
            and today > self.due_on
        )

    @property
    def was_extended(self) -> bool:
        return self.due_on != self.original_due_on

    @property
    def is_public(self) -> bool:
        """Whether the public tracker may show the response text: only once it is published."""
        return self.published_at is not None

    # --- Conditions, with the reason shown when unmet ----------------------------------------------
    @condition(
        _(
            "Choose whether the recommendation is accepted, partly accepted or not accepted."
        )
    )
    def has_outcome(self) -> bool:
        return self.outcome in self.Outcome.values

    @condition(_("Write the response."))
    def has_response_text(self) -> bool:
        return bool(self.response_text.strip())

    @condition(
        _("A recommendation that was not accepted has no implementation to start.")
    )
    def was_accepted(self) -> bool:
        return self.outcome in (self.Outcome.ACCEPTED, self.Outcome.PARTLY_ACCEPTED)

    @condition(
        _("Only a response that did not accept the recommendation can be reopened.")
    )
    def was_not_accepted(self) -> bool:
        return self.outcome == self.Outcome.NOT_ACCEPTED

    @condition(_("Describe what was implemented, with the evidence."))
    def has_implementation_summary(self) -> bool:
        return bool(self.implementation_summary.strip())

    # --- Transitions: they touch only this object; services do the rest ---------------------------
    @transition(
        field=state,
        source=State.AWAITING_RESPONSE,
        target=State.RESPONSE_PUBLISHED,
        conditions=[has_outcome, has_response_text],
        permission=perms.for_transition(perms.can_respond),
        custom={"label": _("Publish the response"), "button": "primary"},
    )
    def publish_response(self, *, by: object, reason: str = "") -> None:
        self.published_at = clock.now()
        self.published_by = by

    @transition(
        field=state,
        source=State.RESPONSE_PUBLISHED,
        target=State.IN_PROGRESS,
        conditions=[was_accepted],
        permission=perms.for_transition(perms.can_respond),
        custom={"label": _("Start implementing"), "button": "primary"},
    )
    def start_work(self, *, by: object, reason: str = "") -> None:
        self.work_started_at = clock.now()

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.IMPLEMENTATION_REPORTED,
        conditions=[has_implementation_summary],
        permission=perms.for_transition(perms.can_respond),
        custom={"label": _("Report implementation"), "button": "primary"},
    )
    def report_implementation(self, *, by: object, reason: str = "") -> None:
        self.implementation_reported_at = clock.now()
        self.implementation_reported_by = by

    @transition(
        field=state,
        source=State.IMPLEMENTATION_REPORTED,
        target=State.VERIFIED,
        permission=perms.for_transition(perms.can_verify),
        custom={"label": _("Verify implementation"), "button": "primary"},
    )
    def verify(self, *, by: object, reason: str = "") -> None:
        # Four eyes: whoever reported the implementation cannot verify it.
        if getattr(by, "pk", None) == self.implementation_reported_by_id:
            raise PermissionDenied("the verifier cannot be the person who reported it")
        self.verified_at = clock.now()
        self.verified_by = by

    @transition(
        field=state,
        source=State.IMPLEMENTATION_REPORTED,
        target=State.IN_PROGRESS,
        permission=perms.for_transition(perms.can_verify),
        custom={
            "label": _("Send back"),
            "button": "warning",
            "needs_reason": True,
            "reason_label": _("What is still needed?"),
        },
    )
    def send_back(self, *, by: object, reason: str = "") -> None:
        if not reason.strip():
            raise ValueError("sending an implementation report back needs reasons")
        self.implementation_reported_at = None
        self.implementation_reported_by = None

    @transition(
        field=state,
        source=State.RESPONSE_PUBLISHED,
        target=State.AWAITING_RESPONSE,
        conditions=[was_not_accepted],
        permission=perms.for_transition(perms.can_reopen),
        custom={
            "label": _("Reopen for a new response"),
            "button": "warning",
            "needs_reason": True,
            "reason_label": _("Why is it reopened?"),
        },
    )
    def reopen(self, *, by: object, reason: str = "") -> None:
        if not reason.strip():
            raise ValueError("reopening needs a reason")
        self.published_at = None
        self.published_by = None


# --- The recipient's workspace: action plan, progress updates, evidence, extensions ----------------
class ActionPlanItem(models.Model):
    """One step of a recipient's plan to implement a recommendation. Its target date can move, but
    only with a reason (kept as a `DueDateChange`), and the date first set stays visible."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    response = models.ForeignKey(
        RecommendationResponse, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField(_("action"))
    owner = models.CharField(
        _("owner"),
        max_length=200,
        help_text=_("The post or team accountable, e.g. Head of Public Protection."),
    )
    original_target_on = models.DateField(_("target date first set"))
    target_on = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["target_on", "pk"]
        verbose_name = _("action plan item")

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def target_moved(self) -> bool:
        return self.target_on != self.original_target_on

    def is_overdue(self, today: date) -> bool:
        return self.status != self.Status.DONE and today > self.target_on


class ProgressUpdate(AppendOnlyModel):
    """A dated progress update on implementing a recommendation. Once posted it is published on the
    public tracker and stands as written; its evidence files stay private to the oversight bodies."""

    response = models.ForeignKey(
        RecommendationResponse, on_delete=models.PROTECT, related_name="updates"
    )
    text = models.TextField(_("progress update"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted"), default=clock.now)

    class Meta:
        ordering = ["posted_at", "pk"]
        verbose_name = _("progress update")

    def __str__(self) -> str:
        return f"Update on {self.response} at {self.posted_at:%Y-%m-%d}"


def response_evidence_path(instance: ResponseEvidence, filename: str) -> str:
    # Stored under a server-generated name: nothing of the uploader's file name reaches the disk.
    suffix = PurePosixPath(filename).suffix.lower()
    token = instance.stored_token.hex
    return f"response-evidence/{token[:2]}/{token}{suffix}"


class ResponseEvidence(models.Model):
    """A file behind a progress update or an implementation report, checked by content with the
    intake rules. Never public: recipients and the oversight bodies only."""

    response = models.ForeignKey(
        RecommendationResponse, on_delete=models.PROTECT, related_name="evidence"
    )
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    for_implementation = models.BooleanField(
        _("evidence of implementation"), default=False
    )
    file = models.FileField(upload_to=response_evidence_path, max_length=200)
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
        verbose_name = _("response evidence")
        verbose_name_plural = _("response evidence")

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequest(ConcurrentTransitionMixin, models.Model):
    """A recipient's request, made before the due date, for more time to respond; HMICFRS grants it
    with a new date or refuses it, with a reason either way."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    response = models.ForeignKey(
        RecommendationResponse,
        on_delete=models.PROTECT,
        related_name="extension_requests",
    )
    state = FSMField(
        _("decision"), default=State.PENDING, choices=State.choices, protected=True
    )
    due_on_when_asked = models.DateField(_("due date when asked"))
    requested_due_on = models.DateField(_("new date asked for"))
    reason = models.TextField(_("why more time is needed"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked"), default=clock.now)
    granted_due_on = models.DateField(_("new due date"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response"],
                condition=models.Q(state="pending"),
                name="one_pending_extension_per_response",
            )
        ]

    def __str__(self) -> str:
        return f"Extension for {self.response}"

    @transition(
        field=state,
        source=State.PENDING,
        target=State.GRANTED,
        permission=perms.for_transition(perms.can_decide_extension),
        custom={"label": _("Grant the extension"), "button": "primary"},
    )
    def grant(self, *, by: object, reason: str = "", new_due_on: date) -> None:
        if not reason.strip():
            raise ValueError("granting an extension needs a reason")
        self.granted_due_on = new_due_on
        self.decision_reason = reason
        self.decided_by = by
        self.decided_at = clock.now()

    @transition(
        field=state,
        source=State.PENDING,
        target=State.REFUSED,
        permission=perms.for_transition(perms.can_decide_extension),
        custom={"label": _("Refuse the extension"), "button": "warning"},
    )
    def refuse(self, *, by: object, reason: str = "") -> None:
        if not reason.strip():
            raise ValueError("refusing an extension needs a reason")
        self.decision_reason = reason
        self.decided_by = by
        self.decided_at = clock.now()
