"""End to end in headless Chromium: the team takes an investigation from scoping to sign-off, the
three approvers sign off, the lead publishes, and the public page shows the report. Screenshots
are saved in test-artifacts/."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from investigations.models import Investigation
from recommendations.models import RecommendationResponse
from tests.factories import investigation_in
from tests.test_browser_journey import ARTIFACTS, page, sign_in  # noqa: F401
from workflow import clock

S = Investigation.State


def stage_button(browser_page, name):
    browser_page.get_by_role("button", name=name).click()
    expect(browser_page.locator(".govuk-notification-banner--success")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_team_takes_an_investigation_from_scoping_to_a_published_report(
    page,  # noqa: F811
    live_server,
    team,
):
    base = live_server.url
    investigation = investigation_in(S.SCOPING, team)
    reference = investigation.complaint.reference
    due = (clock.today() + timedelta(days=10)).isoformat()

    # The lead scopes the investigation.
    sign_in(page, base, team.lead.username)
    expect(page.get_by_role("heading", name="Investigations")).to_be_visible()
    page.get_by_role("link", name=reference, exact=False).click()
    page.get_by_text("Edit the terms of reference").click()
    page.get_by_label("Terms of reference").fill("How forces respond to victims.")
    page.get_by_role("button", name="Save terms of reference").click()
    page.get_by_label("Investigative theme").fill("Identifying victims")
    page.get_by_role("button", name="Add theme").click()
    stage_button(page, "Start evidence gathering")

    # Evidence gathering: one line in the evidence log.
    page.get_by_role("link", name="Evidence").click()
    page.get_by_label("Kind").select_option(label="Interview with victims or survivors")
    page.get_by_label("Description").fill("Interviews with twelve survivors")
    page.get_by_label("Owner").select_option(index=1)
    page.get_by_role("button", name="Add to the evidence log").click()
    expect(page.get_by_text("Interviews with twelve survivors")).to_be_visible()
    stage_button(page, "Start analysis")
    stage_button(page, "Start drafting the report")

    # Drafting: the report, one recommendation to every chief constable, a fact-checker.
    page.get_by_role("link", name="Draft report").click()
    page.get_by_label("Report title").fill("Hidden in plain sight")
    page.get_by_label("Steps taken in the investigation").fill(
        "We visited five forces."
    )
    page.get_by_label("Findings", exact=True).fill("Victims were treated as suspects.")
    page.get_by_label("Conclusions, with reasons").fill(
        "The response harms the public, because victims stop reporting."
    )
    page.get_by_role("button", name="Save the report").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Report saved"
    )
    page.get_by_text("Add a recommendation").click()
    page.get_by_label("Recommendation", exact=True).fill(
        "Train every frontline officer to recognise exploitation."
    )
    page.get_by_label("All chief constables (territorial forces)").check()
    page.get_by_role("button", name="Add recommendation").click()
    page.get_by_text("Choose an organisation to fact-check the draft").click()
    page.get_by_label("Organisation", exact=True).select_option(
        label="Metropolitan Police Service"
    )
    page.get_by_label("Comments due").fill(due)
    page.get_by_role("button", name="Add", exact=True).click()
    page.screenshot(path=str(ARTIFACTS / "inv-1-draft.png"), full_page=True)
    stage_button(page, "Send the draft for fact-checking")

    # Fact-checking: the Met's comments are recorded, then it goes for sign-off.
    page.get_by_role("link", name="Draft report").click()
    page.get_by_label("Record comments received").fill("No factual errors found.")
    page.get_by_role("button", name="Record comments").click()
    stage_button(page, "Send for sign-off")
    page.get_by_role("button", name="Sign out").click()

    # The three approvers sign off the same version.
    sign_off_url = f"{base}/investigations/{investigation.pk}/sign-off/"
    for approver in team.approvers:
        sign_in(page, base, approver.username)
        page.goto(sign_off_url)
        page.get_by_role("button", name="Sign off this version").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Signed off for"
        )
        page.get_by_role("button", name="Sign out").click()

    # The HMICFRS lead publishes.
    sign_in(page, base, team.lead.username)
    page.goto(sign_off_url)
    page.screenshot(path=str(ARTIFACTS / "inv-2-signed-off.png"), full_page=True)
    stage_button(page, "Publish the report")
    page.get_by_role("button", name="Sign out").click()

    # Anyone can read it.
    page.goto(f"{base}/super-complaints/")
    page.get_by_role("link", name=investigation.complaint.title).click()
    expect(page.get_by_role("heading", name="Hidden in plain sight")).to_be_visible()
    expect(page.get_by_text("Train every frontline officer")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "inv-3-public-report.png"), full_page=True)

    investigation.refresh_from_db()
    assert investigation.state == S.PUBLISHED
    assert (
        RecommendationResponse.objects.filter(
            recommendation__investigation=investigation
        ).count()
        == 43
    )
