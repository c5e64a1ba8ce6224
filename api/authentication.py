"""`Authorization: Bearer sct_…` for machine clients; the browser session works as well."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.models import TOKEN_PREFIX, ApiToken, hash_token
from workflow import clock


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode(
            "latin-1", errors="replace"
        )
        if not header:
            return None
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        secret = secret.strip()
        if not secret.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("That is not an API token."))
        token = (
            ApiToken.objects.active()
            .select_related("user__organisation")
            .filter(key_hash=hash_token(secret))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("The API token is not valid or has been revoked.")
            )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # A 401, not a 403, for a request without credentials.
        return self.keyword
