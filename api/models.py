"""API tokens for machine clients. Each acts as its user, with that user's organisation and roles.

A token is shown once, when it is created; only its SHA-256 is stored (a token is 256 random bits,
so a fast hash is enough: there is nothing to guess). Its first characters are kept in clear so the
user can tell tokens apart and revoke the right one."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflow import clock

TOKEN_PREFIX = "sct_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What uses it, e.g. “Force performance dashboard”."),
    )
    lookup = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…)"

    @property
    def display_prefix(self) -> str:
        return f"{TOKEN_PREFIX}{self.lookup}"

    @classmethod
    def issue(cls, user: object, name: str) -> tuple[ApiToken, str]:
        """Create a token for `user`; return it with the secret, which is never stored or shown
        again."""
        lookup = secrets.token_hex(6)
        secret = f"{TOKEN_PREFIX}{lookup}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            user=user, name=name, lookup=lookup, key_hash=hash_token(secret)
        )
        return token, secret

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = clock.now()
            self.save(update_fields=["revoked_at"])
