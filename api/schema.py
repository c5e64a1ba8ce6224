"""The error responses, documented once and attached to every operation that can return them."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


def _error(
    name: str, description: str, *, with_fields: bool = False
) -> OpenApiResponse:
    fields: dict[str, serializers.Field] = {
        "status": serializers.IntegerField(),
        "code": serializers.CharField(),
        "message": serializers.CharField(),
    }
    if with_fields:
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Messages per field; `non_field_errors` for the whole request.",
        )
    return OpenApiResponse(
        response=inline_serializer(name=name, fields=fields), description=description
    )


VALIDATION = _error("ValidationError", "The data is not valid.", with_fields=True)
UNAUTHENTICATED = _error(
    "Unauthenticated", "No valid session or API token (`WWW-Authenticate: Bearer`)."
)
FORBIDDEN = _error("Forbidden", "Signed in, but not allowed to do this.")
NOT_FOUND = _error("NotFound", "Not found, or not yours to see.")
CONFLICT = _error(
    "Conflict",
    "Not possible in the object's current state, or someone else changed it first.",
)
THROTTLED = _error("Throttled", "Too many requests; see `Retry-After`.")

ERRORS_AUTHENTICATED = {401: UNAUTHENTICATED, 403: FORBIDDEN, 429: THROTTLED}
ERRORS_READ = {**ERRORS_AUTHENTICATED, 404: NOT_FOUND}
ERRORS_WRITE = {**ERRORS_READ, 400: VALIDATION, 409: CONFLICT}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Bearer sct_…` in the schema (loaded by `api.apps`)."""

    target_class = "api.authentication.BearerTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from /account/api-tokens/, e.g. `Bearer sct_…`.",
        }
