"""Session lifetime, response headers and the client address: what Django does not do out of the box.

- Sessions end after SESSION_COOKIE_AGE seconds without a request and SESSION_ABSOLUTE_TIMEOUT
  seconds after sign-in, whatever happens in between (OWASP ASVS 3.3.1–3.3.2).
- Every response carries a Permissions-Policy; everything a signed-in person is shown is
  `Cache-Control: no-store`, so no shared or browser cache keeps OFFICIAL-SENSITIVE pages.
- The client address for login throttling honours X-Forwarded-For only behind a known number of
  proxies (TRUSTED_PROXY_COUNT), never a header any client could forge.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


@receiver(user_logged_in)
def _stamp_sign_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Ends a signed-in session at its absolute limit and slides its idle limit forward.

    The idle limit (SESSION_COOKIE_AGE) is the session's expiry date in the session store, so an idle session is
    gone even if this middleware never sees it again. Sits after AuthenticationMiddleware and before
    LoginRequiredMiddleware, which then sends the signed-out request to the sign-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(hours)s hours. Sign in again.")
                    % {"hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600},
                )
            elif now - session.get(LAST_SEEN_AT, 0) >= settings.SESSION_TOUCH_SECONDS:
                # Saving the session moves its expiry to SESSION_COOKIE_AGE from now.
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers beyond Django's SecurityMiddleware: Permissions-Policy on everything, and no caching
    of anything shown to a signed-in person (pages, API answers, exports, PDFs, downloads)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        authenticated = _signed_in(request) or "Authorization" in request.headers
        if authenticated:
            # What is cached publicly is decided for anonymous visitors; a signed-in person's copy
            # of the same URL is private to them.
            if "Cache-Control" in response:
                del response["Cache-Control"]
            add_never_cache_headers(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    try:
        return user is not None and user.is_authenticated
    except Exception:  # noqa: BLE001 - already raised, logged and answered further in
        # The user could not be read (the database unreachable, say: the response is then the
        # 503 or 500 page). When in doubt, the response is treated as a signed-in person's.
        return True


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    outermost trusted proxy saw (X-Forwarded-For counted from the right, so a client-sent value is
    ignored)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
