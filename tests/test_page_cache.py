"""The derived-content cache of the monitoring dashboard, the public tracker's front page and the
recipients' list (recommendations/page_cache.py): used, never stale, never shared across
visibility, and never holding anything of the user who happened to fill it."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client

from accounts.models import Organisation
from recommendations import services
from recommendations.models import RecommendationResponse
from recommendations.page_cache import visibility_scope
from tests.factories import (
    MET,
    MOPAC,
    org,
    published_report,
    response_in,
)
from workflow.deadlines import LONDON

R = RecommendationResponse.State
PUBLISHED_AT = datetime(2026, 1, 15, 10, 0, tzinfo=LONDON)
# Responses are due 56 days after publication: on 12 March 2026.
DUE_DAY = datetime(2026, 3, 12, 10, 0, tzinfo=LONDON)

pytestmark = pytest.mark.usefixtures("derived_cache")


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def report(team):
    """One recommendation to the Met and MOPAC, published on 15 January 2026."""
    with at(PUBLISHED_AT):
        return published_report(team)


def response_of(investigation, slug):
    return RecommendationResponse.objects.get(
        recommendation__investigation=investigation, organisation__slug=slug
    )


def headline(client):
    """The dashboard's headline figures, {label: value}, read from the page."""
    html = client.get("/monitoring/").content.decode()
    block = html[html.index('id="headline"') :]
    block = block[: block.index("</dl>")]
    return dict(
        re.findall(
            r'summary-list__key">([^<]+)</dt>\s*<dd class="govuk-summary-list__value">([^<]+)</dd>',
            block,
        )
    )


def tracker_counts(client, query=""):
    """The front page's figures for its one recommendation: recipients, then each state."""
    html = client.get(f"/tracker/{query}").content.decode()
    return [int(n) for n in re.findall(r'cell--numeric">(\d+)</td>', html)]


def text(client, url):
    return client.get(url).content.decode()


def main(response):
    """The page's content (the frame around it carries a fresh CSRF token on every request)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# --- The cache is used ----------------------------------------------------------------------------
def test_a_second_dashboard_request_is_served_from_the_cache(
    client, report, hmicfrs_monitor, django_assert_num_queries, derived_cache
):
    client.force_login(hmicfrs_monitor)
    first = client.get("/monitoring/")

    # The session, the user with their organisation and roles, and the data version: nothing
    # else.
    with django_assert_num_queries(4):
        second = client.get("/monitoring/")
    derived_cache.clear()
    # Worked out again: the figures, the filters' choices and the rows (as in test_monitoring).
    with django_assert_num_queries(12):
        third = client.get("/monitoring/")

    assert main(first) == main(second) == main(third)


def test_a_second_tracker_request_is_served_from_the_cache(
    client, report, django_assert_num_queries, derived_cache
):
    first = client.get("/tracker/")

    # Only the data version.
    with django_assert_num_queries(2):
        second = client.get("/tracker/")
    derived_cache.clear()
    with django_assert_num_queries(8):
        third = client.get("/tracker/")

    assert main(first) == main(second) == main(third)


def test_a_second_list_request_is_served_from_the_cache(
    client, report, met_recipient, django_assert_num_queries, derived_cache
):
    client.force_login(met_recipient)
    first = client.get("/responses/")

    with django_assert_num_queries(4):
        second = client.get("/responses/")
    derived_cache.clear()
    with django_assert_num_queries(7):
        third = client.get("/responses/")

    assert main(first) == main(second) == main(third)


# --- Never stale ----------------------------------------------------------------------------------
def test_a_transition_shows_at_once_on_the_dashboard_tracker_and_list(
    client, report, met_recipient, hmicfrs_monitor
):
    monitor, public, recipient = Client(), Client(), Client()
    monitor.force_login(hmicfrs_monitor)
    recipient.force_login(met_recipient)
    assert headline(monitor)["Response rate"] == "0%"
    assert tracker_counts(public) == [2, 2, 0, 0, 0, 0]
    assert "Response published</strong>" not in text(recipient, "/responses/")

    response_in(response_of(report, MET), R.RESPONSE_PUBLISHED, recipient=met_recipient)

    assert headline(monitor)["Response rate"] == "50%"
    assert tracker_counts(public) == [2, 1, 1, 0, 0, 0]
    assert "Response published</strong>" in text(recipient, "/responses/")


def test_a_refused_extension_shows_at_once_as_overdue(
    client, report, met_recipient, hmicfrs_monitor
):
    client.force_login(hmicfrs_monitor)
    with at(DUE_DAY - timedelta(days=1)):
        request = services.request_extension(
            response_of(report, MET),
            by=met_recipient,
            new_due_on=(DUE_DAY + timedelta(days=30)).date(),
            reason="The data arrives in April.",
        )
    with at(DUE_DAY + timedelta(days=1)):
        assert (
            headline(client)["Overdue"] == "1"
        )  # MOPAC's; the Met's awaits a decision

        services.refuse_extension(request, by=hmicfrs_monitor, reason="Not needed.")

        assert headline(client)["Overdue"] == "2"


def test_the_next_day_is_worked_out_afresh(client, report, hmicfrs_monitor):
    client.force_login(hmicfrs_monitor)

    with at(DUE_DAY):
        assert headline(client)["Overdue"] == "0"
    with at(DUE_DAY + timedelta(days=1)):
        assert headline(client)["Overdue"] == "2"


def test_a_renamed_organisation_shows_at_once(client, report, hmicfrs_monitor):
    monitor = Client()
    monitor.force_login(hmicfrs_monitor)
    assert "Met Police (renamed)" not in text(monitor, "/monitoring/")
    assert "MOPAC (renamed)" not in text(client, "/tracker/")

    # Organisations are edited in place in the admin, with no log entry.
    met = org(MET)
    met.name = "Met Police (renamed)"
    met.save()
    Organisation.objects.filter(slug=MOPAC).update(name="MOPAC (renamed)")

    assert "Met Police (renamed)" in text(monitor, "/monitoring/")
    assert "MOPAC (renamed)" in text(client, "/tracker/")


def test_a_write_behind_the_services_back_shows_when_the_entries_expire(
    client, report, hmicfrs_monitor, settings
):
    """Raw SQL leaves no log entry, so the data version stays: the entries made before it are
    used until they expire, and the change shows within five minutes (as README promises)."""
    public = Client()
    client.force_login(hmicfrs_monitor)
    made = DUE_DAY - timedelta(days=1)
    with at(made):
        assert headline(client)["Response rate"] == "0%"
        assert tracker_counts(public) == [2, 2, 0, 0, 0, 0]

        RecommendationResponse.objects.filter(pk=response_of(report, MET).pk).update(
            state=R.RESPONSE_PUBLISHED,
            outcome=RecommendationResponse.Outcome.ACCEPTED,
            response_text="Accepted.",
        )

        assert headline(client)["Response rate"] == "0%"
    with at(made + timedelta(seconds=settings.DERIVED_CACHE_SECONDS - 1)):
        assert tracker_counts(public) == [2, 2, 0, 0, 0, 0]
    with at(made + timedelta(minutes=5, seconds=1)):
        assert headline(client)["Response rate"] == "50%"
        assert tracker_counts(public) == [2, 1, 1, 0, 0, 0]


def test_a_progress_update_is_found_at_once_by_the_trackers_search(
    client, report, met_recipient
):
    met = response_of(report, MET)
    response_in(met, R.IN_PROGRESS, recipient=met_recipient)
    query = "?q=halfway+through+the+training"
    assert tracker_counts(client, query) == []

    # Posted without a log entry.
    services.post_progress_update(
        met, by=met_recipient, text="We are halfway through the training."
    )

    assert tracker_counts(client, query) == [1, 0, 0, 1, 0, 0]


# --- Never shared across visibility, never holding the user's own things --------------------------
def test_users_who_see_different_responses_get_their_own_dashboard(
    two_bodies_complaints, hestia_member, cwj_member
):
    hestia, cwj = two_bodies_complaints
    first, second = Client(), Client()
    first.force_login(hestia_member)
    second.force_login(cwj_member)

    hestia_page = text(first, "/monitoring/")
    cwj_page = text(second, "/monitoring/")

    assert hestia.complaint.reference in hestia_page
    assert cwj.complaint.reference not in hestia_page
    assert cwj.complaint.reference in cwj_page
    assert hestia.complaint.reference not in cwj_page


def test_recipients_get_their_own_list(report, met_recipient, kent_recipient, team):
    with at(PUBLISHED_AT):
        kent_report = published_report(team, "kent-police")
    met, kent = Client(), Client()
    met.force_login(met_recipient)
    kent.force_login(kent_recipient)

    met_page = text(met, "/responses/")
    kent_page = text(kent, "/responses/")

    assert report.complaint.reference in met_page
    assert kent_report.complaint.reference not in met_page
    assert kent_report.complaint.reference in kent_page
    assert report.complaint.reference not in kent_page


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_shared_page_never_carries_the_name_or_token_of_who_filled_the_cache(
    report, hmicfrs_monitor, commissioner_monitor
):
    first, second, anonymous = Client(), Client(), Client()
    first.force_login(hmicfrs_monitor)
    second.force_login(commissioner_monitor)
    # The same responses for both, so the same cached content.
    assert visibility_scope(hmicfrs_monitor) == visibility_scope(commissioner_monitor)

    for url in ("/monitoring/", "/tracker/"):
        filled = text(first, url)
        served = text(second, url)
        public = text(anonymous, url) if url == "/tracker/" else ""

        assert f"Sign out {hmicfrs_monitor.get_full_name()}" in filled
        assert f"Sign out {commissioner_monitor.get_full_name()}" in served
        for page in (served, public):
            assert hmicfrs_monitor.get_full_name() not in page
            assert csrf_token(filled) not in page
        assert "Sign out" not in public


@pytest.mark.parametrize(
    ("persona", "same_as", "other_than"),
    [
        ("hmicfrs_monitor", "commissioner_monitor", "hestia_member"),
        ("hestia_member", "hestia_colleague", "cwj_member"),
        ("met_recipient", "met_recipient", "kent_recipient"),
        ("met_recipient", "met_recipient", "mopac_recipient"),
    ],
)
def test_equal_scopes_see_the_same_responses_and_different_ones_do_not(
    request, two_bodies_complaints, persona, same_as, other_than
):
    user, same, other = (
        request.getfixturevalue(name) for name in (persona, same_as, other_than)
    )

    def visible(u):
        return set(
            RecommendationResponse.objects.visible_to(u).values_list("pk", flat=True)
        )

    assert visibility_scope(user) == visibility_scope(same)
    assert visible(user) == visible(same)
    assert visibility_scope(user) != visibility_scope(other)
    assert visible(user) != visible(other)
