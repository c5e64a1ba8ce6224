from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from workflow import services
from workflow.models import DueDateChange, ExtraHoliday, TransitionLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """The log can be read, never added to, changed or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "content_type",
        "object_id",
        "transition",
        "source",
        "target",
        "by",
        "organisation",
    ]
    list_filter = ["content_type", "transition", "target"]
    list_select_related = ["content_type", "by", "organisation"]
    date_hierarchy = "at"
    readonly_fields = ["prev_hash", "row_hash"]


@admin.register(DueDateChange)
class DueDateChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "content_type",
        "object_id",
        "deadline",
        "old_date",
        "new_date",
        "reason",
    ]


@admin.register(ExtraHoliday)
class ExtraHolidayAdmin(admin.ModelAdmin):
    """Adding or removing a one-off holiday recomputes open due dates and logs each move."""

    list_display = ["day", "name", "created_at"]
    fields = ["day", "name"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Change = remove and add again, so each move of a due date is explained.
        return False

    def save_model(
        self, request: HttpRequest, obj: ExtraHoliday, form: Any, change: bool
    ) -> None:
        holiday, moved = services.add_extra_holiday(day=obj.day, name=obj.name)
        obj.pk = holiday.pk
        messages.info(request, f"{moved} due date(s) recomputed.")

    def delete_model(self, request: HttpRequest, obj: ExtraHoliday) -> None:
        moved = services.remove_extra_holiday(obj)
        messages.info(request, f"{moved} due date(s) recomputed.")

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for holiday in queryset:
            self.delete_model(request, holiday)
