"""End to end in headless Chromium: the Met publishes its response to a recommendation and posts a
progress update; HMICFRS monitoring sees it on the dashboard; an anonymous visitor sees both on the
public tracker. Screenshots are saved in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from recommendations.models import RecommendationResponse
from tests.factories import MET, published_report
from tests.test_browser_journey import ARTIFACTS, page, sign_in  # noqa: F401

RESPONSE = "We accept the recommendation and will train every call handler by June."
UPDATE = "Four hundred call handlers trained so far; the rest by June."


def banner(browser_page, text):
    expect(browser_page.locator(".govuk-notification-banner--success")).to_contain_text(
        text
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_force_responds_monitoring_sees_it_and_so_does_the_public(
    page,  # noqa: F811
    live_server,
    team,
    met_recipient,
    hmicfrs_monitor,
):
    base = live_server.url
    investigation = published_report(team, MET)
    reference = investigation.complaint.reference

    # The Met lands on its responses and writes one.
    sign_in(page, base, met_recipient.username)
    expect(
        page.get_by_role("heading", name="Responses to recommendations")
    ).to_be_visible()
    page.get_by_role("link", name="Recommendation 1", exact=True).click()
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_label("Your response").fill(RESPONSE)
    page.get_by_role("button", name="Save and publish the response").click()
    banner(page, "published")
    expect(page.get_by_text(RESPONSE)).to_be_visible()

    # Work starts, and the first progress update is posted.
    page.get_by_role("button", name="Start implementing").click()
    banner(page, "")
    page.get_by_label("Progress update").fill(UPDATE)
    page.get_by_role("button", name="Post the update").click()
    banner(page, "")
    expect(page.get_by_text(UPDATE)).to_be_visible()
    page.screenshot(path=ARTIFACTS / "response-workspace.png", full_page=True)
    response = RecommendationResponse.objects.get(
        recommendation__investigation=investigation
    )
    assert response.state == RecommendationResponse.State.IN_PROGRESS

    # HMICFRS monitoring sees it on the dashboard: one response, all of it answered.
    page.context.clear_cookies()
    sign_in(page, base, hmicfrs_monitor.username)
    page.goto(f"{base}/monitoring/")
    headline = page.locator("#headline")
    expect(headline).to_contain_text("Response rate")
    expect(headline).to_contain_text("100%")
    expect(page.locator("#grid").locator("..")).to_be_visible()
    expect(page.get_by_role("link", name=reference).first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "monitoring-dashboard.png", full_page=True)

    # Anyone, signed out, finds the response and its update on the public tracker.
    page.context.clear_cookies()
    page.goto(f"{base}/tracker/")
    page.get_by_role("link", name=investigation.report_title).first.click()
    page.get_by_role("link", name="Metropolitan Police Service").first.click()
    expect(page.get_by_text(RESPONSE)).to_be_visible()
    expect(page.get_by_text(UPDATE)).to_be_visible()
    expect(page.get_by_text("Sign in")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "public-tracker-response.png", full_page=True)
