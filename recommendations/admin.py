from django.contrib import admin

from recommendations.models import Recommendation, RecommendationResponse
from workflow.admin import ReadOnlyAdmin


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["investigation", "number", "due_on"]
    list_select_related = ["investigation__complaint"]
    search_fields = ["text", "investigation__complaint__reference"]


@admin.register(RecommendationResponse)
class RecommendationResponseAdmin(ReadOnlyAdmin):
    """Responses change only through the recipients' and HMICFRS's pages."""

    list_display = ["recommendation", "organisation", "state", "due_on", "issued_at"]
    list_filter = ["state", "organisation__kind"]
    list_select_related = ["recommendation__investigation__complaint", "organisation"]
    search_fields = ["organisation__name"]
    # Newest first, by the primary key: the model's ordering joins three tables and sorts every
    # response (50,000 at `make bench` scale) to show a page of 100.
    ordering = ["-pk"]
