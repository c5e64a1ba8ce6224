"""Recommendations of a super-complaint report and each recipient's response to them.

A recommendation is addressed to kinds of recipient ("all chief constables") and to named
organisations; publication expands it into one `RecommendationResponse` per recipient organisation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from accounts import permissions as perms
from accounts.models import Organisation, OrganisationKind
from workflow import clock


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
    published, with its response due date. The response workflow builds on this."""

    class State(models.TextChoices):
        AWAITING_RESPONSE = "awaiting_response", _("Awaiting response")

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
