from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from recommendations.models import Recommendation, RecommendationResponse
from recommendations.progress import state_labels
from workflow.admin import ReadOnlyAdmin


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["investigation", "number", "due_on"]
    list_select_related = ["investigation__complaint"]
    search_fields = ["text", "investigation__complaint__reference"]


@admin.register(RecommendationResponse)
class RecommendationResponseAdmin(ReadOnlyAdmin):
    """Responses change only through the recipients' and HMICFRS's pages."""

    list_display = ["recommendation", "organisation", "status", "due_on", "issued_at"]
    list_filter = ["state", "organisation__kind"]
    # What the columns print: a recommendation prints as its number, an organisation as its name.
    list_select_related = ["recommendation", "organisation"]
    search_fields = ["organisation__name"]
    # Newest first, by the primary key: the model's ordering joins three tables and sorts every
    # response (50,000 at `make bench` scale) to show a page of 100.
    ordering = ["-pk"]
    # "100 of 50,000" needs a second count of the whole table on every page; the filtered count
    # is enough.
    show_full_result_count = False

    @admin.display(description=_("status"), ordering="state")
    def status(self, response: RecommendationResponse) -> str:
        # The label translated once per language: `get_state_display` translates every choice
        # on each call, a hundred times a page.
        return dict(state_labels())[response.state]
