"""Query-string filters of the API's lists. They narrow what the caller may already see; they never
widen it (each list starts from `visible_to(user)`)."""

from __future__ import annotations

import django_filters
from django import forms

from accounts.models import Organisation, OrganisationKind
from complaints.models import SuperComplaint
from investigations.models import Investigation
from recommendations.models import (
    Recommendation,
    RecommendationResponse,
    ResponseQuerySet,
)
from workflow import clock


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number that fits the database's integer (a bad one is a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)

    class Meta:
        model = Organisation
        fields = ["kind"]


class ComplaintFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SuperComplaint.State.choices)
    organisation = IdFilter(
        field_name="organisation_id", label="Id of the designated body"
    )

    class Meta:
        model = SuperComplaint
        fields = ["state", "organisation"]


class InvestigationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Investigation.State.choices)

    class Meta:
        model = Investigation
        fields = ["state"]


class RecommendationFilter(django_filters.FilterSet):
    investigation = IdFilter(
        field_name="investigation_id", label="Id of the investigation"
    )

    class Meta:
        model = Recommendation
        fields = ["investigation"]


class ResponseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=RecommendationResponse.State.choices)
    organisation = IdFilter(
        field_name="organisation_id", label="Id of the recipient organisation"
    )
    recommendation = IdFilter(
        field_name="recommendation_id", label="Id of the recommendation"
    )
    investigation = IdFilter(
        field_name="recommendation__investigation_id", label="Id of the investigation"
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Only overdue responses (true) or only those not overdue (false)",
    )

    class Meta:
        model = RecommendationResponse
        fields = ["state", "organisation", "recommendation", "investigation", "overdue"]

    def filter_overdue(
        self, queryset: ResponseQuerySet, name: str, value: bool | None
    ) -> ResponseQuerySet:
        if value is None:
            return queryset
        overdue = queryset.overdue(clock.today())
        if value:
            return overdue
        return queryset.exclude(pk__in=overdue.values("pk"))
