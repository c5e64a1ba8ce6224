"""Throttles: machine clients per token, expensive endpoints per client, the public per address.
Over the limit the API answers 429 with `Retry-After`."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from api.models import ApiToken


class TokenClientThrottle(SimpleRateThrottle):
    """Requests authenticated by an API token, counted per token."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ExportThrottle(SimpleRateThrottle):
    """Exports (CSV of everything), counted per user, or per address when anonymous."""

    scope = "export"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        user = request.user
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PublicThrottle(AnonRateThrottle):
    scope = "public"
