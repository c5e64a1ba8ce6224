"""Organisations, the people who work in them, and the roles those people hold there."""

from __future__ import annotations

from datetime import date
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    DESIGNATED_BODY = "designated_body", _("Designated body")
    HMICFRS = "hmicfrs", _("HMICFRS")
    COLLEGE = "college", _("College of Policing")
    IOPC = "iopc", _("IOPC")
    POLICE_FORCE = "police_force", _("Police force")
    LOCAL_POLICING_BODY = "local_policing_body", _("Local policing body")
    NATIONAL_BODY = "national_body", _("National body")
    OVERSIGHT_BODY = "oversight_body", _("Oversight body")


# SI 2018/748 reg 2: the three "decision-making authorities" who decide eligibility and investigate.
DECISION_MAKING_AUTHORITIES = (
    OrganisationKind.HMICFRS,
    OrganisationKind.COLLEGE,
    OrganisationKind.IOPC,
)


class LocalPolicingBodyType(models.TextChoices):
    PCC = "pcc", _("Police and crime commissioner")
    PFCC = "pfcc", _("Police, fire and crime commissioner")
    MAYOR = "mayor", _("Mayor with police and crime commissioner functions")
    CITY_OF_LONDON = "city_of_london", _("Common Council of the City of London")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def of_kind(self, *kinds: str) -> OrganisationQuerySet:
        return self.filter(kind__in=kinds)

    def currently_designated(self, on: date) -> OrganisationQuerySet:
        return self.filter(
            kind=OrganisationKind.DESIGNATED_BODY, designated_on__lte=on
        ).filter(
            Q(designation_revoked_on__isnull=True) | Q(designation_revoked_on__gt=on)
        )

    def visible_to(self, user: User) -> OrganisationQuerySet:
        # Organisations are reference data: who they are is public record.
        return self.all()


class Organisation(models.Model):
    """A body that takes part in the super-complaints system: a designated charity, one of the three
    decision-making authorities, a police force, a local policing body, a national or oversight body."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=32, choices=OrganisationKind.choices, db_index=True
    )
    local_policing_body_type = models.CharField(
        _("type of local policing body"),
        max_length=20,
        choices=LocalPolicingBodyType.choices,
        blank=True,
    )
    police_force = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_policing_bodies",
        limit_choices_to={"kind": OrganisationKind.POLICE_FORCE},
        verbose_name=_("police force overseen"),
    )
    is_territorial_force = models.BooleanField(_("territorial force"), default=False)
    # Designation by the Home Secretary (PRA 2002 s29B; SI 2018/748 reg 3 and Schedule).
    designated_on = models.DateField(_("designated on"), null=True, blank=True)
    designation_revoked_on = models.DateField(
        _("designation revoked on"), null=True, blank=True
    )
    email = models.EmailField(_("contact e-mail"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(police_force__isnull=True)
                | Q(kind=OrganisationKind.LOCAL_POLICING_BODY),
                name="only_local_policing_bodies_oversee_a_force",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_decision_making_authority(self) -> bool:
        return self.kind in DECISION_MAKING_AUTHORITIES

    def is_designated_on(self, day: date) -> bool:
        """Whether the body may make a super-complaint on `day`: designated, and not revoked by then."""
        if self.kind != OrganisationKind.DESIGNATED_BODY or self.designated_on is None:
            return False
        if self.designated_on > day:
            return False
        return self.designation_revoked_on is None or self.designation_revoked_on > day

    def clean(self) -> None:
        if (
            self.kind == OrganisationKind.LOCAL_POLICING_BODY
            and not self.local_policing_body_type
        ):
            raise ValidationError(
                {
                    "local_policing_body_type": _(
                        "Say what type of local policing body this is."
                    )
                }
            )
        if self.designation_revoked_on and not self.designated_on:
            raise ValidationError(
                {
                    "designation_revoked_on": _(
                        "A designation can only be revoked once made."
                    )
                }
            )


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    TRIAGER = "triager", _("Triager")
    INVESTIGATOR = "investigator", _("Investigator")
    APPROVER = "approver", _("Approver")
    RECIPIENT = "recipient", _("Recipient")
    MONITOR = "monitor", _("Monitor")


# Which roles make sense in which kind of organisation (DESIGN.md "Who uses it").
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganisationKind.DESIGNATED_BODY: (Role.MEMBER,),
    OrganisationKind.HMICFRS: (
        Role.TRIAGER,
        Role.INVESTIGATOR,
        Role.APPROVER,
        Role.MONITOR,
    ),
    OrganisationKind.COLLEGE: (Role.INVESTIGATOR, Role.APPROVER, Role.RECIPIENT),
    OrganisationKind.IOPC: (Role.INVESTIGATOR, Role.APPROVER),
    OrganisationKind.POLICE_FORCE: (Role.RECIPIENT,),
    OrganisationKind.LOCAL_POLICING_BODY: (Role.RECIPIENT,),
    OrganisationKind.NATIONAL_BODY: (Role.RECIPIENT, Role.MONITOR),
    OrganisationKind.OVERSIGHT_BODY: (Role.MONITOR,),
}


class RoleGrant(models.Model):
    """One role a user holds in their organisation."""

    user = models.ForeignKey(
        "User", on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")
        ]

    def __str__(self) -> str:
        return self.get_role_display()

    def clean(self) -> None:
        organisation = self.user.organisation if self.user_id else None
        if organisation is None:
            raise ValidationError(
                _("A user needs an organisation before they can hold a role.")
            )
        if self.role not in ROLES_BY_KIND[organisation.kind]:
            raise ValidationError(
                {
                    "role": _("A %(kind)s cannot have the role “%(role)s”.")
                    % {
                        "kind": organisation.get_kind_display(),
                        "role": self.get_role_display(),
                    }
                }
            )


class User(AbstractUser):
    """A person who signs in. They belong to one organisation and hold roles there."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.pk or self.organisation_id is None:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.roles

    @property
    def organisation_kind(self) -> str | None:
        return self.organisation.kind if self.organisation_id else None
