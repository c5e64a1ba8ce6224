"""Every API error as JSON with a clear message:

    {"status": 409, "code": "conflict", "message": "…", "fields": {"reason": ["…"]}}

400 validation (with `fields`), 401 not signed in, 403 not allowed, 404 not found or not yours to
see, 409 a transition not possible in the current state or a lost race, 429 too many requests."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from workflow.transitions import LOST_RACE_MESSAGE, NOT_NOW_MESSAGE


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = NOT_NOW_MESSAGE
    default_code = "conflict"


def _django_validation(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


def translate(exc: Exception) -> Exception:
    """Map the domain's exceptions (raised by the services the pages use too) to API errors."""
    from complaints.services import StaleEdit as StaleComplaintEdit
    from investigations.services import StaleEdit as StaleReportEdit
    from recommendations.services import StaleEdit as StaleResponseEdit

    if isinstance(exc, DjangoValidationError):
        return _django_validation(exc)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(
        exc,
        ConcurrentTransition | StaleComplaintEdit | StaleReportEdit | StaleResponseEdit,
    ):
        return Conflict(LOST_RACE_MESSAGE)
    if isinstance(exc, TransitionNotAllowed):
        return Conflict(NOT_NOW_MESSAGE)
    return exc


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    body: dict[str, Any] = {
        "status": response.status_code,
        "code": getattr(exc, "default_code", "error"),
    }
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            body["code"] = codes
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["message"] = _("Some of the data is not valid; see the fields.")
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        body["fields"] = fields
    else:
        body["message"] = (
            str(detail.get("detail", detail))
            if isinstance(detail, dict)
            else str(detail)
        )
    response.data = body
    return response


def not_found(request: Any, exception: Exception | None = None) -> Any:
    """Django's 404 for a URL no view matched: JSON under /api/, the service's page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "status": 404,
                "code": "not_found",
                "message": str(exceptions.NotFound.default_detail),
            },
            status=404,
        )
    return page_not_found(request, exception)
