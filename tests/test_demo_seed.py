"""`seed_demo` builds the demo through the real services, and can be run again safely."""

import pytest
from django.core.management import call_command
from django.db import models, transaction
from django.test import override_settings

from accounts.models import Organisation, OrganisationKind, Role, User
from complaints.models import SuperComplaint
from investigations.models import Investigation, ProgressReport, TeamMember
from recommendations.models import (
    ActionPlanItem,
    ExtensionRequest,
    ProgressUpdate,
    RecipientKind,
    Recommendation,
    RecommendationResponse,
)
from workflow.models import DueDateChange, TransitionLog


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once for the whole module (it takes seconds through the real services) in a
    transaction rolled back at the end; each test runs in a savepoint inside it, as usual. Its
    evidence files live in the module's own media folder."""
    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp(_demo):
    """Instead of conftest's per-test media folder: the seeded evidence files must stay visible."""


def _counts():
    return {
        "complaints": SuperComplaint.objects.count(),
        "transitions": TransitionLog.objects.count(),
        "users": User.objects.count(),
        "investigations": Investigation.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "responses": RecommendationResponse.objects.count(),
        "team members": TeamMember.objects.count(),
        "progress reports": ProgressReport.objects.count(),
        "published responses": RecommendationResponse.objects.filter(
            published_at__isnull=False
        ).count(),
        "extension requests": ExtensionRequest.objects.count(),
        "action plan items": ActionPlanItem.objects.count(),
        "progress updates": ProgressUpdate.objects.count(),
    }


def test_seed_demo_is_complete_and_idempotent(db):
    counts = _counts()
    call_command("seed_demo", verbosity=0)

    assert _counts() == counts
    assert set(SuperComplaint.objects.values_list("state", flat=True)) == set(
        SuperComplaint.State.values
    )
    roles = set(User.objects.values_list("role_grants__role", flat=True))
    assert roles >= set(Role.values)
    hestia = SuperComplaint.objects.get(title__startswith="Underground lives")
    assert (hestia.reference, hestia.received_on.isoformat()) == (
        "SC-2019-002",
        "2019-05-31",
    )
    assert hestia.investigation.report_published_on.isoformat() == "2021-05-26"
    for complaint in SuperComplaint.objects.exclude(state=SuperComplaint.State.DRAFT):
        assert TransitionLog.objects.for_object(complaint).exists()


def test_seed_demo_has_an_investigation_in_every_stage(db):

    assert set(Investigation.objects.values_list("state", flat=True)) == set(
        Investigation.State.values
    )
    # The seven real reports, recorded as published before this service, and one published here.
    assert (
        Investigation.objects.filter(state=Investigation.State.PUBLISHED).count() == 8
    )
    assert (
        Investigation.objects.filter(
            state=Investigation.State.PUBLISHED,
            published_report__published_by__username="hmicfrs-lead",
        ).count()
        == 1
    )


def test_demo_investigations_follow_the_sign_off_rules(db):

    sign_off = Investigation.objects.get(state=Investigation.State.SIGN_OFF)
    paused = Investigation.objects.get(state=Investigation.State.PAUSED)
    assert sorted(sign_off.current_approvals()) == [
        OrganisationKind.COLLEGE,
        OrganisationKind.HMICFRS,
    ]
    assert (paused.paused_from, bool(paused.pause_reason)) == (
        Investigation.State.EVIDENCE_GATHERING,
        True,
    )
    for investigation in Investigation.objects.filter(team__isnull=False).distinct():
        approvers = {
            m.user_id
            for m in investigation.team.all()
            if m.role == TeamMember.Role.APPROVER
        }
        authors = set(investigation.draft_contributors.values_list("pk", flat=True))
        assert len(approvers) == 3
        assert approvers & authors == set()


def test_hestias_report_is_the_hidden_victims_with_its_recommendations_and_actions(db):

    investigation = SuperComplaint.objects.get(
        title__startswith="Underground lives"
    ).investigation
    report = investigation.published_report
    assert report.snapshot["title"] == "The hidden victims"
    recommendations = list(investigation.recommendations.all())
    assert any(
        [o.slug for o in r.named_recipients.all()] == ["home-office"]
        for r in recommendations
    )
    assert any(
        r.recipient_kinds == [RecipientKind.CHIEF_CONSTABLES] for r in recommendations
    )
    assert sorted(a.body.kind for a in investigation.actions.all()) == [
        OrganisationKind.COLLEGE,
        OrganisationKind.HMICFRS,
    ]


def test_published_recommendations_are_issued_to_every_recipient(db):

    territorial = Organisation.objects.filter(
        kind=OrganisationKind.POLICE_FORCE, is_territorial_force=True
    ).count()
    expected = sum(
        len(r.recipient_organisations()) for r in Recommendation.objects.published()
    )
    hidden_victims = RecommendationResponse.objects.filter(
        recommendation__investigation__complaint__title__startswith="Underground lives"
    )

    assert territorial == 43
    assert expected > 0
    assert RecommendationResponse.objects.count() == expected
    # Home Office 1, three recommendations to chief constables, one to them and the 43 PCCs.
    assert hidden_victims.count() == 1 + 3 * 43 + 2 * 43
    assert not RecommendationResponse.objects.filter(
        recommendation__investigation__state__in=Investigation.WORKING
    ).exists()


def test_demo_responses_are_in_every_state_with_realistic_dates(db):
    from django.utils import timezone

    responses = RecommendationResponse.objects.all()
    published = responses.filter(published_at__isnull=False)
    safe_to_share = responses.get(
        recommendation__investigation__report_title="Safe to share?",
        recommendation__number=1,
        organisation__slug="metropolitan-police-service",
    )

    assert set(responses.values_list("state", flat=True)) == set(
        RecommendationResponse.State.values
    )
    assert set(published.values_list("outcome", flat=True)) == set(
        RecommendationResponse.Outcome.values
    )
    assert responses.overdue(timezone.localdate()).count() > 600
    # The whole way to verified, at historical dates, by HMICFRS's monitoring demo user.
    assert (
        safe_to_share.state,
        safe_to_share.published_at.date().isoformat(),
        safe_to_share.verified_at.date().isoformat(),
        safe_to_share.verified_by.username,
    ) == ("verified", "2021-02-08", "2022-05-10", "hmicfrs-monitor")
    assert all(
        r.response_text.startswith("Illustrative demo response") for r in published
    )
    assert sorted(
        responses.filter(joint_with__isnull=False).values_list(
            "organisation__slug", "joint_with__organisation__slug"
        )
    ) == [
        ("mayors-office-for-policing-and-crime", "metropolitan-police-service"),
        ("metropolitan-police-service", "mayors-office-for-policing-and-crime"),
    ]


def test_demo_has_extensions_granted_refused_and_pending_and_action_plans(db):
    granted = ExtensionRequest.objects.get(state=ExtensionRequest.State.GRANTED)
    moved = ActionPlanItem.objects.get(target_on__gt=models.F("original_target_on"))

    assert sorted(ExtensionRequest.objects.values_list("state", flat=True)) == [
        "granted",
        "pending",
        "refused",
    ]
    assert granted.response.due_on == granted.granted_due_on
    assert granted.response.was_extended
    assert RecommendationResponse.objects.get(extension_pending=True).state == (
        RecommendationResponse.State.AWAITING_RESPONSE
    )
    assert [c.reason for c in DueDateChange.objects.for_object(moved)] == [
        "Illustrative: the national training package it relies on was delayed. "
        "(Rachel Adams, Metropolitan Police Service)"
    ]
    assert ActionPlanItem.objects.filter(status=ActionPlanItem.Status.DONE).exists()
    assert ProgressUpdate.objects.count() >= 5


def test_demo_users_can_sign_in(client, db):

    response = client.post(
        "/sign-in/", {"username": "hestia", "password": "demo-password-2026"}
    )
    assert response.status_code == 302
    assert client.get("/complaints/").status_code == 200


def test_every_page_of_every_demo_investigation_renders(client, db):
    """The pages against realistic data: every tab of every investigation for its lead and for a
    monitor, the dashboard, the complaint pages and the public pages."""
    from django.urls import reverse

    tabs = ["overview", "team", "evidence", "tasks", "progress", "draft"]
    tabs += ["sign_off", "timeline"]
    statuses = []
    for username in ("hmicfrs-lead", "monitor"):
        client.force_login(User.objects.get(username=username))
        statuses.append(client.get(reverse("investigations:dashboard")).status_code)
        for investigation in Investigation.objects.filter(
            team__isnull=False
        ).distinct():
            for tab in tabs:
                response = client.get(
                    reverse(f"investigations:{tab}", args=[investigation.pk])
                )
                statuses.append(response.status_code)
    client.force_login(User.objects.get(username="hestia"))
    for complaint in SuperComplaint.objects.filter(organisation__slug="hestia"):
        statuses.append(
            client.get(reverse("complaints:detail", args=[complaint.pk])).status_code
        )
    client.logout()
    statuses.append(client.get(reverse("public:list")).status_code)
    for complaint in SuperComplaint.objects.filter(investigation__isnull=False):
        statuses.append(
            client.get(reverse("public:report", args=[complaint.reference])).status_code
        )

    assert set(statuses) == {200}
    assert len(statuses) > 100


def test_every_response_page_of_the_demo_renders(client, db):
    """The workspace, monitoring and tracker pages against the demo's responses in every state:
    each recipient's own responses, HMICFRS monitoring's view, the PDFs and the public tracker."""
    from django.urls import reverse

    from recommendations.models import RecommendationResponse

    worked_on = RecommendationResponse.objects.exclude(
        state=RecommendationResponse.State.AWAITING_RESPONSE
    ) | RecommendationResponse.objects.filter(extension_requests__isnull=False)
    worked_on = worked_on.distinct().select_related("organisation")
    statuses = []
    for username in ("met", "mopac", "kent", "hmicfrs-monitor"):
        user = User.objects.get(username=username)
        client.force_login(user)
        statuses.append(client.get(reverse("responses:list")).status_code)
        for response in RecommendationResponse.objects.visible_to(user).filter(
            pk__in=worked_on
        ):
            statuses.append(
                client.get(reverse("responses:detail", args=[response.pk])).status_code
            )
    for username in ("hmicfrs-monitor", "hestia", "monitor"):
        client.force_login(User.objects.get(username=username))
        statuses.append(client.get(reverse("monitoring:dashboard")).status_code)
    client.force_login(User.objects.get(username="hmicfrs-monitor"))
    statuses.append(client.get(reverse("monitoring:export_csv")).status_code)
    published = Investigation.objects.filter(published_report__isnull=False)
    for investigation in published:
        statuses.append(
            client.get(
                reverse("monitoring:complaint_pdf", args=[investigation.pk])
            ).status_code
        )
    for response in worked_on:
        statuses.append(
            client.get(
                reverse("monitoring:organisation_pdf", args=[response.organisation_id])
            ).status_code
        )
    client.logout()
    statuses.append(client.get(reverse("tracker:index")).status_code)
    statuses.append(client.get(reverse("tracker:how_it_works")).status_code)
    for investigation in published:
        statuses.append(
            client.get(
                reverse("tracker:complaint", args=[investigation.complaint.reference])
            ).status_code
        )
    for response in worked_on.filter(published_at__isnull=False):
        statuses.append(
            client.get(reverse("tracker:response", args=[response.pk])).status_code
        )

    assert set(statuses) == {200}
    assert len(statuses) > 50
