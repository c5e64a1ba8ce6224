"""The permission matrix of every complaint page and action, for every persona.

Invisible objects are 404, visible but not actionable are 403, anonymous visitors are sent to sign in.
A body never sees another body's drafts or evidence."""

import pytest
from django.test import Client
from django.urls import reverse

from complaints.models import SuperComplaint
from tests.factories import ComplaintFactory, EvidenceFactory

pytestmark = pytest.mark.django_db
S = SuperComplaint.State
PERSONAS = [
    "anonymous",
    "hestia_member",
    "cwj_member",
    "hmicfrs_triager",
    "hmicfrs_approver",
    "college_approver",
    "iopc_approver",
    "iopc_investigator",
    "met_recipient",
    "commissioner_monitor",
]
STAFF = [
    "hmicfrs_triager",
    "hmicfrs_approver",
    "college_approver",
    "iopc_approver",
    "iopc_investigator",
    "commissioner_monitor",
]


def expect(default, **overrides):
    table = dict.fromkeys(PERSONAS, default)
    table["anonymous"] = 302
    for names, status in overrides.items():
        for name in names.split("__"):
            table[name] = status
    return table


STAFF_KEY = "__".join(STAFF)
# (page, state of the complaint, expected status per persona)
PAGES = {
    "list": (None, expect(403, hestia_member__cwj_member=200)),
    "intake": (None, expect(403, hmicfrs_triager=200)),
    "all": (None, expect(403, **{STAFF_KEY: 200})),
    "detail": (S.DRAFT, expect(404, hestia_member=200)),
    "detail ": (S.SUBMITTED, expect(404, hestia_member=200, **{STAFF_KEY: 200})),
    "edit": (S.DRAFT, expect(404, hestia_member=200)),
    "edit ": (S.SUBMITTED, expect(404, hestia_member=403, **{STAFF_KEY: 403})),
    "check": (S.DRAFT, expect(404, hestia_member=200)),
    "confirmation": (S.SUBMITTED, expect(404, hestia_member=200, **{STAFF_KEY: 403})),
    "letter": (S.ACKNOWLEDGED, expect(404, hestia_member=200, **{STAFF_KEY: 200})),
    "evidence": (S.DRAFT, expect(404, hestia_member=200)),
    "evidence ": (S.SUBMITTED, expect(404, hestia_member=200, **{STAFF_KEY: 200})),
}


@pytest.fixture
def as_persona(request, client):
    def login(name):
        if name == "anonymous":
            return client, None
        user = request.getfixturevalue(name)
        client.force_login(user)
        return client, user

    return login


def make_complaint(request, state):
    owner = request.getfixturevalue("hestia_member")
    complaint = ComplaintFactory(
        organisation=owner.organisation, created_by=owner, state=state
    )
    if state != S.DRAFT:
        from django.utils import timezone

        SuperComplaint.objects.filter(pk=complaint.pk).update(
            reference="SC-2026-050",
            received_at=timezone.now(),
            acknowledged_at=timezone.now() if state == S.ACKNOWLEDGED else None,
        )
    evidence = EvidenceFactory(complaint=complaint)
    return SuperComplaint.objects.get(pk=complaint.pk), evidence


def url_for(page, complaint, evidence):
    name = page.strip()
    if complaint is None:
        return reverse(f"complaints:{name}")
    if name == "evidence":
        return reverse("complaints:evidence", args=[complaint.pk, evidence.pk])
    return reverse(f"complaints:{name}", args=[complaint.pk])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_permissions(request, as_persona, page, persona):
    state, expected = PAGES[page]
    complaint, evidence = make_complaint(request, state) if state else (None, None)
    client, _user = as_persona(persona)

    response = client.get(url_for(page, complaint, evidence))

    assert response.status_code == expected[persona]
    if expected[persona] == 302:
        assert response["Location"].startswith(reverse("login"))


# (action, state, expected status per persona: 302 = done and redirected)
ACTIONS = {
    "acknowledge": (
        S.SUBMITTED,
        expect(
            404,
            hestia_member=403,
            hmicfrs_triager=302,
            **{k: 403 for k in STAFF if k != "hmicfrs_triager"},
        ),
    ),
    "start_assessment": (
        S.ACKNOWLEDGED,
        expect(
            404,
            hestia_member=403,
            hmicfrs_triager=302,
            **{k: 403 for k in STAFF if k != "hmicfrs_triager"},
        ),
    ),
    "withdraw": (S.SUBMITTED, expect(404, hestia_member=302, **{STAFF_KEY: 403})),
    "submit": (S.DRAFT, expect(404, hestia_member=302)),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_action_permissions(request, as_persona, action, persona):
    state, expected = ACTIONS[action]
    complaint, _evidence = make_complaint(request, state)
    client, _user = as_persona(persona)

    response = client.post(
        reverse("complaints:transition", args=[complaint.pk, action]),
        {f"{action}-reason": "A reason."},
    )

    assert response.status_code == expected[persona]
    complaint.refresh_from_db()
    changed = complaint.state != state
    assert changed == (expected[persona] == 302 and persona != "anonymous")


@pytest.mark.parametrize("persona", PERSONAS)
def test_record_view_permissions(request, as_persona, persona):
    complaint, _evidence = make_complaint(request, S.UNDER_ASSESSMENT)
    client, _user = as_persona(persona)
    expected = expect(
        404,
        **{STAFF_KEY: 403},
        hestia_member=403,
        hmicfrs_approver=302,
        college_approver=302,
        iopc_approver=302,
    )

    response = client.post(
        reverse("complaints:record_view", args=[complaint.pk]),
        {"view": "eligible", "reasons": "Meets reg 4."},
    )

    assert response.status_code == expected[persona]
    assert complaint.eligibility_views.count() == (
        1 if expected[persona] == 302 and persona != "anonymous" else 0
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_start_draft_permissions(as_persona, persona):
    client, user = as_persona(persona)
    expected = expect(403, hestia_member=302, cwj_member=302)

    response = client.post(reverse("complaints:start"))

    assert response.status_code == expected[persona]
    created = SuperComplaint.objects.all()
    if expected[persona] == 302 and user:
        assert [c.organisation for c in created] == [user.organisation]
    else:
        assert list(created) == []


def test_organisation_cannot_be_chosen_in_the_draft_form(client, hestia_member):
    complaint = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    client.force_login(hestia_member)

    client.post(
        reverse("complaints:edit", args=[complaint.pk]),
        {
            "version": 1,
            "title": "T",
            "organisation": "99",
            "state": "eligible",
            "reference": "SC-1999-001",
        },
    )

    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    assert (
        complaint.organisation,
        complaint.state,
        complaint.reference,
        complaint.title,
    ) == (
        hestia_member.organisation,
        S.DRAFT,
        None,
        "T",
    )


def test_transitions_refuse_get(client, hmicfrs_triager, request):
    complaint, _evidence = make_complaint(request, S.SUBMITTED)
    client.force_login(hmicfrs_triager)

    assert (
        client.get(
            reverse("complaints:transition", args=[complaint.pk, "acknowledge"])
        ).status_code
        == 405
    )
    assert SuperComplaint.objects.get(pk=complaint.pk).state == S.SUBMITTED


def test_csrf_is_enforced_on_transitions(hmicfrs_triager, request):
    complaint, _evidence = make_complaint(request, S.SUBMITTED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(hmicfrs_triager)
    url = reverse("complaints:transition", args=[complaint.pk, "acknowledge"])

    refused = client.post(url)

    assert refused.status_code == 403
    assert SuperComplaint.objects.get(pk=complaint.pk).state == S.SUBMITTED
    page = client.get(reverse("complaints:detail", args=[complaint.pk]))
    token = page.context["csrf_token"]
    accepted = client.post(url, {"csrfmiddlewaretoken": str(token)})
    assert accepted.status_code == 302
    assert SuperComplaint.objects.get(pk=complaint.pk).state == S.ACKNOWLEDGED


def test_actions_a_user_may_never_take_are_not_shown(client, hestia_member, request):
    complaint, _evidence = make_complaint(request, S.SUBMITTED)
    client.force_login(hestia_member)

    page = client.get(
        reverse("complaints:detail", args=[complaint.pk])
    ).content.decode()

    assert "Withdraw super-complaint" in page
    assert "Acknowledge receipt" not in page


def test_blocked_actions_say_why(client, hmicfrs_triager, college_approver, request):
    complaint, _evidence = make_complaint(request, S.UNDER_ASSESSMENT)
    client.force_login(college_approver)
    client.post(
        reverse("complaints:record_view", args=[complaint.pk]),
        {"view": "eligible", "reasons": "Meets reg 4."},
    )
    client.force_login(hmicfrs_triager)

    page = client.get(
        reverse("complaints:detail", args=[complaint.pk])
    ).content.decode()

    assert "Needs the view of: HMICFRS, IOPC." in page


def test_evidence_is_visible_with_its_complaint(request, cwj_member, hmicfrs_triager):
    from complaints.models import Evidence

    draft, draft_evidence = make_complaint(request, S.DRAFT)
    submitted, submitted_evidence = make_complaint(request, S.SUBMITTED)
    owner = request.getfixturevalue("hestia_member")

    assert set(Evidence.objects.visible_to(owner)) == {
        draft_evidence,
        submitted_evidence,
    }
    assert set(Evidence.objects.visible_to(hmicfrs_triager)) == {submitted_evidence}
    assert list(Evidence.objects.visible_to(cwj_member)) == []


def test_not_found_page_is_the_services_own(client, hestia_member):
    client.force_login(hestia_member)

    response = client.get("/complaints/999999/")

    assert response.status_code == 404
    assert (
        '<h1 class="govuk-heading-l">Page not found</h1>' in response.content.decode()
    )
