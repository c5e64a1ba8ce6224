"""State changes over the API: the same service as the page's button (same log rows, same e-mails),
only what the caller may do, and every refusal as a JSON error with the right status."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_fsm.signals import pre_transition

from api import transitions as api_transitions
from api.models import ApiToken
from complaints.models import EligibilityView, SuperComplaint
from investigations.models import Investigation
from recommendations.models import RecommendationResponse
from tests.factories import (
    COLLEGE,
    HMICFRS,
    IOPC,
    MET,
    ComplaintFactory,
    EligibilityViewFactory,
    EvidenceFactory,
    investigation_in,
    org,
    published_report,
    response_in,
)
from workflow.models import TransitionLog
from workflow.transitions import LOST_RACE_MESSAGE, NOT_NOW_MESSAGE

C = SuperComplaint.State
S = Investigation.State
R = RecommendationResponse.State
O = RecommendationResponse.Outcome  # noqa: E741


# --- Helpers --------------------------------------------------------------------------------------
def api(user, **client_options):
    _token, secret = ApiToken.issue(user, "Tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **client_options)


def post(client, resource, obj, name, body=None):
    return client.post(
        f"/api/v1/{resource}/{obj.pk}/transitions/{name}/",
        body or {},
        content_type="application/json",
    )


def listed(client, resource, obj):
    return client.get(f"/api/v1/{resource}/{obj.pk}/transitions/")


def new_log_rows(obj, since):
    return [
        (
            row.transition,
            row.source,
            row.target,
            row.by.username,
            row.organisation.name if row.organisation else None,
            row.reason,
        )
        for row in TransitionLog.objects.for_object(obj).filter(pk__gt=since)
    ]


def last_log_pk():
    return TransitionLog.objects.order_by("pk").values_list("pk", flat=True).last() or 0


def _anonymised(text):
    # Twins differ only in their references and ids.
    text = re.sub(r"SC-\d{4}-\d{3}", "SC-…", text)
    return re.sub(r"/\d+/", "/…/", text)


def sent_mail():
    return [
        (
            _anonymised(message.subject),
            sorted(message.to),
            _anonymised(message.body),
            [_anonymised(name) for name, _content, _type in message.attachments],
        )
        for message in mail.outbox
    ]


def submitted_complaint(member, state=C.SUBMITTED):
    complaint = ComplaintFactory(
        organisation=member.organisation,
        created_by=member,
        state=state,
        reference=f"SC-2026-{SuperComplaint.objects.count() + 500:03d}",
        received_at=timezone.now(),
    )
    EvidenceFactory(complaint=complaint)
    return complaint


def met_response(team, state, met_recipient, monitor=None, outcome=O.ACCEPTED):
    investigation = published_report(team, MET)
    response = RecommendationResponse.objects.get(
        recommendation__investigation=investigation, organisation=org(MET)
    )
    return response_in(
        response, state, recipient=met_recipient, monitor=monitor, outcome=outcome
    )


def twins_compared(django_capture_on_commit_callbacks, by_page, by_api):
    """Run the page's action on one twin and the API's on the other; return what each left."""
    results = []
    for act in (by_page, by_api):
        mail.outbox.clear()
        since = last_log_pk()
        with django_capture_on_commit_callbacks(execute=True):
            obj, answer = act()
        results.append((new_log_rows(obj, since), sent_mail(), answer))
    return results


# --- Same rows, same e-mails as the page ----------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "state", "actor", "reason"),
    [
        ("acknowledge", C.SUBMITTED, "hmicfrs_triager", ""),
        (
            "withdraw",
            C.ACKNOWLEDGED,
            "hestia_member",
            "We will take it up with the force.",
        ),
    ],
)
def test_a_complaint_transition_does_what_the_page_does(
    request,
    django_capture_on_commit_callbacks,
    hestia_member,
    name,
    state,
    actor,
    reason,
):
    user = request.getfixturevalue(actor)
    twin, other = (
        submitted_complaint(hestia_member, state),
        submitted_complaint(hestia_member, state),
    )
    page = Client()
    page.force_login(user)

    def by_page():
        page.post(f"/complaints/{twin.pk}/actions/{name}/", {f"{name}-reason": reason})
        return twin, None

    def by_api():
        return other, post(api(user), "complaints", other, name, {"reason": reason})

    (page_rows, page_mail, _), (api_rows, api_mail, answer) = twins_compared(
        django_capture_on_commit_callbacks, by_page, by_api
    )

    target = SuperComplaint.objects.get(pk=other.pk).state
    assert answer.status_code == 200
    assert answer.json() == {
        "id": other.pk,
        "state": target,
        "state_label": str(C(target).label),
    }
    assert (
        api_rows
        == page_rows
        == [(name, state, target, actor, user.organisation.name, reason)]
    )
    assert api_mail == page_mail
    assert SuperComplaint.objects.get(pk=twin.pk).state == target


def test_a_not_eligible_decision_sends_the_reasons_as_the_page_does(
    django_capture_on_commit_callbacks, hestia_member, hmicfrs_triager
):
    twins = [submitted_complaint(hestia_member, C.UNDER_ASSESSMENT) for _ in range(2)]
    for complaint in twins:
        for authority in (HMICFRS, COLLEGE, IOPC):
            EligibilityViewFactory(
                complaint=complaint,
                authority=org(authority),
                view=EligibilityView.View.NOT_ELIGIBLE,
            )
    reasons = "It concerns a single force's handling of one case."
    page = Client()
    page.force_login(hmicfrs_triager)

    def by_page():
        page.post(
            f"/complaints/{twins[0].pk}/actions/decide_not_eligible/",
            {"decide_not_eligible-reason": reasons},
        )
        return twins[0], None

    def by_api():
        answer = post(
            api(hmicfrs_triager),
            "complaints",
            twins[1],
            "decide_not_eligible",
            {"reason": reasons},
        )
        return twins[1], answer

    (page_rows, page_mail, _), (api_rows, api_mail, answer) = twins_compared(
        django_capture_on_commit_callbacks, by_page, by_api
    )

    assert answer.status_code == 200
    assert answer.json()["state"] == C.NOT_ELIGIBLE
    assert api_rows == page_rows
    assert len(api_mail) == 1
    assert reasons in api_mail[0][2]
    assert api_mail == page_mail


@pytest.mark.parametrize(
    ("name", "stage", "reason"),
    [
        ("send_for_fact_check", S.DRAFTING, ""),
        ("pause", S.ANALYSIS, "Waiting for the forces' data."),
    ],
)
def test_an_investigation_transition_does_what_the_page_does(
    django_capture_on_commit_callbacks, team, name, stage, reason
):
    met = org(MET)
    met.email = "fact-checks@met.example"
    met.save(update_fields=["email"])
    twin = investigation_in(stage, team, ready=True)
    other = investigation_in(stage, team, ready=True)
    page = Client()
    page.force_login(team.lead)

    def by_page():
        page.post(
            f"/investigations/{twin.pk}/stage/{name}/", {f"{name}-reason": reason}
        )
        return twin, None

    def by_api():
        body = {"reason": reason} if reason else {}
        return other, post(api(team.lead), "investigations", other, name, body)

    (page_rows, page_mail, _), (api_rows, api_mail, answer) = twins_compared(
        django_capture_on_commit_callbacks, by_page, by_api
    )

    target = Investigation.objects.get(pk=other.pk).state
    assert answer.status_code == 200
    assert answer.json() == {
        "id": other.pk,
        "state": target,
        "state_label": str(S(target).label),
    }
    assert api_rows == page_rows
    assert api_rows == [
        (name, stage, target, team.lead.username, team.lead.organisation.name, reason)
    ]
    assert api_mail == page_mail
    if name == "send_for_fact_check":
        assert len(api_mail) == 1


def test_sending_back_a_response_does_what_the_page_does(
    django_capture_on_commit_callbacks, team, met_recipient, hmicfrs_monitor
):
    twin = met_response(team, R.IMPLEMENTATION_REPORTED, met_recipient)
    other = met_response(team, R.IMPLEMENTATION_REPORTED, met_recipient)
    reason = "Send the training records for the response teams."
    page = Client()
    page.force_login(hmicfrs_monitor)

    def by_page():
        page.post(f"/responses/{twin.pk}/do/send_back/", {"send_back-reason": reason})
        return twin, None

    def by_api():
        answer = post(
            api(hmicfrs_monitor), "responses", other, "send_back", {"reason": reason}
        )
        return other, answer

    (page_rows, page_mail, _), (api_rows, api_mail, answer) = twins_compared(
        django_capture_on_commit_callbacks, by_page, by_api
    )

    assert answer.status_code == 200
    assert answer.json()["state"] == R.IN_PROGRESS
    assert api_rows == page_rows
    assert api_rows == [
        (
            "send_back",
            R.IMPLEMENTATION_REPORTED,
            R.IN_PROGRESS,
            "hmicfrs_monitor",
            hmicfrs_monitor.organisation.name,
            reason,
        )
    ]
    assert len(api_mail) == 1
    assert api_mail == page_mail


def test_publishing_a_response_with_its_text_does_what_the_page_does(
    django_capture_on_commit_callbacks, team, met_recipient
):
    twin = met_response(team, R.AWAITING_RESPONSE, met_recipient)
    other = met_response(team, R.AWAITING_RESPONSE, met_recipient)
    text = "We accept it and will train every officer by March."
    page = Client()
    page.force_login(met_recipient)

    def by_page():
        page.post(
            f"/responses/{twin.pk}/draft/",
            {
                "response-version": twin.version,
                "response-outcome": O.ACCEPTED,
                "response-text": text,
                "publish": "1",
            },
        )
        return twin, None

    def by_api():
        answer = post(
            api(met_recipient),
            "responses",
            other,
            "publish_response",
            {"outcome": O.ACCEPTED, "response_text": text},
        )
        return other, answer

    (page_rows, page_mail, _), (api_rows, api_mail, answer) = twins_compared(
        django_capture_on_commit_callbacks, by_page, by_api
    )

    assert answer.status_code == 200
    assert answer.json()["state"] == R.RESPONSE_PUBLISHED
    assert api_rows == page_rows
    assert api_rows[0][:4] == (
        "publish_response",
        R.AWAITING_RESPONSE,
        R.RESPONSE_PUBLISHED,
        "met_recipient",
    )
    assert api_mail == page_mail
    published = RecommendationResponse.objects.get(pk=other.pk)
    assert (published.outcome, published.response_text, published.published_by) == (
        O.ACCEPTED,
        text,
        met_recipient,
    )


def test_reporting_implementation_needs_the_summary(team, met_recipient):
    response = met_response(team, R.IN_PROGRESS, met_recipient)
    client = api(met_recipient)

    missing = post(client, "responses", response, "report_implementation")
    done = post(
        client,
        "responses",
        response,
        "report_implementation",
        {"summary": "Every officer trained."},
    )

    assert missing.status_code == 400
    assert list(missing.json()["fields"]) == ["summary"]
    assert done.status_code == 200
    assert done.json()["state"] == R.IMPLEMENTATION_REPORTED
    assert [
        (row.transition, row.by)
        for row in TransitionLog.objects.for_object(response).order_by("pk")
    ][-1] == ("report_implementation", met_recipient)


def test_the_implementation_summary_is_kept(team, met_recipient):
    response = met_response(team, R.IN_PROGRESS, met_recipient)

    post(
        api(met_recipient),
        "responses",
        response,
        "report_implementation",
        {"summary": "Every officer trained."},
    )

    assert (
        RecommendationResponse.objects.get(pk=response.pk).implementation_summary
        == "Every officer trained."
    )


# --- 409: repeated, stale, condition unmet --------------------------------------------------------
def test_repeating_a_transition_is_a_conflict(
    django_capture_on_commit_callbacks, hestia_member, hmicfrs_triager
):
    complaint = submitted_complaint(hestia_member)
    client = api(hmicfrs_triager)

    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, "complaints", complaint, "acknowledge")
        again = post(client, "complaints", complaint, "acknowledge")

    assert first.status_code == 200
    assert again.status_code == 409
    assert again.json() == {
        "status": 409,
        "code": "conflict",
        "message": str(NOT_NOW_MESSAGE),
    }
    assert TransitionLog.objects.for_object(complaint).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("resource", ["complaints", "investigations", "responses"])
def test_a_lost_race_is_a_conflict_and_changes_nothing(
    request, django_capture_on_commit_callbacks, resource, hestia_member
):
    if resource == "complaints":
        obj = submitted_complaint(hestia_member)
        user, name, other_state = (
            request.getfixturevalue("hmicfrs_triager"),
            "acknowledge",
            C.WITHDRAWN,
        )
    elif resource == "investigations":
        team = request.getfixturevalue("team")
        obj = investigation_in(S.ANALYSIS, team)
        user, name, other_state = team.lead, "start_drafting", S.PAUSED
    else:
        recipient = request.getfixturevalue("met_recipient")
        obj = met_response(
            request.getfixturevalue("team"), R.RESPONSE_PUBLISHED, recipient
        )
        user, name, other_state = recipient, "start_work", R.AWAITING_RESPONSE
    model = type(obj)
    before = model.objects.get(pk=obj.pk).state
    logged = TransitionLog.objects.for_object(obj).count()
    client = api(user)
    mail.outbox.clear()

    def another_request_commits_first(sender, instance, name, **kwargs):
        # A second server process, between this request loading the row and saving it.
        model.objects.filter(pk=instance.pk).update(state=other_state)

    pre_transition.connect(another_request_commits_first, sender=model)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            answer = post(client, resource, obj, name)
    finally:
        pre_transition.disconnect(another_request_commits_first, sender=model)

    assert answer.status_code == 409
    assert answer.json()["message"] == str(LOST_RACE_MESSAGE)
    # The simulated write ran inside this request's transaction and rolled back with it.
    assert model.objects.get(pk=obj.pk).state == before
    assert TransitionLog.objects.for_object(obj).count() == logged
    assert mail.outbox == []


def test_an_unmet_condition_is_a_conflict_that_says_what_is_missing(
    hestia_member, hmicfrs_triager
):
    draft = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member, title=""
    )
    assessed = submitted_complaint(hestia_member, C.UNDER_ASSESSMENT)
    EligibilityViewFactory(complaint=assessed)

    submit = post(api(hestia_member), "complaints", draft, "submit")
    decide = post(api(hmicfrs_triager), "complaints", assessed, "decide_eligible")

    assert submit.status_code == 409
    assert submit.json()["message"] == (
        "Give the super-complaint a title. Attach at least one evidence file."
    )
    assert decide.status_code == 409
    assert decide.json()["message"] == ("Needs the view of: College of Policing, IOPC.")
    assert SuperComplaint.objects.get(pk=draft.pk).state == C.DRAFT
    assert SuperComplaint.objects.get(pk=assessed.pk).state == C.UNDER_ASSESSMENT
    assert TransitionLog.objects.count() == 0


def test_a_response_that_cannot_be_published_saves_nothing(team, met_recipient):
    response = met_response(team, R.AWAITING_RESPONSE, met_recipient)
    client = api(met_recipient)

    empty = post(client, "responses", response, "publish_response")
    half = post(
        client, "responses", response, "publish_response", {"outcome": O.ACCEPTED}
    )

    assert empty.status_code == 409
    assert empty.json()["message"] == (
        "Choose whether the recommendation is accepted, partly accepted or not accepted. "
        "Write the response."
    )
    assert half.status_code == 409
    assert half.json()["message"] == "Write the response."
    stored = RecommendationResponse.objects.get(pk=response.pk)
    assert (stored.state, stored.outcome, stored.version) == (
        R.AWAITING_RESPONSE,
        "",
        response.version,
    )


# --- 401, 403, 404, 400 ---------------------------------------------------------------------------
def test_anonymous_is_a_401(db, hestia_member):
    complaint = submitted_complaint(hestia_member)

    assert listed(Client(), "complaints", complaint).status_code == 401
    answer = post(Client(), "complaints", complaint, "withdraw", {"reason": "x"})
    assert answer.status_code == 401
    assert answer.json()["status"] == 401
    assert SuperComplaint.objects.get(pk=complaint.pk).state == C.SUBMITTED


def test_who_sees_but_may_not_act_gets_a_403(
    team, hestia_member, commissioner_monitor, hmicfrs_monitor, met_recipient
):
    investigation = investigation_in(S.ANALYSIS, team)
    complaint = submitted_complaint(hestia_member)
    response = met_response(team, R.AWAITING_RESPONSE, met_recipient)
    monitor = api(commissioner_monitor)

    refusals = [
        post(monitor, "investigations", investigation, "start_drafting"),
        post(monitor, "investigations", investigation, "pause", {"reason": "x"}),
        post(monitor, "complaints", complaint, "acknowledge"),
        post(api(hmicfrs_monitor), "responses", response, "publish_response"),
        post(api(hestia_member), "responses", response, "publish_response"),
    ]

    assert [r.status_code for r in refusals] == [403] * 5
    assert refusals[0].json()["code"] == "permission_denied"
    assert listed(monitor, "investigations", investigation).json()["transitions"] == []
    assert TransitionLog.objects.filter(by=commissioner_monitor).count() == 0
    assert Investigation.objects.get(pk=investigation.pk).state == S.ANALYSIS


def test_who_cannot_see_gets_a_404(
    team,
    hestia_member,
    hmicfrs_triager,
    kent_recipient,
    met_recipient,
    hmicfrs_investigator_not_on_team,
):
    investigation = investigation_in(S.ANALYSIS, team)
    response = met_response(team, R.AWAITING_RESPONSE, met_recipient)
    draft = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    kent = api(kent_recipient)
    outsider = api(hmicfrs_investigator_not_on_team)
    triager = api(hmicfrs_triager)

    answers = [
        listed(kent, "responses", response),
        post(kent, "responses", response, "publish_response"),
        listed(outsider, "investigations", investigation),
        post(outsider, "investigations", investigation, "start_drafting"),
        post(triager, "complaints", draft, "withdraw", {"reason": "x"}),
        post(api(met_recipient), "responses", response, "no_such_thing"),
        post(triager, "complaints", SuperComplaint(pk=999999), "acknowledge"),
    ]

    assert [a.status_code for a in answers] == [404] * 7
    assert answers[1].json()["code"] == "not_found"
    assert (
        RecommendationResponse.objects.get(pk=response.pk).state == R.AWAITING_RESPONSE
    )


@pytest.mark.parametrize("reason", [None, "", "   "])
@pytest.mark.parametrize("name", ["send_back", "reopen", "pause", "withdraw"])
def test_a_missing_reason_is_a_400_on_the_field(
    request, team, hestia_member, met_recipient, hmicfrs_monitor, name, reason
):
    if name == "withdraw":
        obj, user, resource = (
            submitted_complaint(hestia_member),
            hestia_member,
            "complaints",
        )
    elif name == "pause":
        obj, user, resource = (
            investigation_in(S.ANALYSIS, team),
            team.lead,
            "investigations",
        )
    else:
        state = (
            R.IMPLEMENTATION_REPORTED if name == "send_back" else R.RESPONSE_PUBLISHED
        )
        obj = met_response(
            team,
            state,
            met_recipient,
            outcome=O.NOT_ACCEPTED if name == "reopen" else O.ACCEPTED,
        )
        user, resource = hmicfrs_monitor, "responses"
    logged = TransitionLog.objects.for_object(obj).count()
    body = {} if reason is None else {"reason": reason}

    answer = post(api(user), resource, obj, name, body)

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert list(answer.json()["fields"]) == ["reason"]
    assert TransitionLog.objects.for_object(obj).count() == logged


# --- What the caller may do now -------------------------------------------------------------------
def test_the_list_shows_only_what_the_caller_may_do_with_what_blocks_it(
    hestia_member, hmicfrs_triager
):
    complaint = submitted_complaint(hestia_member, C.UNDER_ASSESSMENT)

    triager = listed(api(hmicfrs_triager), "complaints", complaint)
    body = listed(api(hestia_member), "complaints", complaint)

    assert triager.status_code == 200
    needs_all = "Needs the view of: HMICFRS, College of Policing, IOPC."
    base = f"http://testserver/api/v1/complaints/{complaint.pk}/transitions/"
    assert triager.json() == {
        "id": complaint.pk,
        "state": "under_assessment",
        "state_label": "Under assessment",
        "transitions": [
            {
                "name": "decide_eligible",
                "label": "Record decision: eligible",
                "url": f"{base}decide_eligible/",
                "needs_reason": False,
                "enabled": False,
                "blocked_because": [needs_all],
                "fields": [
                    {
                        "name": "reason",
                        "required": False,
                        "label": "Reason",
                    }
                ],
            },
            {
                "name": "decide_not_eligible",
                "label": "Record decision: not eligible",
                "url": f"{base}decide_not_eligible/",
                "needs_reason": True,
                "enabled": False,
                "blocked_because": [needs_all],
                "fields": [
                    {
                        "name": "reason",
                        "required": True,
                        "label": "Reasons (sent to the designated body)",
                    }
                ],
            },
        ],
    }
    assert [(t["name"], t["enabled"]) for t in body.json()["transitions"]] == [
        ("withdraw", True)
    ]


def test_the_list_of_an_investigation_depends_on_the_role_on_the_team(
    team, college_investigator
):
    investigation = investigation_in(S.SCOPING, team)

    lead = listed(api(team.lead), "investigations", investigation).json()
    member = listed(api(college_investigator), "investigations", investigation).json()

    assert [
        (t["name"], t["enabled"], t["blocked_because"], t["fields"])
        for t in lead["transitions"]
    ] == [
        (
            "pause",
            True,
            [],
            [
                {
                    "name": "reason",
                    "required": True,
                    "label": "Why is the investigation paused?",
                }
            ],
        ),
        (
            "start_evidence_gathering",
            False,
            ["Write the terms of reference and at least one investigative theme."],
            [],
        ),
    ]
    # Only the lead pauses; the historical-report import is never offered over the API.
    assert [t["name"] for t in member["transitions"]] == ["start_evidence_gathering"]


# --- CSRF: the browser session needs the token; API tokens do not ---------------------------------
def test_a_session_post_needs_the_csrf_token_and_a_token_client_does_not(
    hestia_member, hmicfrs_triager
):
    first, second, third = (submitted_complaint(hestia_member) for _ in range(3))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(hmicfrs_triager)

    without = post(browser, "complaints", first, "acknowledge")
    browser.cookies["csrftoken"] = "a" * 32
    with_token = browser.post(
        f"/api/v1/complaints/{second.pk}/transitions/acknowledge/",
        {},
        content_type="application/json",
        HTTP_X_CSRFTOKEN="a" * 32,
    )
    by_token = post(
        api(hmicfrs_triager, enforce_csrf_checks=True),
        "complaints",
        third,
        "acknowledge",
    )

    assert without.status_code == 403
    assert "CSRF" in without.json()["message"]
    assert SuperComplaint.objects.get(pk=first.pk).state == C.SUBMITTED
    assert with_token.status_code == 200
    assert by_token.status_code == 200


# --- The whitelist and its documentation ----------------------------------------------------------
@pytest.mark.parametrize("resource", api_transitions.RESOURCES, ids=lambda r: r.name)
def test_each_transition_that_needs_a_reason_requires_one(resource):
    for name, step in resource.steps.items():
        meta = getattr(resource.model, name)._django_fsm
        needs_reason = next(iter(meta.transitions.values())).custom.get(
            "needs_reason", False
        )
        fields = step.body().fields if step.body else {}
        assert needs_reason == ("reason" in fields and fields["reason"].required), name


def test_each_transition_is_documented_with_its_own_body(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]

    for resource in api_transitions.RESOURCES:
        listing = paths[f"/api/v1/{resource.name}/{{id}}/transitions/"]["get"]
        assert set(listing["responses"]) == {"200", "401", "403", "404", "429"}
        for name, step in resource.steps.items():
            operation = paths[f"/api/v1/{resource.name}/{{id}}/transitions/{name}/"][
                "post"
            ]
            assert set(operation["responses"]) == {
                "200",
                "400",
                "401",
                "403",
                "404",
                "409",
                "429",
            }
            assert ("requestBody" in operation) == (step.body is not None), name
