"""The public API (`/api/v1/public/`): the tracker's published material as JSON and CSV, with no
login. Read-only, throttled per address, cacheable by a CDN for five minutes.

Every row comes from the tracker's own rules (`recommendations.views.tracker`): the same
queries, the same filters and the same `PublicResponse`, which leaves a response's text and outcome
out until it is published. Drafts, action plans, extension requests and evidence files are never
read here at all.

JSON lists are paginated (`?page=`). CSV (`?format=csv` or `Accept: text/csv`) is every matching
row in one file, like the tracker's open data; as an export it also counts against the `export`
rate. Errors are always JSON (`{status, code, message, fields?}`). Any method but GET, HEAD and
OPTIONS is a 405, whoever asks: there is nothing here to write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, mixins, serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from accounts.models import OrganisationKind
from api.renderers import CSVRenderer
from api.schema import NOT_FOUND, THROTTLED, VALIDATION
from api.throttling import ExportThrottle, PublicThrottle
from investigations.models import PublishedReport
from recommendations.models import ProgressUpdate, RecommendationResponse
from recommendations.views.tracker import (
    MAX_FILTER_LENGTH,
    PublicResponse,
    RecommendationSummary,
    TrackerFilters,
    public_responses,
    recommendations_with,
    summarise,
    with_public_details,
)

State = RecommendationResponse.State
Outcome = RecommendationResponse.Outcome
# How long a CDN or browser may keep a public answer: as long as the tracker's pages.
MAX_AGE = 300
F = TypeVar("F", bound=Callable[..., Any])


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


# --- Filters: the tracker's, validated and documented ---------------------------------------------
def _text(help_text: str) -> serializers.CharField:
    # DRF's CharField also refuses NUL characters, which PostgreSQL cannot compare.
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_FILTER_LENGTH,
        help_text=help_text,
    )


class PublicFiltersSerializer(serializers.Serializer):
    """The tracker's filters. A force and a PCC given together select both (a force area's
    responses); every other filter narrows. On reports, recommendations and updates they select
    those with at least one matching response."""

    force = _text("A police force, by its slug, e.g. `kent-police`.")
    pcc = _text(
        "A police and crime commissioner (or equivalent), by its slug, e.g. "
        "`kent-police-and-crime-commissioner`."
    )
    state = serializers.ChoiceField(
        choices=State.choices,
        required=False,
        allow_blank=True,
        help_text="The response's stage.",
    )
    complaint = _text("A super-complaint's reference, e.g. `SC-2026-004`.")
    q = _text(
        "Words in the published report, the recommendation, the published response or its "
        "progress updates (never a draft)."
    )


FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description=(
        "`csv` for CSV (as `Accept: text/csv`): every matching row in one file, formulas "
        "neutralised; it also counts against the export rate."
    ),
)
CACHE_HEADERS = [
    OpenApiParameter(
        "Cache-Control",
        str,
        OpenApiParameter.HEADER,
        response=[200],
        description=f"`public, max-age={MAX_AGE}`: a CDN may keep the answer for five minutes.",
    ),
    OpenApiParameter(
        "Vary",
        str,
        OpenApiParameter.HEADER,
        response=[200],
        description="`Accept`: JSON and CSV are cached apart.",
    ),
]
JSON = "application/json"
ERRORS_LIST = {(400, JSON): VALIDATION, (404, JSON): NOT_FOUND, (429, JSON): THROTTLED}
ERRORS_DETAIL = {(404, JSON): NOT_FOUND, (429, JSON): THROTTLED}
REFERENCE = OpenApiParameter(
    "reference",
    str,
    OpenApiParameter.PATH,
    pattern=r"^[-a-zA-Z0-9_]+$",
    description="The super-complaint's reference, e.g. `SC-2026-004`.",
)
RESPONSE_ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 0},
    OpenApiParameter.PATH,
    description="The response's `id`, as in the list.",
)
CSV_LIST = OpenApiResponse(
    OpenApiTypes.STR, description="CSV: a header row, then every matching row."
)
CSV_ONE = OpenApiResponse(
    OpenApiTypes.STR, description="CSV: a header row and one row."
)


def public_list(
    name: str, serializer: type[serializers.Serializer], **kwargs: Any
) -> Callable[[F], F]:
    return extend_schema(
        operation_id=f"public_{name}_list",
        tags=["public"],
        parameters=[PublicFiltersSerializer, FORMAT, *CACHE_HEADERS],
        responses={
            (200, JSON): serializer,
            (200, CSVRenderer.media_type): CSV_LIST,
            **ERRORS_LIST,
        },
        **kwargs,
    )


def public_detail(
    name: str,
    serializer: type[serializers.Serializer],
    lookup: OpenApiParameter,
    **kwargs: Any,
) -> Callable[[F], F]:
    return extend_schema(
        operation_id=f"public_{name}_retrieve",
        tags=["public"],
        parameters=[lookup, FORMAT, *CACHE_HEADERS],
        responses={
            (200, JSON): serializer,
            (200, CSVRenderer.media_type): CSV_ONE,
            **ERRORS_DETAIL,
        },
        **kwargs,
    )


# --- What each endpoint shows -----------------------------------------------------------------------
class PublicReportLinksSerializer(serializers.Serializer):
    tracker = serializers.URLField(
        help_text="The report's recommendations on the tracker."
    )
    report = serializers.URLField(help_text="The published report's page.")
    pdf = serializers.URLField(help_text="The published report as a PDF.")
    recommendations = serializers.URLField(
        help_text="Its recommendations, in this API."
    )
    responses = serializers.URLField(help_text="The responses to them, in this API.")


class PublicReportSerializer(serializers.Serializer):
    reference = serializers.CharField(
        source="investigation.complaint.reference",
        help_text="The super-complaint, e.g. `SC-2026-004`.",
    )
    title = serializers.SerializerMethodField()
    designated_body = serializers.SerializerMethodField()
    published_on = serializers.DateField(source="investigation.report_published_on")
    summary = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    def get_title(self, report: PublishedReport) -> str:
        return report.snapshot.get("title") or report.investigation.report_title

    def get_designated_body(self, report: PublishedReport) -> str:
        """The designated body that made the super-complaint."""
        return report.snapshot.get("designated_body", "")

    def get_summary(self, report: PublishedReport) -> str:
        """The summary as published, withheld passages already taken out."""
        return report.snapshot.get("summary", "")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_original_url(self, report: PublishedReport) -> str | None:
        """Where a report published before this service existed was published, if known."""
        return report.investigation.report_url or None

    @extend_schema_field(PublicReportLinksSerializer)
    def get_links(self, report: PublishedReport) -> dict[str, str]:
        request = self.context["request"]
        reference = report.investigation.complaint.reference
        api_query = "?" + urlencode({"complaint": reference})
        return {
            "tracker": _absolute(request, "tracker:complaint", reference),
            "report": _absolute(request, "public:report", reference),
            "pdf": _absolute(request, "public:report_pdf", reference),
            "recommendations": _absolute(request, "api:public-recommendations")
            + api_query,
            "responses": _absolute(request, "api:public-responses") + api_query,
        }


class RecipientCountsSerializer(serializers.Serializer):
    """How many of the recommendation's (matching) recipients are at each stage."""

    awaiting_response = serializers.IntegerField()
    response_published = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    implementation_reported = serializers.IntegerField()
    verified = serializers.IntegerField()
    total = serializers.IntegerField()

    def to_representation(self, summary: RecommendationSummary) -> dict[str, int]:
        return {
            **dict(zip(State.values, summary.counts, strict=True)),
            "total": summary.total,
        }


class PublicRecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="recommendation.pk")
    complaint_reference = serializers.CharField(
        source="recommendation.investigation.complaint.reference"
    )
    report_title = serializers.CharField(
        source="recommendation.investigation.report_title"
    )
    report_published_on = serializers.DateField(
        source="recommendation.investigation.report_published_on"
    )
    number = serializers.IntegerField(
        source="recommendation.number", help_text="Its number in the report."
    )
    text = serializers.CharField(source="recommendation.text")
    due_on = serializers.DateField(
        source="recommendation.due_on",
        allow_null=True,
        help_text="The date the report set for it to be done, if any.",
    )
    recipients = RecipientCountsSerializer(source="*")
    tracker_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_tracker_url(self, summary: RecommendationSummary) -> str:
        reference = summary.recommendation.investigation.complaint.reference
        return _absolute(self.context["request"], "tracker:complaint", reference)


class PublicResponseSerializer(serializers.Serializer):
    """One recipient's response to one recommendation: the tracker's open data, field for field.
    The outcome and text stay empty until the response is published."""

    id = serializers.IntegerField(source="pk")
    url = serializers.SerializerMethodField()
    complaint_reference = serializers.CharField()
    report_title = serializers.CharField()
    report_published_on = serializers.DateField(allow_null=True)
    recommendation_number = serializers.IntegerField()
    recommendation_text = serializers.CharField()
    organisation = serializers.CharField(
        help_text="The organisation that must respond."
    )
    organisation_kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    state = serializers.ChoiceField(choices=State.choices)
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        allow_blank=True,
        help_text="Empty until the response is published.",
    )
    due_on = serializers.DateField(
        help_text="When the response is due (moved by any extension)."
    )
    response_published_on = serializers.DateField(
        source="published_on",
        allow_null=True,
        help_text="Empty (null) until the response is published.",
    )
    response_text = serializers.CharField(
        source="text",
        allow_blank=True,
        help_text="Empty until the response is published.",
    )
    joint_with = serializers.CharField(
        allow_blank=True,
        help_text="The organisation it answered jointly with, once published.",
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, row: dict[str, Any]) -> str:
        """The response's page on the tracker."""
        return _absolute(self.context["request"], "tracker:response", row["pk"])


class PublicUpdateItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    posted_at = serializers.DateTimeField()


class PublicResponseDetailSerializer(PublicResponseSerializer):
    updates = PublicUpdateItemSerializer(
        many=True, help_text="Its progress updates, oldest first."
    )


class PublicUpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    posted_at = serializers.DateTimeField()
    response_id = serializers.IntegerField()
    organisation = serializers.CharField(source="response.organisation.name")
    complaint_reference = serializers.CharField(
        source="response.recommendation.investigation.complaint.reference"
    )
    recommendation_number = serializers.IntegerField(
        source="response.recommendation.number"
    )
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, update: ProgressUpdate) -> str:
        """The update on its response's page on the tracker."""
        page = _absolute(
            self.context["request"], "tracker:response", update.response_id
        )
        return f"{page}#update-{update.pk}"


# --- Views ------------------------------------------------------------------------------------------
class PublicView(generics.GenericAPIView):
    """No login and no cookies (so no CSRF), GET only, throttled per address; answers a CDN may
    cache; errors in JSON whatever format was asked for."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends: list[type] = []
    http_method_names = ["get", "head", "options"]

    def wants_csv(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return isinstance(renderer, CSVRenderer)

    def get_throttles(self) -> list[BaseThrottle]:
        throttles: list[BaseThrottle] = [PublicThrottle()]
        if self.wants_csv():
            throttles.append(ExportThrottle())
        return throttles

    def filters(self) -> TrackerFilters:
        given = PublicFiltersSerializer(data=self.request.query_params)
        given.is_valid(raise_exception=True)
        return TrackerFilters(**given.validated_data)

    def matching_responses(self) -> QuerySet[RecommendationResponse]:
        return self.filters().apply(public_responses())

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # `{status, code, message}` means nothing as a CSV row: errors are JSON, as documented.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # LoginRequiredMiddleware looked at the session, which would add `Vary: Cookie` and split
        # a CDN's cache per visitor; nothing here depends on who is asking.
        session = getattr(request._request, "session", None)
        if session is not None:
            session.accessed = False
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=MAX_AGE)
        else:
            # Never let a CDN hand one client's 429 (or a 404) to everyone.
            patch_cache_control(response, no_store=True)
        return response


class PublicListView(mixins.ListModelMixin, PublicView):
    def paginate_queryset(self, queryset: QuerySet) -> list | None:
        # CSV is the whole export, like the tracker's open data; JSON comes a page at a time.
        if self.wants_csv():
            return None
        return super().paginate_queryset(queryset)

    def rows(self, objects: Any) -> list:
        """What the serializer shows for each object of the page."""
        return list(objects)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        data = self.get_serializer(
            self.rows(queryset if page is None else page), many=True
        ).data
        if page is None:
            return Response(data)
        return self.get_paginated_response(data)


class ReportList(PublicListView):
    serializer_class = PublicReportSerializer

    def get_queryset(self) -> QuerySet[PublishedReport]:
        reports = PublishedReport.objects.select_related(
            "investigation__complaint"
        ).order_by("-investigation__report_published_on", "-investigation_id")
        filters = self.filters()
        if filters.active:
            matching = filters.apply(public_responses())
            reports = reports.filter(
                investigation_id__in=matching.values("recommendation__investigation_id")
            )
        return reports

    @public_list(
        "reports",
        PublicReportSerializer,
        summary="Published super-complaint reports",
        description="Newest first. With filters: the reports with a matching response.",
    )
    def get(self, request: Request) -> Response:
        return self.list(request)


class ReportDetail(PublicView):
    serializer_class = PublicReportSerializer

    @public_detail(
        "report",
        PublicReportSerializer,
        REFERENCE,
        summary="One published report, by its super-complaint's reference",
        description="Not found (404) until the report is published.",
    )
    def get(self, request: Request, reference: str) -> Response:
        report = generics.get_object_or_404(
            PublishedReport.objects.select_related("investigation__complaint"),
            investigation__complaint__reference=reference,
        )
        return Response(self.get_serializer(report).data)


class RecommendationList(PublicListView):
    serializer_class = PublicRecommendationSerializer

    def get_queryset(self) -> QuerySet:
        self.matching = self.matching_responses()
        return recommendations_with(self.matching)

    def rows(self, objects: Any) -> list[RecommendationSummary]:
        return summarise(objects, self.matching)

    @public_list(
        "recommendations",
        PublicRecommendationSerializer,
        summary="Recommendations of published reports, with their recipients' stages",
        description=(
            "As on the tracker's front page: each recommendation with a matching response, and "
            "how many of its matching recipients are at each stage."
        ),
    )
    def get(self, request: Request) -> Response:
        return self.list(request)


class ResponseList(PublicListView):
    serializer_class = PublicResponseSerializer

    def get_queryset(self) -> QuerySet[RecommendationResponse]:
        return with_public_details(self.matching_responses())

    def rows(self, objects: Any) -> list[dict[str, Any]]:
        return [dataclasses.asdict(PublicResponse.of(found)) for found in objects]

    @public_list(
        "responses",
        PublicResponseSerializer,
        summary="Each recipient's response to each recommendation",
        description=(
            "The tracker's open data. A response's outcome and text are empty until it is "
            "published; drafts, action plans, extension requests and evidence are never shown."
        ),
    )
    def get(self, request: Request) -> Response:
        return self.list(request)


class ResponseDetail(PublicView):
    serializer_class = PublicResponseDetailSerializer

    @public_detail(
        "response",
        PublicResponseDetailSerializer,
        RESPONSE_ID,
        summary="One response, with its progress updates",
        description=(
            "As on its tracker page: the outcome and text are empty until the response is "
            "published. Not found (404) unless its report is published."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        found = generics.get_object_or_404(
            with_public_details(public_responses()), pk=pk
        )
        # Only the text and date of each update: its evidence files are never public.
        updates = ProgressUpdate.objects.filter(response=found).only(
            "pk", "text", "posted_at"
        )
        row = {
            **dataclasses.asdict(PublicResponse.of(found)),
            "updates": [
                {"id": u.pk, "text": u.text, "posted_at": u.posted_at} for u in updates
            ],
        }
        return Response(self.get_serializer(row).data)


class UpdateList(PublicListView):
    serializer_class = PublicUpdateSerializer

    def get_queryset(self) -> QuerySet[ProgressUpdate]:
        # The text and date only: an update's evidence files are never public.
        return (
            ProgressUpdate.objects.filter(
                response__in=self.matching_responses().values("pk")
            )
            .select_related(
                "response__organisation",
                "response__recommendation__investigation__complaint",
            )
            .order_by("-posted_at", "-pk")
        )

    @public_list(
        "updates",
        PublicUpdateSerializer,
        summary="Progress updates on implementing recommendations",
        description=(
            "Newest first; published when posted. The filters select the responses whose "
            "updates are shown."
        ),
    )
    def get(self, request: Request) -> Response:
        return self.list(request)


urlpatterns = [
    path("reports/", ReportList.as_view(), name="public-reports"),
    path("reports/<slug:reference>/", ReportDetail.as_view(), name="public-report"),
    path(
        "recommendations/",
        RecommendationList.as_view(),
        name="public-recommendations",
    ),
    path("responses/", ResponseList.as_view(), name="public-responses"),
    path("responses/<int:pk>/", ResponseDetail.as_view(), name="public-response"),
    path("updates/", UpdateList.as_view(), name="public-updates"),
]
