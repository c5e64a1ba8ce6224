from django.contrib import admin

from investigations.models import Investigation, PublishedReport, SignOff
from workflow.admin import ReadOnlyAdmin


@admin.register(Investigation)
class InvestigationAdmin(ReadOnlyAdmin):
    """For looking up investigations. They change only through the service's pages."""

    list_display = ["complaint", "state", "opened_at", "report_published_on"]
    list_filter = ["state"]
    list_select_related = ["complaint"]
    search_fields = ["complaint__reference", "complaint__title", "report_title"]
    exclude = ["draft_contributors"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = [
        "investigation",
        "authority",
        "approved_by",
        "approved_at",
        "voided_at",
    ]
    list_select_related = ["investigation__complaint", "authority", "approved_by"]


@admin.register(PublishedReport)
class PublishedReportAdmin(ReadOnlyAdmin):
    list_display = ["investigation", "published_at", "content_hash"]
    list_select_related = ["investigation__complaint"]
