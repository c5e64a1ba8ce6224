"""WCAG 2.2 AA in headless Chromium: axe-core (the npm package, loaded from node_modules) runs on
every page of the service, as each role that may see it, in its empty, filled and error states,
and must find nothing at the wcag2a/2aa/21a/21aa/22aa tags.

Every page route the URL configuration knows is either audited here or named in one of the
explicit lists below (API, downloads and feeds, form actions that only answer a POST, Django
admin pages beyond the three audited), so a new page cannot slip through unaudited."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import OperationalError, connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from playwright.sync_api import Page, expect, sync_playwright

from accounts.models import Role, User
from accounts.sessions import SessionStore
from complaints import services as complaint_services
from complaints.models import SuperComplaint
from investigations import services as investigation_services
from investigations.models import EvidenceItem, Investigation
from recommendations import services as response_services
from recommendations.models import RecommendationResponse
from tests.factories import (
    HMICFRS,
    MET,
    MOPAC,
    ComplaintFactory,
    EvidenceFactory,
    Team,
    UserFactory,
    investigation_in,
    org,
    published_report,
    response_in,
)
from tests.test_browser_journey import CHROMIUM_ARGS
from workflow import clock

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct-horse-battery"
S = Investigation.State
R = RecommendationResponse.State

# --- Routes that are not pages ---------------------------------------------------------------------
# Files, data, feeds and the load balancer's health check: not HTML, nothing for axe to audit.
NOT_HTML = {
    "healthz",
    "complaints:letter",
    "complaints:evidence",
    "investigations:attachment",
    "public:report_pdf",
    "responses:export",
    "responses:evidence",
    "monitoring:export_csv",
    "monitoring:complaint_pdf",
    "monitoring:organisation_pdf",
    "tracker:responses_csv",
    "tracker:responses_json",
    "tracker:feed_reports",
    "tracker:feed_responses",
    "tracker:feed_updates",
}
# Form actions: they answer only a POST (checked below) and either redirect back to their page or
# render that page again with the error summary, which the error states audit.
POST_ONLY = {
    "logout",
    "complaints:start",
    "complaints:record_view",
    "complaints:link_repeat",
    "complaints:evidence_remove",
    "complaints:transition",
    "investigations:transition",
    "investigations:appoint_lead",
    "investigations:add_member",
    "investigations:remove_member",
    "investigations:terms_of_reference",
    "investigations:add_theme",
    "investigations:add_evidence_item",
    "investigations:evidence_status",
    "investigations:attach",
    "investigations:add_task",
    "investigations:complete_task",
    "investigations:send_progress_report",
    "investigations:save_report",
    "investigations:add_recommendation",
    "investigations:remove_recommendation",
    "investigations:add_action",
    "investigations:remove_action",
    "investigations:add_redaction",
    "investigations:remove_redaction",
    "investigations:add_fact_check",
    "investigations:fact_check_comment",
    "investigations:approve",
    "responses:save_draft",
    "responses:publish_joint",
    "responses:add_action",
    "responses:update_action",
    "responses:post_update",
    "responses:report_implementation",
    "responses:request_extension",
    "responses:grant_extension",
    "responses:refuse_extension",
    "responses:transition",
    "api_tokens:revoke",
}
# The JSON API and its generated documentation (Swagger UI, a third-party page).
API_NAMESPACES = {"api"}
# Django admin is third party: its index, a change list and a change form are audited; its other
# pages share their templates.
ADMIN_AUDITED = {
    "admin:index",
    "admin:complaints_supercomplaint_changelist",
    "admin:complaints_supercomplaint_change",
}

# What axe finds in Django admin (third party): reported, not fixed in its templates. The filter
# links of a change list are smaller than 24 px with too little space around them (2.5.8 Target
# Size), and the breadcrumb links differ from their text by colour alone (1.4.1 Use of Color).
DJANGO_ADMIN_KNOWN = {
    ("admin:complaints_supercomplaint_changelist", "target-size"),
    ("admin:complaints_supercomplaint_change", "link-in-text-block"),
}


def named_routes() -> dict[str, str]:
    """Every named route of the URL configuration, with its pattern."""
    routes: dict[str, str] = {}

    def walk(patterns: list, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                if namespace and inner:
                    inner = f"{namespace}:{inner}"
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    inner or namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                routes[name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns, "", None)
    return routes


def page_routes() -> set[str]:
    """The routes that are pages a person reads: everything not explicitly set aside above."""
    return {
        name
        for name in named_routes()
        if name not in NOT_HTML
        and name not in POST_ONLY
        and name.split(":")[0] not in API_NAMESPACES
        and (not name.startswith("admin:") or name in ADMIN_AUDITED)
    }


def test_form_actions_set_aside_as_post_only_refuse_a_get(db):
    user = UserFactory(organisation=org(HMICFRS), roles=[Role.TRIAGER])
    client = Client()
    client.force_login(user)
    routes = named_routes()
    kwargs = {
        "pk": 1,
        "evidence_pk": 1,
        "complaint_pk": 1,
        "member_pk": 1,
        "item_pk": 1,
        "task_pk": 1,
        "rec_pk": 1,
        "action_pk": 1,
        "redaction_pk": 1,
        "request_pk": 1,
        "action": "submit",
    }

    statuses = {}
    for name in sorted(POST_ONLY):
        needed = {k: kwargs[k] for k in re.findall(r"<(?:\w+:)?(\w+)>", routes[name])}
        statuses[name] = client.get(reverse(name, kwargs=needed)).status_code

    assert statuses == dict.fromkeys(sorted(POST_ONLY), 405)


# --- Who visits ------------------------------------------------------------------------------------
# Each persona and the role it stands for (the summary counts roles).
ROLES = {
    "anonymous": "anonymous",
    "hestia_member": "charity member",
    "cwj_member": "charity member",
    "hmicfrs_triager": "triager",
    "hmicfrs_investigator": "investigator",
    "hmicfrs_investigator_not_on_team": "investigator",
    "hmicfrs_approver": "approver",
    "met_recipient": "recipient",
    "kent_recipient": "recipient",
    "hmicfrs_monitor": "monitor",
    "commissioner_monitor": "monitor",
    "admin": "admin",
    "no_role": "signed in with no role",
}


@dataclass(frozen=True)
class Visit:
    """One page to audit, as one persona, in one state.

    An error visit with a `form` (a CSS selector) posts that form by its own button, `button` if
    named, with only `fill` (label → text) filled in, `repeat` times, and expects the page back with
    `status`; an error visit without a form expects the page itself to answer `status`. Either way
    what `shows` selects (the GOV.UK error summary, unless said otherwise) must then be visible,
    and an error summary must have focus."""

    persona: str
    state: str
    url: str
    form: str = ""
    button: str = ""
    fill: dict[str, str] = field(default_factory=dict)
    status: int = 400
    repeat: int = 1
    shows: str = ".govuk-error-summary"


@dataclass(frozen=True)
class Violation:
    route: str
    url: str
    persona: str
    state: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        where = "; ".join(self.targets[:5])
        more = f" (+{len(self.targets) - 5} more)" if len(self.targets) > 5 else ""
        return (
            f"{self.url} as {self.persona} ({self.state}): {self.rule} [{self.impact}] "
            f"{self.help} at {where}{more}"
        )


class Audit(NamedTuple):
    route: str
    persona: str
    state: str
    posted: bool  # an error state provoked by posting one of the page's forms
    has_form: bool  # the page has a form that posts something a person types or chooses


# Contrast is only judged on the real design: the page must have our stylesheet and GOV.UK
# Frontend's JavaScript (which moves focus to the error summary, among much else) running.
STYLED = r"""() => document.body.classList.contains('govuk-frontend-supported')
    && [...document.styleSheets].some(s => /\/css\/app[^/]*\.css/.test(s.href || '')
                                         && s.cssRules.length > 1000)"""
HAS_FORM = """() => !!document.querySelector(
    'form[method=post i] :is(textarea, select, input:not([type=hidden]):not([type=submit]))'
)"""
RUN_AXE = r"""async (tags) => {
    // Closed <details> hide their forms from axe: open them all, so their contents are audited.
    document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; });
    // Only the violations are needed in full: axe then keeps one node per passed or undecided
    // rule instead of describing every element it checked.
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    });
    // What axe leaves for review when an id is missing: references that lead nowhere (an error
    // message a field says describes it, a label's field, an error summary's link to its field).
    const dangling = [];
    const exists = (id) => id && document.getElementById(id) !== null;
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
    for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-errormessage']) {
        document.querySelectorAll(`[${attr}]`).forEach(el => {
            el.getAttribute(attr).split(/\s+/).filter(id => id && !exists(id)).forEach(id =>
                dangling.push(`${describe(el)} ${attr}="${id}"`));
        });
    }
    document.querySelectorAll('label[for]').forEach(el => {
        if (!exists(el.htmlFor)) dangling.push(`label for="${el.htmlFor}"`);
    });
    document.querySelectorAll('a[href^="#"]').forEach(el => {
        const id = decodeURIComponent(el.getAttribute('href').slice(1));
        if (id && !exists(id)) dangling.push(`a href="#${id}"`);
    });
    return {
        dangling,
        needsReview: result.incomplete.map(v => v.id),
        version: axe.version,
        violations: result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map(n => n.target.join(' ')),
        })),
    };
}"""


@pytest.fixture
def browser():
    """One Chromium for a whole test (the audit opens a fresh context per persona in it).

    Not module-scoped: while Playwright's loop runs, this thread's ORM calls get a connection
    of their own, and a transactional test's database teardown made on that connection does
    not know of the serialized rollback (on PostgreSQL it then re-creates the content types,
    and the next test with serialized_rollback fails to load its own). A function fixture is
    torn down before the database is."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    # While Playwright's loop ran, the test's ORM calls had a connection of their own: close it,
    # or the test database cannot be dropped at the end of the run.
    connections.close_all()


def audit_context(browser, **options: Any):
    """A browser context in which every page has axe-core from node_modules, run before the page's
    own scripts (the context bypasses the page's CSP). Handing Chromium the script once per context
    costs far less than sending its 500 KB to each page over the DevTools protocol."""
    context = browser.new_context(bypass_csp=True, **options)
    context.add_init_script(path=AXE)
    return context


def run_axe(page: Page) -> dict:
    return page.evaluate(RUN_AXE, WCAG_TAGS)


class Auditor:
    """Visits pages as personas, a fresh browser context each, and runs axe-core on every one."""

    def __init__(self, browser, base: str) -> None:
        self.browser = browser
        self.base = base
        self.violations: list[Violation] = []
        self.audited: list[Audit] = []
        # axe's "incomplete" results: what it could not decide, for a person to check.
        self.needs_review: Counter[str] = Counter()
        self.version = ""

    def run(self, visits: list[Visit], *, width: int = 1200) -> None:
        by_persona: dict[str, list[Visit]] = {}
        for visit in visits:
            by_persona.setdefault(visit.persona, []).append(visit)
        for persona, persona_visits in by_persona.items():
            context = audit_context(
                self.browser, viewport={"width": width, "height": 900}
            )
            try:
                if persona != "anonymous":
                    self.sign_in(context, persona)
                page = context.new_page()
                page.set_default_timeout(10_000)
                for visit in persona_visits:
                    self.visit(page, visit)
            finally:
                context.close()

    def sign_in(self, context, username: str) -> None:
        """A session made on the server and handed to the browser: signing in through the form
        is audited (and walked by the keyboard journey) elsewhere; here it would cost time."""
        client = Client()
        client.force_login(User.objects.get(username=username))
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.base,
                }
            ]
        )

    def visit(self, page: Page, visit: Visit) -> None:
        where = f"{visit.url} as {visit.persona} ({visit.state})"
        response = page.goto(self.base + visit.url)
        assert response is not None, where
        expected = visit.status if visit.state == "error" and not visit.form else 200
        assert response.status == expected, f"{where}: {response.status}"
        if visit.form:
            self.submit(page, visit, where)
        if visit.state == "error" and visit.shows:
            expect(page.locator(visit.shows).first).to_be_visible()
        if visit.form and visit.shows == ".govuk-error-summary":
            # GOV.UK Frontend moves focus to the summary, so it is read out first.
            expect(page.locator(visit.shows)).to_be_focused()
        self.audit(page, visit)

    def submit(self, page: Page, visit: Visit, where: str) -> None:
        status = None
        for _attempt in range(visit.repeat):
            form = page.locator(visit.form).first
            details = form.locator("xpath=ancestor::details[1]")
            if details.count() and details.get_attribute("open") is None:
                details.locator("summary").click()
            for label, value in visit.fill.items():
                form.get_by_label(label, exact=True).fill(value)
            button = (
                form.get_by_role("button", name=visit.button)
                if visit.button
                else form.locator("button[type=submit]").first
            )
            with page.expect_navigation() as navigation:
                button.click()
            status = navigation.value.status if navigation.value else None
        assert status == visit.status, f"posting {visit.form} from {where}: {status}"

    def audit(self, page: Page, visit: Visit) -> None:
        route = resolve(urlsplit(visit.url).path).view_name
        if not route.startswith("admin:"):
            assert page.evaluate(STYLED), f"{page.url}: no stylesheet or no JavaScript"
        has_form = page.evaluate(HAS_FORM)
        result = run_axe(page)
        self.version = result["version"]
        self.audited.append(
            Audit(route, visit.persona, visit.state, bool(visit.form), has_form)
        )
        self.needs_review.update(result["needsReview"])
        if result["dangling"]:
            self.violations.append(
                Violation(
                    route,
                    page.url.removeprefix(self.base),
                    visit.persona,
                    visit.state,
                    "idref (own check)",
                    "serious",
                    "References must lead to an element with that id",
                    tuple(result["dangling"]),
                )
            )
        self.violations.extend(
            Violation(
                route,
                page.url.removeprefix(self.base),
                visit.persona,
                visit.state,
                v["id"],
                v["impact"] or "",
                v["help"],
                tuple(v["targets"]),
            )
            for v in result["violations"]
        )


def action(url: str) -> str:
    return f'form[action="{url}"]'


@dataclass
class World:
    """Real objects, made through the services, in the states whose pages differ."""

    draft: SuperComplaint
    blank_draft: SuperComplaint
    submitted: SuperComplaint
    assessing: SuperComplaint
    all_not_eligible: SuperComplaint
    unstaffed: Investigation
    scoping: Investigation
    drafting: Investigation
    signing: Investigation
    published: Investigation
    awaiting: RecommendationResponse
    extension_asked: RecommendationResponse
    in_progress: RecommendationResponse
    reported: RecommendationResponse


def build_world(
    *, member: User, triager: User, met: User, monitor: User, team: Team
) -> World:
    lead = team.lead
    hestia = org("hestia")

    def ready_draft(title: str) -> SuperComplaint:
        complaint = ComplaintFactory(
            organisation=hestia, created_by=member, title=title
        )
        EvidenceFactory(complaint=complaint, uploaded_by=member)
        return complaint

    draft = ready_draft("Police response to victims of cuckooing")
    blank_draft = ComplaintFactory(
        organisation=hestia, created_by=member, title="", contact_email=""
    )
    submitted = complaint_services.submit_complaint(
        ready_draft("Police response to stalking"), by=member
    )
    assessing = complaint_services.submit_complaint(
        ready_draft("Police handling of missing children"), by=member
    )
    complaint_services.acknowledge_complaint(assessing, by=triager)
    complaint_services.start_assessment(assessing, by=triager)
    all_not_eligible = complaint_services.submit_complaint(
        ready_draft("Police use of body-worn video"), by=member
    )
    complaint_services.acknowledge_complaint(all_not_eligible, by=triager)
    complaint_services.start_assessment(all_not_eligible, by=triager)
    for approver in team.approvers:
        complaint_services.record_eligibility_view(
            all_not_eligible,
            by=approver,
            view="not_eligible",
            reasons="It is about one force only.",
        )

    unstaffed = investigation_in(S.SCOPING)
    scoping = investigation_in(S.SCOPING, team)
    drafting = investigation_in(S.DRAFTING, team)
    investigation_services.add_task(
        drafting,
        by=lead,
        title="Interview the force leads",
        owner=lead,
        due_on=clock.today() - timedelta(days=3),
    )
    investigation_services.send_progress_report(
        drafting, by=lead, text="We have read 120 case files."
    )
    investigation_services.add_evidence_item(
        drafting,
        by=lead,
        kind=EvidenceItem.Kind.DATA_REQUEST,
        title="Data from the Met",
        owner=lead,
        organisation=org(MET),
    )
    signing = investigation_in(S.SIGN_OFF, team)
    published = published_report(team, MET, MOPAC, recommendations=4)

    mets = list(
        RecommendationResponse.objects.filter(
            recommendation__investigation=published, organisation=org(MET)
        ).order_by("recommendation__number")
    )
    awaiting, extension_asked, in_progress, reported = mets
    response_services.request_extension(
        extension_asked,
        by=met,
        new_due_on=extension_asked.due_on + timedelta(days=28),
        reason="Our board meets next month.",
    )
    response_in(in_progress, R.IN_PROGRESS, recipient=met)
    response_services.add_action(
        in_progress,
        by=met,
        description="Train every call handler",
        owner="Head of training",
        target_on=clock.today() + timedelta(days=60),
    )
    response_services.post_progress_update(
        in_progress, by=met, text="Four hundred call handlers trained."
    )
    response_in(reported, R.IMPLEMENTATION_REPORTED, recipient=met, monitor=monitor)
    return World(
        draft=draft,
        blank_draft=blank_draft,
        submitted=submitted,
        assessing=assessing,
        all_not_eligible=all_not_eligible,
        unstaffed=unstaffed,
        scoping=scoping,
        drafting=drafting,
        signing=signing,
        published=published,
        awaiting=awaiting,
        extension_asked=extension_asked,
        in_progress=in_progress,
        reported=reported,
    )


def empty_visits() -> list[Visit]:
    """People with nothing yet, before anything exists: no complaints, investigations, reports."""
    plan = {
        "anonymous": ["home", "login", "public:list", "tracker:index"],
        "cwj_member": [
            "complaints:list",
            "responses:list",
            "monitoring:dashboard",
            "api_tokens:list",
        ],
        "hmicfrs_triager": ["complaints:intake", "complaints:all"],
        "hmicfrs_investigator_not_on_team": ["investigations:dashboard"],
        "kent_recipient": ["responses:list"],
        "commissioner_monitor": [
            "monitoring:dashboard",
            "investigations:dashboard",
            "responses:list",
        ],
    }
    return [
        Visit(persona, "empty", reverse(name))
        for persona, names in plan.items()
        for name in names
    ]


def filled_visits(w: World) -> list[Visit]:
    def inv(name: str, investigation: Investigation) -> str:
        return reverse(f"investigations:{name}", args=[investigation.pk])

    def complaint(name: str, c: SuperComplaint) -> str:
        return reverse(f"complaints:{name}", args=[c.pk])

    def response(r: RecommendationResponse) -> str:
        return reverse("responses:detail", args=[r.pk])

    published_ref = w.published.complaint.reference
    tabs = ["overview", "team", "evidence", "tasks", "progress", "draft", "sign_off"]
    plan = {
        "anonymous": [
            reverse("public:list"),
            reverse("public:report", args=[published_ref]),
            reverse("public:report", args=[w.drafting.complaint.reference]),
            reverse("tracker:index"),
            reverse("tracker:index") + "?q=referral&state=response_published",
            reverse("tracker:how_it_works"),
            reverse("tracker:complaint", args=[published_ref]),
            reverse("tracker:response", args=[w.in_progress.pk]),
        ],
        "hestia_member": [
            reverse("complaints:list"),
            complaint("edit", w.draft),
            complaint("check", w.draft),
            complaint("check", w.blank_draft),
            complaint("detail", w.submitted),
            complaint("confirmation", w.submitted),
            complaint("detail", w.published.complaint),
            reverse("responses:list"),
            response(w.in_progress),
            reverse("monitoring:dashboard"),
            reverse("api_tokens:list"),
            # The public pages, with a signed-in header.
            reverse("tracker:index"),
            reverse("public:report", args=[published_ref]),
        ],
        "hmicfrs_triager": [
            reverse("complaints:intake"),
            reverse("complaints:all"),
            complaint("detail", w.submitted),
            complaint("detail", w.assessing),
            complaint("detail", w.all_not_eligible),
            complaint("detail", w.unstaffed.complaint),
            reverse("investigations:dashboard"),
            reverse("responses:list"),
            response(w.extension_asked),
            reverse("monitoring:dashboard"),
        ],
        "hmicfrs_investigator": [
            reverse("investigations:dashboard"),
            inv("overview", w.scoping),
            *[inv(tab, w.drafting) for tab in tabs],
            inv("timeline", w.drafting),
            inv("draft", w.published),
            complaint("detail", w.published.complaint),
        ],
        "hmicfrs_approver": [
            reverse("investigations:dashboard"),
            inv("overview", w.signing),
            inv("sign_off", w.signing),
            reverse("complaints:all"),
            complaint("detail", w.assessing),
        ],
        "met_recipient": [
            reverse("responses:list"),
            reverse("responses:list") + "?state=in_progress",
            response(w.awaiting),
            response(w.extension_asked),
            response(w.in_progress),
            response(w.reported),
            reverse("api_tokens:list"),
        ],
        "hmicfrs_monitor": [
            reverse("monitoring:dashboard"),
            reverse("responses:list"),
            response(w.extension_asked),
            response(w.reported),
            reverse("complaints:all"),
            complaint("detail", w.published.complaint),
            reverse("investigations:dashboard"),
            inv("overview", w.published),
        ],
        "commissioner_monitor": [
            reverse("monitoring:dashboard"),
            reverse("monitoring:dashboard") + "?overdue=on",
            reverse("complaints:all"),
            response(w.in_progress),
            inv("timeline", w.published),
        ],
        # Signed in, but given no role yet: the home page says so.
        "no_role": [reverse("home")],
        "admin": [
            reverse("admin:index"),
            reverse("admin:complaints_supercomplaint_changelist"),
            reverse("admin:complaints_supercomplaint_change", args=[w.draft.pk]),
        ],
        "kent_recipient": [reverse("responses:list")],
        "cwj_member": [reverse("complaints:list")],
    }
    return [
        Visit(persona, "filled", url) for persona, urls in plan.items() for url in urls
    ]


def error_visits(w: World) -> list[Visit]:
    """Every form that can be refused, posted (by its own button) with nothing filled in."""

    def inv(name: str, investigation: Investigation, *args: int) -> str:
        return reverse(f"investigations:{name}", args=[investigation.pk, *args])

    def complaint(name: str, c: SuperComplaint, *args: object) -> str:
        return reverse(f"complaints:{name}", args=[c.pk, *args])

    def resp(name: str, r: RecommendationResponse, *args: object) -> str:
        return reverse(f"responses:{name}", args=[r.pk, *args])

    drafting = w.drafting
    pending = w.extension_asked.extension_requests.get()
    return [
        # Django's sign-in view answers a refused sign-in with a 200; django-axes locks the
        # username out (429, a page of our own) at its failure limit.
        Visit("anonymous", "error", reverse("login"), "main form", status=200),
        Visit(
            "anonymous",
            "error",
            reverse("login"),
            "main form",
            fill={"Username": "someone", "Password": "not-the-password"},
            status=429,
            repeat=settings.AXES_FAILURE_LIMIT,
            shows="h1:text('Too many attempts to sign in')",
        ),
        # The pages of a refusal: what may not be seen, and what may not be done.
        Visit("anonymous", "error", "/tracker/response/999999/", status=404, shows=""),
        Visit(
            "cwj_member",
            "error",
            reverse("investigations:dashboard"),
            status=403,
            shows="",
        ),
        # A stale link's filters: each field in error is said so, and narrows nothing.
        Visit(
            "commissioner_monitor",
            "error",
            reverse("monitoring:dashboard") + "?state=nonsense&organisation=999999",
            status=200,
            shows=".govuk-error-message",
        ),
        Visit(
            "hestia_member",
            "error",
            complaint("edit", w.draft),
            "#main-form",
            "Save and check your answers",
            {"Contact e-mail address": "not-an-email"},
        ),
        Visit(
            "hestia_member",
            "error",
            complaint("detail", w.submitted),
            action(complaint("transition", w.submitted, "withdraw")),
        ),
        Visit(
            "hestia_member",
            "error",
            reverse("api_tokens:list"),
            "main form:not([action])",
        ),
        Visit(
            "hmicfrs_triager",
            "error",
            complaint("detail", w.all_not_eligible),
            action(complaint("transition", w.all_not_eligible, "decide_not_eligible")),
        ),
        Visit(
            "hmicfrs_approver",
            "error",
            complaint("detail", w.assessing),
            action(complaint("record_view", w.assessing)),
        ),
        Visit(
            "hmicfrs_investigator",
            "error",
            inv("overview", w.scoping),
            action(inv("add_theme", w.scoping)),
        ),
        # The stage actions are beside every tab; a pause without a reason comes back to its tab.
        *[
            Visit(
                "hmicfrs_investigator",
                "error",
                inv(tab, drafting),
                action(inv("transition", drafting, "pause")),
            )
            for tab in ("sign_off", "timeline")
        ],
        Visit(
            "hmicfrs_investigator",
            "error",
            inv("team", drafting),
            action(inv("add_member", drafting)),
        ),
        Visit(
            "hmicfrs_investigator",
            "error",
            inv("evidence", drafting),
            action(inv("add_evidence_item", drafting)),
        ),
        Visit(
            "hmicfrs_investigator",
            "error",
            inv("tasks", drafting),
            action(inv("add_task", drafting)),
        ),
        Visit(
            "hmicfrs_investigator",
            "error",
            inv("progress", drafting),
            action(inv("send_progress_report", drafting)),
        ),
        *[
            Visit(
                "hmicfrs_investigator",
                "error",
                inv("draft", drafting),
                action(inv(name, drafting)),
            )
            for name in (
                "add_recommendation",
                "add_action",
                "add_redaction",
                "add_fact_check",
            )
        ],
        Visit(
            "met_recipient",
            "error",
            resp("detail", w.awaiting),
            action(resp("save_draft", w.awaiting)),
            "Save and publish the response",
        ),
        Visit(
            "met_recipient",
            "error",
            resp("detail", w.awaiting),
            action(resp("publish_joint", w.awaiting)),
        ),
        Visit(
            "met_recipient",
            "error",
            resp("detail", w.awaiting),
            action(resp("request_extension", w.awaiting)),
        ),
        Visit(
            "met_recipient",
            "error",
            resp("detail", w.in_progress),
            action(resp("add_action", w.in_progress)),
        ),
        Visit(
            "met_recipient",
            "error",
            resp("detail", w.in_progress),
            action(resp("post_update", w.in_progress)),
        ),
        Visit(
            "met_recipient",
            "error",
            resp("detail", w.in_progress),
            action(resp("report_implementation", w.in_progress)),
        ),
        Visit(
            "hmicfrs_monitor",
            "error",
            resp("detail", w.reported),
            action(resp("transition", w.reported, "send_back")),
        ),
        Visit(
            "hmicfrs_monitor",
            "error",
            resp("detail", w.extension_asked),
            action(resp("refuse_extension", w.extension_asked, pending.pk)),
        ),
    ]


def narrow(visits: list[Visit]) -> list[Visit]:
    """The first of `visits` to each page route, as the state "filled, 320 px"."""
    first: dict[str, Visit] = {}
    for visit in visits:
        first.setdefault(resolve(urlsplit(visit.url).path).view_name, visit)
    return [
        Visit(visit.persona, "filled, 320 px", visit.url) for visit in first.values()
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_page_passes_axe_for_every_role_and_state(
    browser,
    live_server,
    figure,
    hestia_member,
    hmicfrs_triager,
    team,
    met_recipient,
    hmicfrs_monitor,
    # Personas the plans visit as, by username, with nothing of their own.
    cwj_member,
    hmicfrs_investigator_not_on_team,
    kent_recipient,
    commissioner_monitor,
):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    UserFactory(username="no_role", organisation=org("hestia"))
    auditor = Auditor(browser, live_server.url)

    auditor.run(empty_visits())
    world = build_world(
        member=hestia_member,
        triager=hmicfrs_triager,
        met=met_recipient,
        monitor=hmicfrs_monitor,
        team=team,
    )
    filled = filled_visits(world)
    auditor.run(filled)
    auditor.run(error_visits(world))
    # Each page once more at 320 CSS pixels, the width content must reflow to (WCAG 1.4.10):
    # what scrolls sideways there must still be reachable by keyboard, targets big enough.
    auditor.run(narrow(filled), width=320)

    audited_routes = {a.route for a in auditor.audited}
    missing = sorted(page_routes() - audited_routes)
    form_pages = {a.route for a in auditor.audited if a.has_form} - ADMIN_AUDITED
    refused = {a.route for a in auditor.audited if a.posted}
    never_refused = sorted(form_pages - refused)
    roles = {ROLES[a.persona] for a in auditor.audited}
    ours = [v for v in auditor.violations if not v.route.startswith("admin:")]
    admin = {
        (v.route, v.rule) for v in auditor.violations if v.route.startswith("admin:")
    }
    lines = [
        f"axe-core {auditor.version}: {len(auditor.audited)} pages × states visited "
        f"({len(audited_routes)} page routes, {len(roles)} roles; "
        f"{len(refused)} of {len(form_pages)} pages with forms in their error state), "
        f"{len(ours)} violations"
    ]
    if auditor.needs_review:
        review = ", ".join(f"{r} ×{n}" for r, n in sorted(auditor.needs_review.items()))
        lines.append(f"  left by axe for a person to check (not violations): {review}")
    lines.extend(
        f"  Django admin (third party, reported, not fixed): {rule} on {route}"
        for route, rule in sorted(admin)
    )
    figure("\n" + "\n".join(lines))
    problems = []
    if missing:
        problems.append(
            f"page routes no visit audits (plan a visit, or set the route aside above): {missing}"
        )
    if never_refused:
        problems.append(
            f"pages whose forms are never posted with errors: {never_refused}"
        )
    if ours:
        problems.append(
            f"axe-core found {len(ours)} violations:\n" + "\n".join(map(str, ours))
        )
    if admin != DJANGO_ADMIN_KNOWN:
        problems.append(
            f"Django admin's violations changed: {sorted(admin)}; update DJANGO_ADMIN_KNOWN "
            "and the report"
        )
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_the_audit_sees_violations(browser):
    """The audit is only as good as its eyes: an image without a text alternative, faint text and
    an unlabelled input are each reported by axe, and a hint or link to nowhere by our own check."""
    context = audit_context(browser)
    page = context.new_page()
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<h1>Bad</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#bbb;background:#fff">Faint text</p>'
        '<input type="text"><label for="a">A</label>'
        '<input id="a" aria-describedby="a-hint"><a href="#nowhere">Go</a></main></body></html>'
    )

    result = run_axe(page)
    context.close()

    assert sorted(v["id"] for v in result["violations"]) == [
        "color-contrast",
        "image-alt",
        "label",
    ]
    assert result["dangling"] == [
        'input#a aria-describedby="a-hint"',
        'a href="#nowhere"',
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("failure", "status", "heading"),
    [
        (
            OperationalError("connection refused"),
            503,
            "Sorry, the service is unavailable",
        ),
        (
            RuntimeError("a fault in the code"),
            500,
            "Sorry, there is a problem with the service",
        ),
    ],
)
def test_the_pages_of_a_server_failure_pass_axe(
    browser, live_server, monkeypatch, figure, hestia_member, failure, status, heading
):
    """The pages of a failure, served by the live server as its error handler makes them: reading
    the signed-in person's session (the first query of their request) fails with `failure`."""
    auditor = Auditor(browser, live_server.url)
    context = audit_context(browser, viewport={"width": 1200, "height": 900})
    auditor.sign_in(context, hestia_member.username)
    page = context.new_page()

    def fail(self):
        raise failure

    monkeypatch.setattr(SessionStore, "_get_session_from_db", fail)
    try:
        auditor.visit(
            page,
            Visit(
                "hestia_member",
                "error",
                reverse("complaints:list"),
                status=status,
                shows=f"h1:text('{heading}')",
            ),
        )
    finally:
        context.close()

    figure(f"\n{status} page: {len(auditor.violations)} axe violations")
    assert len(auditor.audited) == 1
    assert not auditor.violations, "\n".join(map(str, auditor.violations))
