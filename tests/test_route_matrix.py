"""Every URL pattern, asked by every persona: the status each should get is written down in one table,
`ROUTE_EXPECTATIONS`, and a route missing from it fails the suite.

GET for pages, downloads, exports and the API's reads; for a POST-only action, a POST with a valid CSRF
token and an empty body (a forbidden persona must get 403, 404 or a sign-in page; a permitted one gets
past the permission check: 200, 201, 302, 400 or 409); and the same for the writes of routes that also
read (a page's form, the API's create and PATCH). Writes are rolled back, so each persona meets the
same world. Every route is asked a second time with a Bearer token (Kent's recipient's) and
no session: it acts as Kent on the signed-in API and as nobody anywhere else.

The admin: one case per admin route, generated from the admin site's registry, because each model
brings the same six routes with the same rule: staff only (an anonymous visitor meets a sign-in page,
anyone signed in but not staff the admin's sign-in page, the superuser the page itself), and adding or
deleting the workflow's own records refused even to the superuser. Each is still asked one by one,
and an admin route that is not generated (a custom admin view) fails the suite like any other.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.probe_world import (
    ADMIN_LOGIN,
    GROUPS,
    LOGIN,
    PERSONAS,
    World,
    ask,
    build_world,
    client_for,
    outcome,
)

OK = 200
# What a permitted persona gets for an empty POST: the action done (302, or 200 or 201 from the API),
# the form or body refused (400), or not possible in this state (409). Never 403, 404 or a sign-in page.
DONE = frozenset({200, 201, 302, 400, 409})
DENIED = frozenset({401, 403, 404, 405, LOGIN, ADMIN_LOGIN})
BEARER_PERSONA = "recipient_other"


# --- Notation -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ref:
    """An object of the world, by name: its primary key (or `attribute`) goes in the URL."""

    name: str
    attribute: str = "pk"

    def value(self, world: World) -> Any:
        return getattr(world.objects[self.name], self.attribute)


class _Refs:
    def __getattr__(self, name: str) -> Ref:
        return Ref(name)


W = _Refs()


def reference(name: str) -> Ref:
    return Ref(name, "reference")


@dataclass(frozen=True)
class Case:
    """One request of a route: how to ask, with what, and what each persona must get."""

    method: str
    kwargs: dict[str, Any]
    expected: dict[str, frozenset[Any]]
    data: Callable[[World], dict[str, Any]] | None = None
    json: bool = False
    # For a pattern without a name: the path to ask for, with `{kwarg}` filled in.
    path: str = ""
    # Signing out ends the session: such a route gets a browser of its own.
    ends_session: bool = False


def _statuses(value: Any) -> frozenset[Any]:
    return (
        frozenset(value) if isinstance(value, set | frozenset) else frozenset({value})
    )


def _who(anon: Any, default: Any, who: dict[str, Any]) -> dict[str, frozenset[Any]]:
    """Expected outcomes for every persona: `default`, then groups, then named personas."""
    expected = {persona: _statuses(default) for persona in PERSONAS}
    expected["anon"] = _statuses(anon)
    unknown = set(who) - set(GROUPS) - set(PERSONAS)
    assert not unknown, f"not a persona or group: {unknown}"
    for name, value in who.items():
        if name in GROUPS:
            for persona in GROUPS[name]:
                expected[persona] = _statuses(value)
    for name, value in who.items():
        if name in PERSONAS:
            expected[name] = _statuses(value)
    return expected


def page(on: dict[str, Any] | None = None, default: Any = 403, **who: Any) -> Case:
    """A GET of a page that needs signing in."""
    return Case("get", on or {}, _who(who.pop("anon", LOGIN), default, who))


def action(
    on: dict[str, Any] | None = None,
    default: Any = 403,
    data: Callable[[World], dict[str, Any]] | None = None,
    **who: Any,
) -> Case:
    """A POST with an empty body (or `data`) to a page's action."""
    return Case("post", on or {}, _who(who.pop("anon", LOGIN), default, who), data)


def public(on: dict[str, Any] | None = None, default: Any = OK, **who: Any) -> Case:
    """A GET of a page or API answer anyone may read."""
    return Case("get", on or {}, _who(who.pop("anon", default), default, who))


def api(on: dict[str, Any] | None = None, default: Any = OK, **who: Any) -> Case:
    """A GET of the API: anonymous callers get a JSON 401."""
    return Case("get", on or {}, _who(who.pop("anon", 401), default, who))


def api_post(on: dict[str, Any] | None = None, default: Any = 403, **who: Any) -> Case:
    """A POST of the API with an empty JSON body."""
    return Case("post", on or {}, _who(who.pop("anon", 401), default, who), json=True)


def api_patch(on: dict[str, Any], default: Any = 404, **who: Any) -> Case:
    """A PATCH of the API with an empty JSON body (no `version`: a permitted caller gets a 400)."""
    return Case("patch", on, _who(who.pop("anon", 401), default, who), json=True)


def on(**kwargs: Any) -> dict[str, Any]:
    return kwargs


# Who sees what (the rules the table spells out, read from DESIGN and the README, not the code):
# - a draft complaint: its own body only; a submitted one also every authority's staff and monitors;
# - an investigation: its named team (lead, investigators, approvers) and the monitors;
# - a response: its recipient (and a joint partner), the body whose complaint it answers, every
#   authority's staff and the monitors; its evidence files not the body;
# - published reports, recommendations and responses: everyone, signed in or not.
SEES_SUBMITTED = {"charity": OK, "authority": OK, "commissioner": OK}
SEES_DRAFTING = {"team": OK, "monitors": OK}
SEES_MET_DRAFT = {
    "recipient_own": OK,
    "charity": OK,
    "authority": OK,
    "commissioner": OK,
}
SEES_MET_JOINT = {**SEES_MET_DRAFT, "recipient_partner": OK}
SEES_KENT = {
    "recipient_other": OK,
    "charity": OK,
    "authority": OK,
    "commissioner": OK,
}


def visible(seen_by: dict[str, Any], status: Any = 403) -> dict[str, Any]:
    """Those who see the object, given `status` instead of 200 (the rest get 404)."""
    return dict.fromkeys(seen_by, status)


def then(base: dict[str, Any], **who: Any) -> dict[str, Any]:
    return {**base, **who}


# Monitoring: oversight bodies, the authorities' staff and the designated bodies (for their own
# complaints); recipients and the admin-only account are refused.
MONITORING = {"bodies": OK, "authority": OK, "monitors": OK}
SUBMITTED = W.hestia_submitted
DRAFT = W.hestia_draft
DRAFTING = W.drafting
MET_DRAFT = W.rec1_recipient_own
MET_JOINT = W.rec2_recipient_own
KENT_REPORTED = W.rec2_recipient_other


def _hash(world: World) -> dict[str, Any]:
    return {"content_hash": world.drafting.content_hash()}


def _comment(world: World) -> dict[str, Any]:
    return {"text": "No factual errors."}


# --- The table ------------------------------------------------------------------------------------
ROUTE_EXPECTATIONS: dict[str, Case | tuple[Case, ...]] = {
    # Sign in and out; the front door sends each person to their work.
    "home": public(default=302, anon=OK, staff_admin=OK),
    "login": public(default=302, anon=OK),
    "healthz": public(),
    # Signing out ends at the sign-in page, for anyone.
    "logout": Case("post", {}, _who(LOGIN, LOGIN, {}), ends_session=True),
    # --- Complaints ---
    "complaints:list": page(bodies=OK),
    "complaints:start": action(bodies=DONE),
    "complaints:intake": page(triager=OK),
    "complaints:all": page(authority=OK, commissioner=OK),
    "complaints:detail": page(on(pk=SUBMITTED), 404, **SEES_SUBMITTED),
    "complaints:edit": (
        page(on(pk=DRAFT), 404, charity=OK),
        page(on(pk=SUBMITTED), 404, **visible(SEES_SUBMITTED)),
        # Saving: the owner's empty form is refused (400); nobody else gets that far.
        action(on(pk=DRAFT), 404, charity=400),
        action(on(pk=SUBMITTED), 404, **visible(SEES_SUBMITTED)),
    ),
    "complaints:check": (
        page(on(pk=DRAFT), 404, charity=OK),
        page(on(pk=SUBMITTED), 404, **visible(SEES_SUBMITTED)),
    ),
    "complaints:confirmation": page(
        on(pk=SUBMITTED), 404, **then(visible(SEES_SUBMITTED), charity=OK)
    ),
    "complaints:letter": (
        page(on(pk=W.hestia_acknowledged), 404, **SEES_SUBMITTED),
        # Not acknowledged yet: there is no letter, for anyone.
        page(on(pk=SUBMITTED), 404),
    ),
    "complaints:record_view": action(
        on(pk=W.hestia_assessing), 404, **then(visible(SEES_SUBMITTED), approver=400)
    ),
    "complaints:link_repeat": action(
        on(pk=W.hestia_assessing), 404, **then(visible(SEES_SUBMITTED), triager=302)
    ),
    "complaints:evidence": (
        page(
            on(pk=SUBMITTED, evidence_pk=W.hestia_submitted_evidence),
            404,
            **SEES_SUBMITTED,
        ),
        page(on(pk=DRAFT, evidence_pk=W.hestia_draft_evidence), 404, charity=OK),
        # Another complaint's file through this complaint's URL.
        page(on(pk=SUBMITTED, evidence_pk=W.cwj_submitted_evidence), 404),
    ),
    "complaints:evidence_remove": (
        action(on(pk=DRAFT, evidence_pk=W.hestia_draft_evidence), 404, charity=302),
        # Once submitted, nobody may remove its evidence.
        action(
            on(pk=SUBMITTED, evidence_pk=W.hestia_submitted_evidence),
            404,
            **visible(SEES_SUBMITTED),
        ),
    ),
    "complaints:transition": (
        action(on(pk=DRAFT, action="submit"), 404, charity=302),
        action(
            on(pk=SUBMITTED, action="acknowledge"),
            404,
            **then(visible(SEES_SUBMITTED), triager=302),
        ),
        action(
            on(pk=SUBMITTED, action="withdraw"),
            404,
            **then(visible(SEES_SUBMITTED), charity=400),
        ),
    ),
    # --- Investigations (the one being drafted; its team is lead, investigator and approvers) ---
    "investigations:dashboard": page(authority=OK, monitors=OK),
    **{
        f"investigations:{tab}": page(on(pk=DRAFTING), 404, **SEES_DRAFTING)
        for tab in (
            "overview",
            "team",
            "evidence",
            "tasks",
            "progress",
            "draft",
            "sign_off",
            "timeline",
        )
    },
    "investigations:transition": (
        action(
            on(pk=DRAFTING, action="send_for_fact_check"),
            404,
            **then(visible(SEES_DRAFTING), workers=302),
        ),
        action(
            on(pk=DRAFTING, action="pause"),
            404,
            **then(visible(SEES_DRAFTING), lead=400),
        ),
    ),
    "investigations:appoint_lead": action(
        on(complaint_pk=W.drafting_complaint),
        404,
        **then(visible(SEES_SUBMITTED), triager=302),
    ),
    "investigations:add_member": action(
        on(pk=DRAFTING), 404, **then(visible(SEES_DRAFTING), lead=400)
    ),
    "investigations:remove_member": action(
        on(pk=DRAFTING, member_pk=W.drafting_member),
        404,
        **then(visible(SEES_DRAFTING), lead=302),
    ),
    **{
        f"investigations:{name}": action(
            on(pk=DRAFTING), 404, **then(visible(SEES_DRAFTING), workers=400)
        )
        for name in (
            "terms_of_reference",
            "add_theme",
            "add_evidence_item",
            "add_task",
            "send_progress_report",
            "save_report",
            "add_recommendation",
            "add_action",
            "add_redaction",
            "add_fact_check",
        )
    },
    "investigations:evidence_status": action(
        on(pk=DRAFTING, item_pk=W.drafting_item),
        404,
        **then(visible(SEES_DRAFTING), workers=302),
    ),
    "investigations:attach": action(
        on(pk=DRAFTING, item_pk=W.drafting_item),
        404,
        **then(visible(SEES_DRAFTING), workers=302),
    ),
    "investigations:attachment": (
        page(
            on(
                pk=DRAFTING,
                item_pk=W.drafting_item,
                attachment_pk=W.drafting_attachment,
            ),
            404,
            **SEES_DRAFTING,
        ),
        # The drafting investigation's file through CWJ's investigation.
        page(
            on(
                pk=W.cwj_scoping,
                item_pk=W.drafting_item,
                attachment_pk=W.drafting_attachment,
            ),
            404,
        ),
    ),
    "investigations:complete_task": action(
        on(pk=DRAFTING, task_pk=W.drafting_task),
        404,
        **then(visible(SEES_DRAFTING), workers=302),
    ),
    "investigations:remove_recommendation": action(
        on(pk=DRAFTING, rec_pk=W.drafting_recommendation),
        404,
        **then(visible(SEES_DRAFTING), workers=302),
    ),
    "investigations:remove_action": action(
        on(pk=DRAFTING, action_pk=W.drafting_action),
        404,
        **then(visible(SEES_DRAFTING), workers=302),
    ),
    "investigations:remove_redaction": action(
        on(pk=DRAFTING, redaction_pk=W.drafting_redaction),
        404,
        **then(visible(SEES_DRAFTING), workers=302),
    ),
    # The comment form is checked before the permission, so these carry a comment.
    "investigations:fact_check_comment": Case(
        "post",
        on(pk=DRAFTING, request_pk=W.drafting_fact_check),
        _who(LOGIN, 404, then(visible(SEES_DRAFTING), workers=302)),
        _comment,
    ),
    # The version check comes before the permission, so these carry the current version's hash.
    "investigations:approve": Case(
        "post",
        on(pk=DRAFTING),
        _who(LOGIN, 404, then(visible(SEES_DRAFTING), approver=302)),
        _hash,
    ),
    # --- Published reports (public) ---
    "public:list": public(),
    # A complaint is public once found eligible (as GOV.UK lists them), its report once published.
    "public:report": (
        public(on(reference=reference("published_complaint"))),
        public(on(reference=reference("drafting_complaint"))),
        public(on(reference=reference("hestia_assessing")), 404),
    ),
    "public:report_pdf": (
        public(on(reference=reference("published_complaint"))),
        public(on(reference=reference("drafting_complaint")), 404),
    ),
    # --- Recipients' workspace (any signed-in person has a list, of what they may see) ---
    "responses:list": page(default=OK),
    "responses:export": page(default=OK),
    "responses:detail": (
        page(on(pk=MET_DRAFT), 404, **SEES_MET_DRAFT),
        page(on(pk=MET_JOINT), 404, **SEES_MET_JOINT),
        page(on(pk=KENT_REPORTED), 404, **SEES_KENT),
    ),
    "responses:save_draft": action(
        on(pk=MET_DRAFT), 404, **then(visible(SEES_MET_DRAFT), recipient_own=400)
    ),
    "responses:publish_joint": action(
        on(pk=MET_DRAFT), 404, **then(visible(SEES_MET_DRAFT), recipient_own=400)
    ),
    "responses:add_action": action(
        on(pk=MET_JOINT),
        404,
        **then(visible(SEES_MET_JOINT), recipient_own=400, recipient_partner=400),
    ),
    "responses:update_action": action(
        on(pk=MET_JOINT, action_pk=W.action_item),
        404,
        **then(visible(SEES_MET_JOINT), recipient_own=400, recipient_partner=400),
    ),
    "responses:post_update": action(
        on(pk=MET_JOINT),
        404,
        **then(visible(SEES_MET_JOINT), recipient_own=400, recipient_partner=400),
    ),
    "responses:report_implementation": action(
        on(pk=MET_JOINT),
        404,
        **then(visible(SEES_MET_JOINT), recipient_own=400, recipient_partner=400),
    ),
    "responses:evidence": (
        # Evidence files: the recipient, its joint partner, the authorities and monitors; not
        # the designated body, which sees the response itself.
        page(
            on(pk=MET_JOINT, evidence_pk=W.response_evidence),
            404,
            **then(SEES_MET_JOINT, charity=404),
        ),
        # The Met's file through Kent's response.
        page(on(pk=KENT_REPORTED, evidence_pk=W.response_evidence), 404),
    ),
    "responses:request_extension": action(
        on(pk=MET_DRAFT), 404, **then(visible(SEES_MET_DRAFT), recipient_own=400)
    ),
    "responses:grant_extension": action(
        on(pk=MET_DRAFT, request_pk=W.extension),
        404,
        **then(visible(SEES_MET_DRAFT), triager=400, monitor=400),
    ),
    "responses:refuse_extension": action(
        on(pk=MET_DRAFT, request_pk=W.extension),
        404,
        **then(visible(SEES_MET_DRAFT), triager=400, monitor=400),
    ),
    "responses:transition": (
        action(
            on(pk=MET_JOINT, action="start_work"),
            404,
            **then(visible(SEES_MET_JOINT), recipient_own=302, recipient_partner=302),
        ),
        action(
            on(pk=KENT_REPORTED, action="verify"),
            404,
            **then(visible(SEES_KENT), monitor=302),
        ),
    ),
    # --- Monitoring ---
    "monitoring:dashboard": page(**MONITORING),
    "monitoring:export_csv": page(**MONITORING),
    "monitoring:complaint_pdf": (
        page(on(investigation_pk=W.published), **MONITORING, other_charity=404),
        # Not published: no responses to report on.
        page(on(investigation_pk=DRAFTING), **dict.fromkeys(MONITORING, 404)),
    ),
    "monitoring:organisation_pdf": (
        page(on(org_pk=W.met), **MONITORING, other_charity=404),
        # Kent's progress: Kent itself is a recipient, refused the monitoring pages.
        page(on(org_pk=W.kent), **MONITORING, other_charity=404),
    ),
    # --- The public tracker ---
    "tracker:index": public(),
    "tracker:how_it_works": public(),
    "tracker:responses_csv": public(),
    "tracker:responses_json": public(),
    "tracker:response": public(on(pk=MET_DRAFT)),
    "tracker:feed_reports": public(),
    "tracker:feed_responses": public(),
    "tracker:feed_updates": public(),
    "tracker:complaint": (
        public(on(reference=reference("published_complaint"))),
        public(on(reference=reference("drafting_complaint")), 404),
    ),
    # --- The API: schema and docs are public; everything under v1/ but public/ needs a caller ---
    "api:schema": public(),
    "api:docs": public(),
    "api:me": api(),
    "api:public-reports": public(),
    "api:public-report": (
        public(on(reference=reference("published_complaint"))),
        public(on(reference=reference("drafting_complaint")), 404),
    ),
    "api:public-recommendations": public(),
    "api:public-responses": public(),
    "api:public-response": public(on(pk=MET_DRAFT)),
    "api:public-updates": public(),
    "api:organisation-list": api(),
    "api:organisation-detail": api(on(pk=W.met)),
    "api:complaint-list": (
        api(),
        # Starting a draft: designated bodies' members only.
        api_post(bodies=DONE),
    ),
    "api:complaint-detail": (
        api(on(pk=SUBMITTED), 404, **SEES_SUBMITTED),
        api(on(pk=DRAFT), 404, charity=OK),
        api_patch(on(pk=DRAFT), charity=400),
        api_patch(on(pk=SUBMITTED), **visible(SEES_SUBMITTED)),
    ),
    "api:investigation-list": api(),
    "api:investigation-detail": (
        api(on(pk=DRAFTING), 404, **SEES_DRAFTING),
        api_patch(on(pk=DRAFTING), **then(visible(SEES_DRAFTING), workers=400)),
    ),
    "api:recommendation-list": api(),
    "api:recommendation-detail": (
        api(on(pk=W.drafting_recommendation), 404, **SEES_DRAFTING),
        # Published: anyone signed in with an organisation.
        api(on(pk=W.rec1), staff_admin=404),
    ),
    "api:response-list": api(),
    "api:response-detail": (
        api(on(pk=MET_DRAFT), 404, **SEES_MET_DRAFT),
        api_patch(on(pk=MET_DRAFT), **then(visible(SEES_MET_DRAFT), recipient_own=400)),
    ),
    "api:complaints-transitions": api(on(pk=SUBMITTED), 404, **SEES_SUBMITTED),
    "api:complaints-transition-submit": api_post(
        on(pk=SUBMITTED), 404, **then(visible(SEES_SUBMITTED), charity=409)
    ),
    "api:complaints-transition-acknowledge": api_post(
        on(pk=SUBMITTED), 404, **then(visible(SEES_SUBMITTED), triager=OK)
    ),
    "api:complaints-transition-start_assessment": api_post(
        on(pk=SUBMITTED), 404, **then(visible(SEES_SUBMITTED), triager=409)
    ),
    "api:complaints-transition-decide_eligible": api_post(
        on(pk=SUBMITTED), 404, **then(visible(SEES_SUBMITTED), triager=409)
    ),
    "api:complaints-transition-decide_not_eligible": api_post(
        on(pk=SUBMITTED), 404, **then(visible(SEES_SUBMITTED), triager=400)
    ),
    "api:complaints-transition-withdraw": api_post(
        on(pk=SUBMITTED), 404, **then(visible(SEES_SUBMITTED), charity=400)
    ),
    "api/v1/complaints/<int:pk>/transitions/<slug:name>/": Case(
        "get",
        on(pk=SUBMITTED, name="no_such_transition"),
        _who(401, 404, {}),
        path="/api/v1/complaints/{pk}/transitions/{name}/",
    ),
    "api:investigations-transitions": api(on(pk=DRAFTING), 404, **SEES_DRAFTING),
    **{
        f"api:investigations-transition-{name}": api_post(
            on(pk=DRAFTING), 404, **then(visible(SEES_DRAFTING), workers=status)
        )
        for name, status in (
            ("start_evidence_gathering", 409),
            ("start_analysis", 409),
            ("start_drafting", 409),
            ("send_for_fact_check", OK),
            ("send_for_sign_off", 409),
        )
    },
    # Publishing is HMICFRS's: the College's investigator on the team may not.
    "api:investigations-transition-publish": api_post(
        on(pk=DRAFTING), 404, **then(visible(SEES_DRAFTING), lead=409)
    ),
    "api:investigations-transition-pause": api_post(
        on(pk=DRAFTING), 404, **then(visible(SEES_DRAFTING), lead=400)
    ),
    "api:investigations-transition-resume": api_post(
        on(pk=DRAFTING), 404, **then(visible(SEES_DRAFTING), lead=409)
    ),
    "api/v1/investigations/<int:pk>/transitions/<slug:name>/": Case(
        "get",
        on(pk=DRAFTING, name="no_such_transition"),
        _who(401, 404, {}),
        path="/api/v1/investigations/{pk}/transitions/{name}/",
    ),
    "api:responses-transitions": api(on(pk=MET_JOINT), 404, **SEES_MET_JOINT),
    **{
        f"api:responses-transition-{name}": api_post(
            on(pk=MET_JOINT),
            404,
            **then(
                visible(SEES_MET_JOINT), recipient_own=status, recipient_partner=status
            ),
        )
        for name, status in (
            ("publish_response", 409),
            ("start_work", 409),
            ("report_implementation", 400),
        )
    },
    "api:responses-transition-verify": api_post(
        on(pk=KENT_REPORTED), 404, **then(visible(SEES_KENT), monitor=OK)
    ),
    "api:responses-transition-send_back": api_post(
        on(pk=KENT_REPORTED), 404, **then(visible(SEES_KENT), monitor=400)
    ),
    # HMICFRS reopens a "not accepted" response: its monitoring staff or its triagers.
    "api:responses-transition-reopen": api_post(
        on(pk=KENT_REPORTED), 404, **then(visible(SEES_KENT), monitor=400, triager=400)
    ),
    "api/v1/responses/<int:pk>/transitions/<slug:name>/": Case(
        "get",
        on(pk=MET_JOINT, name="no_such_transition"),
        _who(401, 404, {}),
        path="/api/v1/responses/{pk}/transitions/{name}/",
    ),
    # --- API tokens: each person their own ---
    "api_tokens:list": (
        page(default=OK),
        # A token is made for the one asking: anyone signed in may (the empty name is refused).
        action(default=400),
    ),
    "api_tokens:revoke": action(on(pk=W.charity_token), 404, charity=302),
}


# --- The admin: every route staff-only ------------------------------------------------------------
# The admin adds and deletes only reference rows (people, organisations, groups, one-off holidays);
# the workflow's records and logs are read there, never added or deleted by hand. Sign-in attempts
# (django-axes) are recorded by the sign-in page and may be deleted (to lift a lock-out).
ADMIN_ADDS = {
    "auth_group",
    "accounts_organisation",
    "accounts_user",
    "workflow_extraholiday",
}
ADMIN_DELETES = ADMIN_ADDS | {
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
}
# A row id no model has: the admin sends the superuser back to its index for it.
NO_SUCH_ROW = 987654321


def _staff_only(staff: Any, **extra: Any) -> dict[str, frozenset[Any]]:
    """The admin asks everyone who is not staff to sign in to it (anonymous visitors included:
    its pages are exempt from LoginRequiredMiddleware and do their own check)."""
    return _who(ADMIN_LOGIN, ADMIN_LOGIN, {"staff_admin": staff, **extra})


def _model_staff_only(staff: Any) -> dict[str, frozenset[Any]]:
    """A model's admin pages are not exempt from LoginRequiredMiddleware, so an anonymous visitor
    meets the service's sign-in page first."""
    return _who(LOGIN, ADMIN_LOGIN, {"staff_admin": staff})


def admin_expectations(empty: frozenset[str] = frozenset()) -> dict[str, Case]:
    """One case per admin route, from the admin site's own URL list. `empty`: the models of which
    the world has no row (their object pages are asked for a row that does not exist)."""
    cases: dict[str, Case] = {
        "admin:index": Case("get", {}, _staff_only(OK)),
        # The admin's sign-in page is open; a superuser already signed in is sent on.
        "admin:login": Case("get", {}, _who(OK, OK, {"staff_admin": 302})),
        # Signing out of the admin ends at the sign-in page; anyone not staff is sent to the
        # admin's index (and from there to its sign-in page).
        "admin:logout": Case(
            "post",
            {},
            _who(ADMIN_LOGIN, 302, {"staff_admin": LOGIN}),
            ends_session=True,
        ),
        "admin:password_change": Case("get", {}, _staff_only(OK)),
        "admin:password_change_done": Case("get", {}, _staff_only(OK)),
        # Without the widget's parameters the autocomplete refuses even the superuser.
        "admin:autocomplete": Case("get", {}, _staff_only(403)),
        "admin:jsi18n": Case("get", {}, _staff_only(OK)),
        # Our models have no public page to go to.
        "admin:view_on_site": Case(
            "get",
            on(content_type_id=W.complaint_type, object_id=SUBMITTED),
            _staff_only(404),
        ),
        "admin:app_list": Case("get", on(app_label="complaints"), _staff_only(OK)),
        "admin:auth_user_password_change": Case(
            "get", on(id=Ref("admin:accounts_user")), _model_staff_only(OK)
        ),
        "admin/(?P<url>.*)$": Case(
            "get", {}, _staff_only(404), path="/admin/no-such-page/"
        ),
    }
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        obj = Ref(f"admin:{label}")
        found = 302 if label in empty else OK
        cases[f"admin:{label}_changelist"] = Case("get", {}, _model_staff_only(OK))
        cases[f"admin:{label}_add"] = Case(
            "get", {}, _model_staff_only(OK if label in ADMIN_ADDS else 403)
        )
        for view in ("history", "change"):
            cases[f"admin:{label}_{view}"] = Case(
                "get", on(object_id=obj), _model_staff_only(found)
            )
        cases[f"admin:{label}_delete"] = Case(
            "get",
            on(object_id=obj),
            _model_staff_only(found if label in ADMIN_DELETES else 403),
        )
        # The old change URL redirects the superuser to the new one.
        prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}"
        cases[
            f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
        ] = Case(
            "get",
            on(object_id=obj),
            _model_staff_only(302),
            path=prefix + "/{object_id}/",
        )
    return cases


def all_expectations(
    empty: frozenset[str] = frozenset(),
) -> dict[str, tuple[Case, ...]]:
    table = {**ROUTE_EXPECTATIONS, **admin_expectations(empty)}
    return {
        key: cases if isinstance(cases, tuple) else (cases,)
        for key, cases in table.items()
    }


# --- Every URL pattern ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    key: str
    pattern: str


def routes(
    patterns: list[Any] | None = None,
    prefix: str = "",
    namespaces: tuple[str, ...] = (),
) -> Iterator[Route]:
    """Every URL pattern, depth first, keyed by its namespaced name (or its pattern when unnamed)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            if entry.name:
                yield Route(":".join((*namespaces, entry.name)), pattern)
            else:
                yield Route(pattern, pattern)


def _url(world: World, key: str, case: Case) -> str:
    kwargs = {
        name: value.value(world) if isinstance(value, Ref) else value
        for name, value in case.kwargs.items()
    }
    if case.path:
        return case.path.format(**kwargs)
    return reverse(key, kwargs=kwargs)


def _objects_for_admin(world: World) -> frozenset[str]:
    """The admin's routes name one row of each model they show; returns the models without one."""
    empty: set[str] = set()
    world.add(
        "complaint_type",
        ContentType.objects.get_for_model(type(world.hestia_submitted)),
    )
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        row = model._default_manager.order_by("pk").first()
        if row is None:
            empty.add(label)
            row = model(pk=NO_SUCH_ROW)
        world.add(f"admin:{label}", row)
    return frozenset(empty)


# --- The tests ------------------------------------------------------------------------------------
def test_every_route_is_in_the_table():
    found = [route.key for route in routes()]
    table = all_expectations()

    assert len(found) == len(set(found)), "two routes share a key"
    missing = [key for key in found if key not in table]
    stale = [key for key in table if key not in found]
    assert not missing, "\n".join(
        f"route {key} is not in ROUTE_EXPECTATIONS; add what each persona should get"
        for key in missing
    )
    assert not stale, f"ROUTE_EXPECTATIONS names routes that no longer exist: {stale}"
    for key, cases in table.items():
        for case in cases:
            assert set(case.expected) == set(PERSONAS), key


@dataclass
class Tally:
    requests: int = 0
    unexpected_allows: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    def check(
        self, key: str, case: Case, persona: str, url: str, got: Any, how: str = ""
    ) -> None:
        self.requests += 1
        expected = case.expected[persona]
        if got in expected:
            return
        line = f"{key} {case.method.upper()} {url} as {persona}{how}: expected {sorted(map(str, expected))}, got {got}"
        allowed = isinstance(got, int) and (
            200 <= got < 300 or (case.method != "get" and 300 <= got < 400)
        )
        if expected <= DENIED and allowed:
            self.unexpected_allows.append(line)
        else:
            self.mismatches.append(line)


def _ask(client: Any, case: Case, url: str, world: World, **headers: Any) -> Any:
    data = case.data(world) if case.data else None
    try:
        return outcome(
            ask(client, case.method, url, data=data, json=case.json, **headers)
        )
    except Exception as error:  # noqa: BLE001 - a crash is a finding, reported with the others
        return f"exception {type(error).__name__}: {error}"


def test_every_persona_gets_what_the_table_says_on_every_route(db, figure):
    started = time.monotonic()
    cpu = time.process_time()
    world = build_world()
    table = all_expectations(_objects_for_admin(world))
    keys = [route.key for route in routes()]
    tally = Tally()
    clients = {persona: client_for(world, persona) for persona in PERSONAS}
    bearer = client_for(world, "anon")
    token = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[BEARER_PERSONA]}"}

    for key in keys:
        for case in table[key]:
            url = _url(world, key, case)
            match = resolve(url.split("?")[0])
            assert match.view_name == key or case.path, (key, url, match.view_name)
            for persona in PERSONAS:
                client = (
                    client_for(world, persona)
                    if case.ends_session
                    else clients[persona]
                )
                tally.check(key, case, persona, url, _ask(client, case, url, world))
            # The token acts as its user on the API and as nobody anywhere else.
            is_api = url.startswith("/api/v1/") and not url.startswith(
                "/api/v1/public/"
            )
            as_whom = BEARER_PERSONA if is_api else "anon"
            tally.check(
                key,
                case,
                as_whom,
                url,
                _ask(bearer, case, url, world, **token),
                how=" (Bearer token)",
            )

    figure(
        f"\nRoute matrix: {len(keys)} routes × {len(PERSONAS)} personas = "
        f"{tally.requests} requests ({sum(len(table[k]) for k in keys)} cases, "
        f"Bearer token included), {len(tally.unexpected_allows)} unexpected allows, "
        f"{len(tally.mismatches)} other mismatches ({time.monotonic() - started:.1f} s, "
        f"{time.process_time() - cpu:.1f} s CPU)"
    )
    assert not tally.unexpected_allows, "\n".join(tally.unexpected_allows)
    assert not tally.mismatches, "\n".join(tally.mismatches)
