"""The public recommendation tracker, mounted at /tracker/ (no login)."""

from django.urls import path

from recommendations import feeds
from recommendations.views import tracker

app_name = "tracker"

urlpatterns = [
    path("", tracker.index, name="index"),
    path("how-it-works/", tracker.how_it_works, name="how_it_works"),
    path("responses.csv", tracker.responses_csv, name="responses_csv"),
    path("responses.json", tracker.responses_json, name="responses_json"),
    path("response/<int:pk>/", tracker.response, name="response"),
    path("feeds/reports.atom", feeds.reports, name="feed_reports"),
    path("feeds/responses.atom", feeds.responses, name="feed_responses"),
    path("feeds/updates.atom", feeds.updates, name="feed_updates"),
    path("<str:reference>/", tracker.complaint, name="complaint"),
]
