"""What a person sees when the server fails.

A database that cannot be reached for a moment (restarting, failing over, a lock that timed out)
is a 503 with Retry-After: the request may well work if repeated, and a client or a load balancer
can tell that from a fault in the code (a 500). Both are logged in full by Django, as before. The
pages are rendered without the request, so that nothing on them reads the database (the user, the
session) again.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return django_server_error(request)
    message = _("The service is unavailable for a moment. Try again in a few seconds.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"status": 503, "code": "unavailable", "message": message}, status=503
        )
    else:
        response = HttpResponse(
            loader.get_template("503.html").render({"message": message}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
