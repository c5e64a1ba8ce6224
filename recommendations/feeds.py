"""Atom feeds of the public tracker: newly published reports, newly published responses and
progress updates. Published material only, each item linking to its tracker page.

`django.contrib.syndication` needs no INSTALLED_APPS entry, and without `django.contrib.sites` the
feed takes its domain from the request (`get_current_site` falls back to `RequestSite`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from investigations.models import PublishedReport
from recommendations.models import ProgressUpdate, RecommendationResponse
from recommendations.views.tracker import (
    PublicResponse,
    public_responses,
    with_public_details,
)

FEED_LENGTH = 50


def _as_html(text: str) -> str:
    # Atom readers treat a summary as HTML: escape the plain text, keep its paragraphs.
    return linebreaks(text, autoescape=True)


class ReportsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Super-complaint reports published")
    subtitle = gettext_lazy(
        "Reports of HMICFRS, the College of Policing and the IOPC on super-complaints, "
        "as they are published."
    )

    def link(self) -> str:
        return reverse("tracker:index")

    def items(self) -> QuerySet[PublishedReport]:
        return PublishedReport.objects.select_related(
            "investigation__complaint"
        ).order_by("-published_at", "-pk")[:FEED_LENGTH]

    def item_title(self, item: PublishedReport) -> str:
        return item.snapshot.get("title") or item.investigation.report_title

    def item_description(self, item: PublishedReport) -> str:
        # The summary as published: withheld passages were taken out of the snapshot.
        return _as_html(item.snapshot.get("summary", ""))

    def item_link(self, item: PublishedReport) -> str:
        return reverse(
            "tracker:complaint", args=[item.investigation.complaint.reference]
        )

    def item_pubdate(self, item: PublishedReport) -> datetime:
        return item.published_at


class ResponsesFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Responses to super-complaint recommendations")
    subtitle = gettext_lazy(
        "Police forces', police and crime commissioners' and national bodies' responses to "
        "the recommendations of super-complaint reports, as they are published."
    )

    def link(self) -> str:
        return reverse("tracker:index")

    def items(self) -> list[RecommendationResponse]:
        return list(
            with_public_details(public_responses())
            .filter(published_at__isnull=False)
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item: RecommendationResponse) -> str:
        public = PublicResponse.of(item)
        return _(
            "%(organisation)s: %(outcome)s, recommendation %(number)s of “%(title)s”"
        ) % {
            "organisation": public.organisation,
            "outcome": public.outcome_label,
            "number": public.recommendation_number,
            "title": public.report_title,
        }

    def item_description(self, item: RecommendationResponse) -> str:
        return _as_html(PublicResponse.of(item).text)

    def item_link(self, item: RecommendationResponse) -> str:
        return reverse("tracker:response", args=[item.pk])

    def item_author_name(self, item: RecommendationResponse) -> str:
        return item.organisation.name

    def item_pubdate(self, item: RecommendationResponse) -> datetime | None:
        return item.published_at


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Progress on super-complaint recommendations")
    subtitle = gettext_lazy(
        "Progress updates from the organisations implementing the recommendations of "
        "super-complaint reports."
    )

    def link(self) -> str:
        return reverse("tracker:index")

    def items(self) -> QuerySet[ProgressUpdate]:
        # The text and date only: an update's evidence files are never public.
        return (
            ProgressUpdate.objects.filter(
                response__recommendation__investigation__published_report__isnull=False
            )
            .select_related(
                "response__organisation", "response__recommendation__investigation"
            )
            .order_by("-posted_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item: ProgressUpdate) -> str:
        recommendation = item.response.recommendation
        return _(
            "%(organisation)s: progress on recommendation %(number)s of “%(title)s”"
        ) % {
            "organisation": item.response.organisation.name,
            "number": recommendation.number,
            "title": recommendation.investigation.report_title,
        }

    def item_description(self, item: ProgressUpdate) -> str:
        return _as_html(item.text)

    def item_link(self, item: ProgressUpdate) -> str:
        return reverse("tracker:response", args=[item.response_id]) + (
            f"#update-{item.pk}"
        )

    def item_author_name(self, item: ProgressUpdate) -> str:
        return item.response.organisation.name

    def item_pubdate(self, item: ProgressUpdate) -> datetime:
        return item.posted_at


def public_feed(feed: Feed) -> Callable[[HttpRequest], HttpResponse]:
    """A feed as a public, GET-only view."""
    return login_not_required(
        require_GET(cache_control(public=True, max_age=300)(feed))
    )


reports = public_feed(ReportsFeed())
responses = public_feed(ResponsesFeed())
updates = public_feed(UpdatesFeed())
