"""`GET /api/v1/me/`: who the caller is, as the API sees it — the first call to make with a token."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import ERRORS_AUTHENTICATED


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField(allow_null=True)
    organisation_kind = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    authenticated_by = serializers.ChoiceField(choices=["session", "token"])


class MeView(APIView):
    @extend_schema(
        operation_id="me",
        responses={200: MeSerializer, **ERRORS_AUTHENTICATED},
        summary="The calling user, their organisation and roles",
    )
    def get(self, request: Request) -> Response:
        user = request.user
        organisation = user.organisation
        data = {
            "username": user.username,
            "name": user.get_full_name(),
            "organisation": organisation.name if organisation else None,
            "organisation_kind": organisation.kind if organisation else None,
            "roles": sorted(user.roles),
            "authenticated_by": "session" if request.auth is None else "token",
        }
        return Response(MeSerializer(data).data)
