"""Super-complaints made by designated bodies to HM Chief Inspector of Constabulary (PRA 2002 s29A),
their evidence, and the decision-making authorities' views on eligibility (SI 2018/748 regs 4–6)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts import permissions as perms
from accounts.models import DECISION_MAKING_AUTHORITIES, Organisation, OrganisationKind
from workflow import clock, deadlines
from workflow.models import AppendOnlyModel
from workflow.transitions import condition

# PRA 2002 s29A(1), verbatim: shown as help text and used in validation messages.
STATUTORY_TEST = _(
    "a feature, or combination of features, of policing in England and Wales by one or more than one "
    "police force is, or appears to be, significantly harming the interests of the public"
)


class ComplaintQuerySet(models.QuerySet["SuperComplaint"]):
    def visible_to(self, user: object) -> ComplaintQuerySet:
        """A body sees its own complaints, drafts included; the authorities' staff and monitors see
        every complaint once submitted; nobody else sees any (the public pages come with reports)."""
        if not perms.is_active_user(user):
            return self.none()
        visible = (
            Q(organisation_id=user.organisation_id)
            if perms.is_body_member(user)
            else Q(pk__in=[])
        )
        if perms.can_see_submitted_complaints(user):
            visible |= Q(received_at__isnull=False)
        return self.filter(visible)

    def awaiting_triage(self) -> ComplaintQuerySet:
        return self.filter(state__in=SuperComplaint.AWAITING_DECISION).order_by(
            "acknowledgement_due_on", "pk"
        )


class SuperComplaint(ConcurrentTransitionMixin, models.Model):
    """A complaint by a designated body that a feature of policing is, or appears to be, significantly
    harming the interests of the public (PRA 2002 s29A), from draft to the eligibility decision."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
        ELIGIBLE = "eligible", _("Eligible")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    BEFORE_DECISION = (
        State.DRAFT,
        State.SUBMITTED,
        State.ACKNOWLEDGED,
        State.UNDER_ASSESSMENT,
    )
    AWAITING_DECISION = (State.SUBMITTED, State.ACKNOWLEDGED, State.UNDER_ASSESSMENT)

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="super_complaints",
        limit_choices_to={"kind": OrganisationKind.DESIGNATED_BODY},
        verbose_name=_("designated body"),
    )
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, null=True, blank=True
    )
    state = FSMField(
        _("status"),
        default=State.DRAFT,
        choices=State.choices,
        protected=True,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # Reg 4: what a complaint must contain.
    title = models.CharField(_("title"), max_length=200, blank=True)
    features = models.TextField(_("feature or features of policing"), blank=True)
    harm_explanation = models.TextField(
        _("why they are or appear to be significantly harming the public"), blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    contact_phone = models.CharField(
        _("contact telephone number"), max_length=40, blank=True
    )
    # Recommended by HMICFRS's guidance, never required.
    forces_concerned = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="complaints_concerning",
        limit_choices_to={"kind": OrganisationKind.POLICE_FORCE},
        verbose_name=_("police forces concerned"),
    )
    harms = models.TextField(_("harms: their nature and scale"), blank=True)
    affected_groups = models.TextField(_("groups affected"), blank=True)
    co_submitters = models.TextField(_("co-submitting organisations"), blank=True)
    on_behalf_of = models.CharField(_("made on behalf of"), max_length=200, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), default=clock.now)
    updated_at = models.DateTimeField(_("last changed"), default=clock.now)

    # Set by transitions; due dates are computed once and recomputed only when the calendar changes.
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    acknowledgement_due_on = models.DateField(
        _("acknowledgement due"), null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    assessment_started_at = models.DateTimeField(
        _("assessment started"), null=True, blank=True
    )
    decision_target_on = models.DateField(_("decision target"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    # Reg 6(3)-(4): a complaint that repeats the substance of an earlier one.
    repeats = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeated_by",
        verbose_name=_("repeats the substance of"),
    )
    material_change = models.TextField(
        _("material change of circumstances"), blank=True
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("super-complaint")
        verbose_name_plural = _("super-complaints")
        constraints = [
            models.CheckConstraint(
                condition=~Q(repeats=models.F("pk")),
                name="complaint_does_not_repeat_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or _('Draft')}: {self.title or _('(untitled)')}"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def received_on(self) -> date | None:
        return deadlines.local_date(self.received_at) if self.received_at else None

    def is_acknowledgement_overdue(self, today: date) -> bool:
        return (
            self.state == self.State.SUBMITTED
            and self.acknowledgement_due_on is not None
            and today > self.acknowledgement_due_on
        )

    # --- What reg 4 requires, as conditions with the reason shown when unmet -----------------------
    @condition(_("Describe the feature or features of policing."))
    def has_features(self) -> bool:
        return bool(self.features.strip())

    @condition(
        _(
            "Explain why the features are, or appear to be, significantly harming the interests of the public."
        )
    )
    def has_harm_explanation(self) -> bool:
        return bool(self.harm_explanation.strip())

    @condition(_("Attach at least one evidence file."))
    def has_evidence(self) -> bool:
        return len(self.evidence.all()) > 0

    @condition(_("Name a contact person at your organisation, with an e-mail address."))
    def has_contact(self) -> bool:
        return bool(self.contact_name.strip() and self.contact_email.strip())

    @condition(_("Give the super-complaint a title."))
    def has_title(self) -> bool:
        return bool(self.title.strip())

    @condition(
        _(
            "Your organisation is not currently a designated body, so it cannot make a super-complaint."
        )
    )
    def body_is_designated(self) -> bool:
        return self.organisation.is_designated_on(clock.today())

    # --- Eligibility (reg 6) -----------------------------------------------------------------------
    def current_views(self) -> dict[str, EligibilityView]:
        """The latest recorded view of each decision-making authority, by organisation kind."""
        latest: dict[str, EligibilityView] = {}
        for view in sorted(
            self.eligibility_views.all(), key=lambda v: (v.recorded_at, v.pk)
        ):
            latest[view.authority.kind] = view
        return latest

    def _missing_views_message(self, wanted: str) -> str:
        views = self.current_views()
        names = dict(Organisation._meta.get_field("kind").flatchoices)
        missing = [
            str(names[kind])
            for kind in DECISION_MAKING_AUTHORITIES
            if kind not in views
        ]
        disagreeing = [
            str(names[kind]) for kind, view in views.items() if view.view != wanted
        ]
        parts = []
        if missing:
            parts.append(
                _("needs the view of: %(bodies)s") % {"bodies": ", ".join(missing)}
            )
        if disagreeing:
            parts.append(
                _("these authorities' recorded view differs: %(bodies)s")
                % {"bodies": ", ".join(disagreeing)}
            )
        message = "; ".join(parts)
        return message[:1].upper() + message[1:] + "."

    @condition(lambda self: self._missing_views_message(EligibilityView.View.ELIGIBLE))
    def all_authorities_find_eligible(self) -> bool:
        views = self.current_views()
        return all(
            views.get(k) and views[k].view == EligibilityView.View.ELIGIBLE
            for k in DECISION_MAKING_AUTHORITIES
        )

    @condition(
        lambda self: self._missing_views_message(EligibilityView.View.NOT_ELIGIBLE)
    )
    def all_authorities_find_not_eligible(self) -> bool:
        views = self.current_views()
        return all(
            views.get(k) and views[k].view == EligibilityView.View.NOT_ELIGIBLE
            for k in DECISION_MAKING_AUTHORITIES
        )

    def repeat_blocker(self) -> str:
        """Why reg 6(3)-(4) stops an eligible decision, or "" if nothing does."""
        earlier = self.repeats
        if earlier is None:
            return ""
        investigation = getattr(earlier, "investigation", None)
        if investigation is None:
            return ""
        if not investigation.is_concluded:
            return str(
                _(
                    "It repeats the substance of %(ref)s, which is still being investigated."
                )
                % {"ref": earlier.reference}
            )
        if not self.material_change.strip():
            return str(
                _(
                    "It repeats the substance of %(ref)s, which has already been investigated: record the material change of circumstances."
                )
                % {"ref": earlier.reference}
            )
        return ""

    @condition(lambda self: self.repeat_blocker())
    def repeat_rule_allows(self) -> bool:
        return not self.repeat_blocker()

    # --- Transitions: they touch only this object; services do the rest ---------------------------
    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        conditions=[
            body_is_designated,
            has_title,
            has_features,
            has_harm_explanation,
            has_evidence,
            has_contact,
        ],
        permission=perms.for_transition(perms.can_submit),
        custom={"label": _("Submit super-complaint"), "button": "primary"},
    )
    def submit(self, *, by: object, reason: str = "") -> None:
        self.received_at = clock.now()
        self.acknowledgement_due_on = deadlines.acknowledgement_due(self.received_at)
        self.decision_target_on = deadlines.decision_target(self.received_at)

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.ACKNOWLEDGED,
        permission=perms.for_transition(perms.can_triage),
        custom={"label": _("Acknowledge receipt"), "button": "primary"},
    )
    def acknowledge(self, *, by: object, reason: str = "") -> None:
        self.acknowledged_at = clock.now()

    @transition(
        field=state,
        source=State.ACKNOWLEDGED,
        target=State.UNDER_ASSESSMENT,
        permission=perms.for_transition(perms.can_triage),
        custom={"label": _("Start eligibility assessment"), "button": "primary"},
    )
    def start_assessment(self, *, by: object, reason: str = "") -> None:
        self.assessment_started_at = clock.now()

    @transition(
        field=state,
        source=State.UNDER_ASSESSMENT,
        target=State.ELIGIBLE,
        conditions=[all_authorities_find_eligible, repeat_rule_allows],
        permission=perms.for_transition(perms.can_triage),
        custom={"label": _("Record decision: eligible"), "button": "primary"},
    )
    def decide_eligible(self, *, by: object, reason: str = "") -> None:
        self.decided_at = clock.now()
        self.decision_reasons = reason

    @transition(
        field=state,
        source=State.UNDER_ASSESSMENT,
        target=State.NOT_ELIGIBLE,
        conditions=[all_authorities_find_not_eligible],
        permission=perms.for_transition(perms.can_triage),
        custom={
            "label": _("Record decision: not eligible"),
            "button": "warning",
            "needs_reason": True,
            "reason_label": _("Reasons (sent to the designated body)"),
        },
    )
    def decide_not_eligible(self, *, by: object, reason: str = "") -> None:
        if not reason.strip():
            raise ValueError("a not-eligible decision needs written reasons (reg 6(6))")
        self.decided_at = clock.now()
        self.decision_reasons = reason

    @transition(
        field=state,
        source=list(BEFORE_DECISION),
        target=State.WITHDRAWN,
        permission=perms.for_transition(perms.can_withdraw),
        custom={
            "label": _("Withdraw super-complaint"),
            "button": "warning",
            "needs_reason": True,
            "reason_label": _("Why are you withdrawing it?"),
        },
    )
    def withdraw(self, *, by: object, reason: str = "") -> None:
        if not reason.strip():
            raise ValueError("a withdrawal needs a reason")
        self.withdrawn_at = clock.now()
        self.withdrawal_reason = reason


class ReferenceSequence(models.Model):
    """The last reference number given in a year (SC-2026-004 is the fourth of 2026)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # Stored under a server-generated name: nothing of the uploader's file name reaches the disk.
    suffix = PurePosixPath(filename).suffix.lower()
    return (
        f"evidence/{instance.stored_token.hex[:2]}/{instance.stored_token.hex}{suffix}"
    )


class ComplaintPartQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> ComplaintPartQuerySet:
        """Evidence and views are seen exactly by those who may see their complaint."""
        return self.filter(complaint__in=SuperComplaint.objects.visible_to(user))


class Evidence(models.Model):
    """A file of evidence the complaint relies on (reg 4(c)), checked by content when uploaded."""

    complaint = models.ForeignKey(
        SuperComplaint, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
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

    objects = ComplaintPartQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class EligibilityView(AppendOnlyModel):
    """One decision-making authority's view on whether a complaint is eligible (reg 6), recorded by one
    of its approvers. A later view from the same authority replaces the earlier one; both are kept."""

    class View(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")

    complaint = models.ForeignKey(
        SuperComplaint, on_delete=models.PROTECT, related_name="eligibility_views"
    )
    authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind__in": DECISION_MAKING_AUTHORITIES},
    )
    view = models.CharField(_("view"), max_length=20, choices=View.choices)
    reasons = models.TextField(_("reasons"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("eligibility view")
        verbose_name_plural = _("eligibility views")

    def __str__(self) -> str:
        return f"{self.authority}: {self.get_view_display()}"
