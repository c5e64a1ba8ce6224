"""A designated body makes a super-complaint with the keyboard alone (WCAG 2.1.1 Keyboard): Tab,
Enter, Space and typing, never a mouse click or a filled-in field. On the way: the skip
link is the first thing in the tab order and takes focus to the content (2.4.1), every element
that takes focus shows it (2.4.7), and the error summary takes focus when the page comes back with
an error, its link taking focus to the field in error (3.3.1, GOV.UK's error summary pattern)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from complaints.models import SuperComplaint
from tests.test_browser_journey import ARTIFACTS, PDF, page  # noqa: F401

# What the focused element is, and whether it shows that it is in GOV.UK's way: the focus colour
# (yellow, #ffdd00) in an outline, a box shadow or the background. A browser's default ring, or a
# box shadow a button always has, does not count. A GOV.UK checkbox or radio hides its input and
# draws the ring on its label's ::before box.
FOCUSED = r"""() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const yellow = /rgb\(255, 221, 0\)/;
    const ring = (style) =>
        (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
            && yellow.test(style.outlineColor))
        || yellow.test(style.boxShadow) || yellow.test(style.backgroundColor);
    let shows = ring(getComputedStyle(el));
    if (!shows && el.matches('.govuk-checkboxes__input, .govuk-radios__input')) {
        const label = el.labels && el.labels[0];
        shows = !!label && ring(getComputedStyle(label, '::before'));
    }
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 80),
        shows,
        onScreen: box.width > 0 && box.height > 0,
    };
}"""


def focused(browser_page: Page) -> dict:
    return browser_page.evaluate(FOCUSED)


def assert_focus_visible(browser_page: Page) -> dict:
    element = focused(browser_page)
    assert element is not None, "nothing has focus"
    assert element["shows"], f"focus is not visible on {element}"
    assert element["onScreen"], f"the focused element has no size: {element}"
    return element


def tab_to(browser_page: Page, matches, *, limit: int = 60) -> dict:
    """Press Tab until the focused element `matches`, checking that each element passed on the
    way shows its focus."""
    seen = []
    for _ in range(limit):
        browser_page.keyboard.press("Tab")
        element = assert_focus_visible(browser_page)
        if matches(element):
            return element
        seen.append(element["text"] or element["id"])
    raise AssertionError(f"never reached after {limit} tabs: {seen}")


def text_is(text: str):
    return lambda element: element["text"] == text


def field(element_id: str):
    return lambda element: element["id"] == element_id


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_charity_submits_a_complaint_with_the_keyboard_alone(
    page,  # noqa: F811
    live_server,
    tmp_path,
    hestia_member,
):
    base = live_server.url
    evidence = tmp_path / "evidence-summary.pdf"
    evidence.write_bytes(PDF)
    keyboard = page.keyboard
    # Playwright asks Chromium to hand file choosers to the test only when the first listener
    # is added, without waiting for the answer; listening from the start keeps the Space press
    # below from racing that request (it timed out under load in CI).
    page.on("filechooser", lambda chooser: None)

    # The skip link comes first, shows its focus and takes focus to the main content.
    page.goto(f"{base}/")
    keyboard.press("Tab")
    skip = assert_focus_visible(page)
    assert (skip["tag"], skip["text"]) == ("a", "Skip to main content")
    keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    # Sign in.
    tab_to(page, text_is("Sign in"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    tab_to(page, field("id_username"))
    keyboard.type("hestia_member")
    keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    keyboard.type("correct-horse-battery")
    keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your super-complaints")).to_be_visible()

    # Start a draft and write it, with a mistyped e-mail address.
    tab_to(page, text_is("Start a new super-complaint"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Draft super-complaint")).to_be_visible()
    tab_to(page, field("id_title"))
    keyboard.type("Police response to victims of cuckooing")
    tab_to(page, field("id_features"))
    keyboard.type("People whose homes are taken over are treated as suspects.")
    tab_to(page, field("id_harm_explanation"))
    keyboard.type("Victims, often disabled, are left in the control of exploiters.")
    tab_to(page, field("id_evidence"))
    with page.expect_file_chooser() as chooser:
        keyboard.press("Space")
    chooser.value.set_files(str(evidence))
    tab_to(page, field("id_contact_name"))
    keyboard.type("Pat Evans")
    tab_to(page, field("id_contact_email"))
    keyboard.type("pat.hestia.example")
    tab_to(page, text_is("Save and check your answers"))
    keyboard.press("Enter")

    # The page comes back with the error summary, which has focus.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a valid email address.")
    expect(summary).to_be_focused()
    assert_focus_visible(page)
    page.screenshot(path=str(ARTIFACTS / "keyboard-1-error-summary.png"))

    # Its link takes focus to the field; the address is corrected there and the form sent again.
    link = tab_to(page, text_is("Enter a valid email address."), limit=3)
    assert link["tag"] == "a"
    keyboard.press("Enter")
    assert focused(page)["id"] == "id_contact_email"
    assert_focus_visible(page)
    keyboard.press("Control+A")
    keyboard.type("pat@hestia.example")
    keyboard.press("Enter")

    # Check your answers, then submit.
    expect(
        page.get_by_role(
            "heading", name="Check your answers before submitting your super-complaint"
        )
    ).to_be_visible()
    tab_to(page, text_is("Submit super-complaint"))
    keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Super-complaint submitted")
    ).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "keyboard-2-submitted.png"))

    complaint = SuperComplaint.objects.get()
    assert (
        complaint.state,
        complaint.title,
        complaint.contact_email,
        [e.original_name for e in complaint.evidence.all()],
    ) == (
        SuperComplaint.State.SUBMITTED,
        "Police response to victims of cuckooing",
        "pat@hestia.example",
        ["evidence-summary.pdf"],
    )
