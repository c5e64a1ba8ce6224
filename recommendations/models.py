"""Recommendations of a super-complaint report and each recipient's response to them.

A recommendation is addressed to kinds of recipient ("all chief constables") and to named
organisations; publication expands it into one `RecommendationResponse` per recipient organisation.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts import permissions as perms
from accounts.models import Organisation, OrganisationKind
from workflow import clock
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
    def visible_to(self, user: object) -> ResponseQuerySet:
        """A recipient sees its own organisation's responses; the authorities' staff and monitors see
        all of them. (The public sees published responses through the public tracker.)"""
        if not perms.is_active_user(user):
            return self.none()
        if perms.can_see_submitted_complaints(user):
            return self.all()
        return self.filter(organisation_id=user.organisation_id)


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
        """Derived, never stored: no response published by the end of its due day."""
        return self.state == self.State.AWAITING_RESPONSE and today > self.due_on

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
