"""End to end in headless Chromium: a designated body drafts, uploads evidence, checks its answers
and submits; HMICFRS acknowledges. Screenshots are saved in test-artifacts/."""

import os
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect, sync_playwright

from complaints.models import SuperComplaint

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def page():
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        yield context.new_page()
        browser.close()
        # While Playwright's loop runs, the test's ORM calls get a connection of their own: close it,
        # or the test database cannot be dropped at the end of the run.
        connections.close_all()


@pytest.fixture
def live_url(transactional_db):
    """A live server for this test alone, stopped (and its database connections closed) after it."""
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def sign_in(page, base, username):
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_draft_upload_check_submit_and_acknowledge(
    page, live_server, tmp_path, hestia_member, hmicfrs_triager
):
    base = live_server.url
    evidence = tmp_path / "evidence-summary.pdf"
    evidence.write_bytes(PDF)

    sign_in(page, base, "hestia_member")
    expect(page.get_by_role("heading", name="Your super-complaints")).to_be_visible()
    page.get_by_role("button", name="Start a new super-complaint").click()
    page.get_by_label("Title").fill("Police response to victims of cuckooing")
    page.get_by_label("Feature or features of policing").fill(
        "People whose homes are taken over are treated as suspects."
    )
    page.get_by_label(
        "Why they are or appear to be significantly harming the public"
    ).fill("Victims, often disabled, are left in the control of exploiters.")
    page.get_by_label("Add evidence files").set_input_files(str(evidence))
    page.get_by_label("Contact e-mail address").fill("not-an-email")
    page.get_by_role("button", name="Save and check your answers").click()

    # The error summary is shown, and the evidence was attached regardless.
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a valid email address."
    )
    expect(page.get_by_role("term")).to_have_text("evidence-summary.pdf")
    page.screenshot(path=str(ARTIFACTS / "1-draft-with-error.png"), full_page=True)
    page.get_by_label("Contact e-mail address").fill("pat@hestia.example")
    page.get_by_role("button", name="Save and check your answers").click()

    expect(
        page.get_by_role(
            "heading", name="Check your answers before submitting your super-complaint"
        )
    ).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "2-check-answers.png"), full_page=True)
    page.get_by_role("button", name="Submit super-complaint").click()

    expect(
        page.get_by_role("heading", name="Super-complaint submitted")
    ).to_be_visible()
    reference = SuperComplaint.objects.get().reference
    expect(page.locator(".govuk-panel__body")).to_contain_text(reference)
    page.screenshot(path=str(ARTIFACTS / "3-confirmation.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "hmicfrs_triager")
    expect(page.get_by_role("heading", name="Intake queue")).to_be_visible()
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Acknowledge receipt").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Receipt acknowledged"
    )
    expect(page.locator(".govuk-tag").first).to_have_text("Acknowledged")
    page.screenshot(path=str(ARTIFACTS / "4-acknowledged.png"), full_page=True)
    assert SuperComplaint.objects.get().state == SuperComplaint.State.ACKNOWLEDGED
