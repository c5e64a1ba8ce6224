"""The joint investigation of an eligible super-complaint by HMICFRS, the College of Policing and the
IOPC (SI 2018/748 regs 6(5) and 8). This issue opens it; the investigation workflow builds on it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts import permissions as perms
from workflow import clock


class InvestigationQuerySet(models.QuerySet["Investigation"]):
    def visible_to(self, user: object) -> InvestigationQuerySet:
        """For now, whoever may see the complaint; the investigation issue narrows this to the team."""
        from complaints.models import SuperComplaint

        return self.filter(complaint__in=SuperComplaint.objects.visible_to(user))


class Investigation(ConcurrentTransitionMixin, models.Model):
    """Opened by an eligible decision, one per complaint."""

    class State(models.TextChoices):
        SCOPING = "scoping", _("Scoping")
        EVIDENCE_GATHERING = "evidence_gathering", _("Evidence gathering")
        ANALYSIS = "analysis", _("Analysis")
        DRAFTING = "drafting", _("Drafting")
        FACT_CHECKING = "fact_checking", _("Fact-checking")
        SIGN_OFF = "sign_off", _("Sign-off")
        PUBLISHED = "published", _("Published")
        PAUSED = "paused", _("Paused")

    complaint = models.OneToOneField(
        "complaints.SuperComplaint",
        on_delete=models.PROTECT,
        related_name="investigation",
    )
    state = FSMField(
        _("stage"), default=State.SCOPING, choices=State.choices, protected=True
    )
    opened_at = models.DateTimeField(_("opened"), default=clock.now)
    report_title = models.CharField(_("report title"), max_length=300, blank=True)
    report_published_on = models.DateField(_("report published"), null=True, blank=True)
    report_url = models.URLField(_("published report"), blank=True)

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")

    def __str__(self) -> str:
        return f"Investigation of {self.complaint}"

    @property
    def is_concluded(self) -> bool:
        """Reg 6(4): "already investigated" once the report is published."""
        return self.state == self.State.PUBLISHED

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
        self.report_url = url
