from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from complaints.models import EligibilityView, Evidence, SuperComplaint


@admin.register(SuperComplaint)
class SuperComplaintAdmin(admin.ModelAdmin):
    """For looking up complaints. Their content and state change only through the service's pages."""

    list_display = [
        "reference",
        "title",
        "organisation",
        "state",
        "received_at",
        "acknowledgement_due_on",
    ]
    list_filter = ["state", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["reference", "title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EligibilityView)
class EligibilityViewAdmin(SuperComplaintAdmin):
    list_display = ["complaint", "authority", "view", "recorded_by", "recorded_at"]
    list_filter = ["view", "authority"]
    list_select_related = ["complaint", "authority", "recorded_by"]
    search_fields = ["complaint__reference"]


@admin.register(Evidence)
class EvidenceAdmin(SuperComplaintAdmin):
    list_display = ["original_name", "complaint", "kind_label", "size", "uploaded_at"]
    list_filter = ["kind_label"]
    list_select_related = ["complaint"]
    search_fields = ["original_name", "complaint__reference"]
