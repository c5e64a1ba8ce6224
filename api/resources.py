"""`/api/v1/<resource>/`: organisations, complaints, investigations, recommendations and responses.

Every list and detail starts from `Model.objects.visible_to(request.user)`, so the API shows exactly
what the pages show and anything else is a 404. Every write goes through the service the page uses
(`start_draft`/`update_draft`, `update_report`, `save_response_draft`); only the fields those
services take can be sent, and a stale `version` is a 409."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer

from accounts import permissions as perms
from accounts.models import Organisation
from api import filters, serializers
from api.schema import ERRORS_READ, ERRORS_WRITE, VALIDATION
from complaints import services as complaint_services
from complaints.models import SuperComplaint
from investigations import services as investigation_services
from investigations.models import Investigation
from recommendations import services as response_services
from recommendations.models import Recommendation, RecommendationResponse
from workflow import clock

# A list can also refuse a filter value it cannot read.
ERRORS_LIST = {**ERRORS_READ, 400: VALIDATION}


class Pages(PageNumberPagination):
    """`?page=2`; `?page_size=` up to 200 (50 by default)."""

    page_size_query_param = "page_size"
    max_page_size = 200


class ReadViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pagination_class = Pages
    detail_serializer_class: type[BaseSerializer]

    def detail_data(self, pk: int) -> Any:
        """The object as `retrieve` shows it, read again after a write."""
        instance = self.get_queryset().get(pk=pk)
        serializer_class = self.detail_serializer_class
        return serializer_class(instance, context=self.get_serializer_context()).data


# --- Organisations ---------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Organisations: designated bodies, authorities, forces, policing bodies",
        responses={200: serializers.OrganisationSerializer, **ERRORS_LIST},
    ),
    retrieve=extend_schema(
        summary="One organisation",
        responses={200: serializers.OrganisationSerializer, **ERRORS_READ},
    ),
)
class OrganisationViewSet(ReadViewSet):
    """Reference data: public record, but the API still needs a signed-in caller."""

    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter

    def get_queryset(self) -> QuerySet[Organisation]:
        return Organisation.objects.visible_to(self.request.user).select_related(
            "police_force"
        )


# --- Complaints ------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Super-complaints you may see",
        description=(
            "A designated body's members see their own body's complaints, drafts included; the "
            "authorities' staff and monitors see every complaint once submitted."
        ),
        responses={200: serializers.ComplaintSerializer, **ERRORS_LIST},
    ),
    retrieve=extend_schema(
        summary="One super-complaint, as its page shows it",
        responses={200: serializers.ComplaintDetailSerializer, **ERRORS_READ},
    ),
    create=extend_schema(
        summary="Start a draft super-complaint for your designated body",
        description="Designated bodies' members only. Evidence is attached in the service.",
        request=serializers.ComplaintDraftSerializer,
        responses={201: serializers.ComplaintDetailSerializer, **ERRORS_WRITE},
    ),
    partial_update=extend_schema(
        summary="Edit your body's draft super-complaint",
        description=(
            "Send the `version` you read: if the draft changed since, nothing is saved and the "
            "answer is 409. Only a draft can be edited, by its own body."
        ),
        request=serializers.ComplaintDraftEditSerializer,
        responses={200: serializers.ComplaintDetailSerializer, **ERRORS_WRITE},
    ),
)
class ComplaintViewSet(ReadViewSet):
    filterset_class = filters.ComplaintFilter
    detail_serializer_class = serializers.ComplaintDetailSerializer

    def get_queryset(self) -> QuerySet[SuperComplaint]:
        complaints = SuperComplaint.objects.visible_to(
            self.request.user
        ).select_related("organisation")
        if self.action == "list":
            return complaints
        return complaints.select_related("repeats", "investigation").prefetch_related(
            "evidence", "forces_concerned", "investigation__progress_reports"
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "list":
            return serializers.ComplaintSerializer
        if self.action == "create":
            return serializers.ComplaintDraftSerializer
        if self.action == "partial_update":
            return serializers.ComplaintDraftEditSerializer
        return serializers.ComplaintDetailSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not perms.can_start_complaint(request.user):
            raise PermissionDenied
        draft = serializers.ComplaintDraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        data = draft.validated_data
        with transaction.atomic():
            complaint = complaint_services.start_draft(by=request.user)
            complaint_services.update_draft(
                complaint,
                by=request.user,
                data=data,
                forces=data.get("forces_concerned", []),
                expected_version=complaint.version,
            )
        return Response(self.detail_data(complaint.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        complaint = self.get_object()
        if not perms.can_edit_draft(request.user, complaint):
            raise PermissionDenied
        edit = serializers.ComplaintDraftEditSerializer(data=request.data)
        edit.is_valid(raise_exception=True)
        data = edit.validated_data
        complaint_services.update_draft(
            complaint,
            by=request.user,
            data=data,
            forces=data.get("forces_concerned", list(complaint.forces_concerned.all())),
            expected_version=data["version"],
        )
        return Response(self.detail_data(complaint.pk))


# --- Investigations --------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Investigations you may see",
        description="The team named on each investigation sees it; monitors see every one.",
        responses={200: serializers.InvestigationSerializer, **ERRORS_LIST},
    ),
    retrieve=extend_schema(
        summary="One investigation, with its team and the report as drafted",
        responses={200: serializers.InvestigationDetailSerializer, **ERRORS_READ},
    ),
    partial_update=extend_schema(
        summary="Edit the report's text",
        description=(
            "The lead and investigators on the team, while the report is drafted, fact-checked or "
            "signed off. Send the `version` you read: if the report changed since, nothing is "
            "saved and the answer is 409. Any change voids the sign-offs already given."
        ),
        request=serializers.ReportDraftEditSerializer,
        responses={200: serializers.InvestigationDetailSerializer, **ERRORS_WRITE},
    ),
)
class InvestigationViewSet(ReadViewSet):
    filterset_class = filters.InvestigationFilter
    detail_serializer_class = serializers.InvestigationDetailSerializer

    def get_queryset(self) -> QuerySet[Investigation]:
        investigations = Investigation.objects.visible_to(
            self.request.user
        ).select_related("complaint__organisation")
        if self.action == "list":
            return investigations
        return investigations.prefetch_related("team__user__organisation")

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "list":
            return serializers.InvestigationSerializer
        if self.action == "partial_update":
            return serializers.ReportDraftEditSerializer
        return serializers.InvestigationDetailSerializer

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        investigation = self.get_object()
        if not perms.can_work_on(request.user, investigation):
            raise PermissionDenied
        edit = serializers.ReportDraftEditSerializer(data=request.data)
        edit.is_valid(raise_exception=True)
        investigation_services.update_report(
            investigation,
            by=request.user,
            data=edit.validated_data,
            expected_version=edit.validated_data["version"],
        )
        return Response(self.detail_data(investigation.pk))


# --- Recommendations -------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Recommendations you may see",
        description=(
            "Those of published reports, for anyone signed in; those still in a draft report, for "
            "whoever sees the investigation."
        ),
        responses={200: serializers.RecommendationSerializer, **ERRORS_LIST},
    ),
    retrieve=extend_schema(
        summary="One recommendation",
        responses={200: serializers.RecommendationSerializer, **ERRORS_READ},
    ),
)
class RecommendationViewSet(ReadViewSet):
    serializer_class = serializers.RecommendationSerializer
    filterset_class = filters.RecommendationFilter

    def get_queryset(self) -> QuerySet[Recommendation]:
        return (
            Recommendation.objects.visible_to(self.request.user)
            .select_related("investigation__complaint")
            .prefetch_related("named_recipients")
            .annotate(published_report_id=F("investigation__published_report"))
        )


# --- Responses to recommendations ------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Responses to recommendations you may see",
        description=(
            "A recipient sees its own organisation's responses; a designated body those to its own "
            "complaints' recommendations; the authorities' staff and monitors all of them. A "
            "response's outcome and text are null until published, except for the recipient."
        ),
        responses={200: serializers.RecommendationResponseSerializer, **ERRORS_LIST},
    ),
    retrieve=extend_schema(
        summary="One response to a recommendation",
        responses={200: serializers.RecommendationResponseSerializer, **ERRORS_READ},
    ),
    partial_update=extend_schema(
        summary="Edit your organisation's draft response",
        description=(
            "The recipient, before the response is published (publishing is a transition). Send "
            "the `version` you read: if the draft changed since, nothing is saved and the answer "
            "is 409."
        ),
        request=serializers.ResponseDraftEditSerializer,
        responses={200: serializers.RecommendationResponseSerializer, **ERRORS_WRITE},
    ),
)
class ResponseViewSet(ReadViewSet):
    filterset_class = filters.ResponseFilter
    detail_serializer_class = serializers.RecommendationResponseSerializer

    def get_queryset(self) -> QuerySet[RecommendationResponse]:
        return RecommendationResponse.objects.visible_to(
            self.request.user
        ).select_related(
            "recommendation__investigation__complaint", "organisation", "joint_with"
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "partial_update":
            return serializers.ResponseDraftEditSerializer
        return serializers.RecommendationResponseSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": clock.today()}

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = self.get_object()
        if not perms.can_respond(request.user, response):
            raise PermissionDenied
        edit = serializers.ResponseDraftEditSerializer(data=request.data)
        edit.is_valid(raise_exception=True)
        data = edit.validated_data
        response_services.save_response_draft(
            response,
            by=request.user,
            outcome=data.get("outcome", response.outcome),
            text=data.get("response_text", response.response_text),
            expected_version=data["version"],
        )
        return Response(self.detail_data(response.pk))


router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("investigations", InvestigationViewSet, basename="investigation")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("responses", ResponseViewSet, basename="response")

urlpatterns = router.urls
