"""Security headers on every kind of response, a Content-Security-Policy without 'unsafe-inline'
that the real pages keep to in Chromium, and no caching of anything a signed-in person sees."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from api.models import ApiToken
from tests.factories import MET, ComplaintFactory, EvidenceFactory, published_report
from tests.test_browser_journey import page, sign_in  # noqa: F401

STATIC_CSS = "/static/css/app.css"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


def assert_common_headers(response, label: str) -> None:
    assert response["X-Content-Type-Options"] == "nosniff", label
    assert response["Referrer-Policy"] == "same-origin", label
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", label
    assert "camera=()" in response["Permissions-Policy"], label
    directives = csp_directives(response)
    for sources in directives.values():
        assert "'unsafe-inline'" not in sources, label
        assert "'unsafe-eval'" not in sources, label
    if "sandbox" not in directives:
        # Every page refuses to be framed: by CSP and, for older browsers, X-Frame-Options.
        assert directives["frame-ancestors"] == ["'none'"], label
        assert directives["default-src"] == ["'none'"], label
        assert directives["script-src"] == ["'self'"], label
        assert response["X-Frame-Options"] == "DENY", label


@pytest.fixture
def world(team, met_recipient, hestia_member):
    investigation = published_report(team, MET)
    complaint = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    evidence = EvidenceFactory(complaint=complaint)
    return {
        "investigation": investigation,
        "complaint": complaint,
        "evidence": evidence,
    }


def test_every_kind_of_response_carries_the_security_headers(
    client, world, hestia_member, hmicfrs_monitor, admin_user
):
    investigation = world["investigation"]
    complaint = world["complaint"]
    anonymous = {
        "sign-in page": "/sign-in/",
        "public tracker": "/tracker/",
        "public CSV": "/tracker/responses.csv",
        "public JSON": "/tracker/responses.json",
        "Atom feed": "/tracker/feeds/reports.atom",
        "public API": "/api/v1/public/reports/",
        "API 401": "/api/v1/complaints/",
        "API 404": "/api/v1/nothing-here/",
        "page 404": "/no-such-page/",
        "static file": STATIC_CSS,
        "OpenAPI schema": "/api/schema/",
        "published report PDF": reverse(
            "public:report_pdf", args=[investigation.complaint.reference]
        ),
    }
    signed_in = {
        "charity list": (hestia_member, "/complaints/"),
        "evidence download": (
            hestia_member,
            reverse("complaints:evidence", args=[complaint.pk, world["evidence"].pk]),
        ),
        "acknowledgement 404": (
            hestia_member,
            reverse("complaints:letter", args=[complaint.pk]),
        ),
        "monitoring dashboard": (hmicfrs_monitor, "/monitoring/"),
        "monitoring CSV": (hmicfrs_monitor, "/monitoring/export.csv"),
        "monitoring PDF": (
            hmicfrs_monitor,
            reverse("monitoring:complaint_pdf", args=[investigation.pk]),
        ),
        "API docs": (hestia_member, "/api/docs/"),
        "API list": (hestia_member, "/api/v1/complaints/"),
        "admin": (admin_user, "/admin/"),
    }
    seen = {}
    for label, url in anonymous.items():
        response = Client().get(url)
        seen[label] = response.status_code
        assert_common_headers(response, label)
    for label, (user, url) in signed_in.items():
        browser = Client()
        browser.force_login(user)
        response = browser.get(url)
        seen[label] = response.status_code
        assert_common_headers(response, label)
        assert "no-store" in response["Cache-Control"], label
        assert "private" in response["Cache-Control"], label
    # The kinds really were what their labels say.
    assert seen["API 401"] == 401
    assert seen["page 404"] == 404
    assert seen["API 404"] == 404
    assert seen["acknowledgement 404"] == 404
    assert all(
        status == 200
        for label, status in seen.items()
        if label not in ("API 401", "page 404", "API 404", "acknowledgement 404")
    ), seen


def test_downloads_of_uploaded_files_are_sandboxed_and_never_cached(
    client, world, hestia_member
):
    client.force_login(hestia_member)
    complaint = world["complaint"]
    response = client.get(
        reverse("complaints:evidence", args=[complaint.pk, world["evidence"].pk])
    )
    directives = csp_directives(response)
    assert "sandbox" in directives
    assert directives["default-src"] == ["'none'"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_public_pages_may_be_cached_but_not_a_signed_in_copy(
    client, world, met_recipient
):
    anonymous = client.get("/tracker/")
    assert anonymous["Cache-Control"] == "public, max-age=300"

    # The same page signed in carries the person's name in its header: never cached.
    client.force_login(met_recipient)
    signed_in = client.get("/tracker/")
    assert met_recipient.get_full_name() in signed_in.content.decode()
    assert "public" not in signed_in["Cache-Control"]
    assert "no-store" in signed_in["Cache-Control"]

    # The public API answers the same whoever asks (it never reads the session), so it stays
    # cacheable.
    public_api = client.get("/api/v1/public/reports/")
    assert public_api["Cache-Control"] == "public, max-age=300"
    assert "Cookie" not in public_api.get("Vary", "")


def test_a_token_caller_gets_no_store_too(client, world, met_recipient):
    _token, secret = ApiToken.issue(met_recipient, "probe")
    response = client.get("/api/v1/responses/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_production_settings_add_hsts_on_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/sign-in/", secure=True)
    assert (
        response["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_pages_keep_to_the_policy_in_chromium(
    page,  # noqa: F811
    live_server,
    team,
    hestia_member,
    hmicfrs_monitor,
):
    """Chromium reports every resource or inline code the policy blocks; the real pages (forms,
    the dashboard's SVG charts, the Swagger docs, the admin) cause none."""
    published_report(team, MET)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective "
        "+ ' ' + e.blockedURI));"
    )
    base = live_server.url
    visited = []
    for url in ("/", "/tracker/", "/tracker/how-it-works/"):
        page.goto(base + url)
        visited.append(url)
    sign_in(page, base, hestia_member.username)
    for url in ("/complaints/", "/account/api-tokens/", "/api/docs/"):
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        visited.append(url)
    # Swagger UI ran under the policy and drew the operations from the schema.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    page.context.clear_cookies()
    sign_in(page, base, hmicfrs_monitor.username)
    page.goto(base + "/monitoring/")
    visited.append("/monitoring/")
    page.wait_for_load_state("networkidle")
    assert violations == [], "\n".join([*visited, *violations])

    # And the listener does hear the policy at work: an inline script is refused and reported.
    page.goto(base + "/tracker/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.inlineRan = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.inlineRan") is None
    expect(page.locator("body")).to_be_visible()
    assert any("script-src" in v for v in violations), violations
