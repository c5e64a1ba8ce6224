"""Demo responses to recommendations, used by `manage.py seed_demo`.

Publishing a report issues one response per recipient, all awaiting a response. Here a few
recipients with demo logins (the Met, MOPAC and Kent Police) work some of theirs through the real
services, each step on a historical day with the workflow clock set to it: so the demo shows every
state, the three outcomes, a joint force and PCC response, action plans and progress updates, and
extensions granted, refused and pending. Everything else stays awaiting a response, most of it long
overdue.

What these organisations actually said is not recorded in the demo: every response, update and
request says it is illustrative, and none claims a real force's words or decisions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from accounts.models import User
from recommendations import services
from recommendations.models import (
    ActionPlanItem,
    ExtensionRequest,
    RecommendationResponse,
)
from workflow import clock
from workflow.deadlines import LONDON

Outcome = RecommendationResponse.Outcome
Status = ActionPlanItem.Status

MET = "metropolitan-police-service"
MOPAC = "mayors-office-for-policing-and-crime"
KENT = "kent-police"

# The real reports (seed_demo's HISTORICAL), by title, and the invented one published in the demo.
SAFE_TO_SHARE = "Safe to share?"
HIDDEN_VICTIMS = "The hidden victims"
DUTY_TO_PROTECT = "A duty to protect"
POLICE_PERPETRATED = "Police perpetrated domestic abuse: report on the Centre for Women's Justice super-complaint"
TVIP = "Report on the Tees Valley Inclusion Project super-complaint"
STOP_AND_SEARCH = (
    "Report on the Criminal Justice Alliance's stop and search super-complaint"
)
STALKING = (
    "The police response to stalking: report on the Suzy Lamplugh Trust super-complaint"
)
STRANGULATION = (
    "Out of breath: report on the Centre for Women's Justice super-complaint on "
    "non-fatal strangulation (demo)"
)

MONITOR = "hmicfrs-monitor"
RECIPIENTS = {MET: "met", MOPAC: "mopac", KENT: "kent"}


def illustrative(organisation: str, text: str) -> str:
    return (
        f"Illustrative demo response: not the real response of {organisation}, which this demo "
        f"does not record. {text}"
    )


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


@contextmanager
def on(day: date, hour: int = 10) -> Iterator[None]:
    with clock.fixed_at(_at(day, hour)):
        yield


class Recipient:
    """One demo recipient working its responses through the services."""

    def __init__(self, users: dict[str, User], slug: str) -> None:
        self.user = users[RECIPIENTS[slug]]
        self.slug = slug
        self.name = self.user.organisation.name

    def response(self, report: str, number: int) -> RecommendationResponse:
        return RecommendationResponse.objects.select_related(
            "organisation", "joint_with"
        ).get(
            recommendation__investigation__report_title=report,
            recommendation__number=number,
            organisation__slug=self.slug,
        )

    def publish(
        self, response: RecommendationResponse, day: date, outcome: str, text: str
    ) -> RecommendationResponse:
        with on(day):
            services.save_response_draft(
                response,
                by=self.user,
                outcome=outcome,
                text=illustrative(self.name, text),
                expected_version=response.version,
            )
            services.publish_response(response, by=self.user)
        return response

    def start(self, response: RecommendationResponse, day: date) -> None:
        with on(day):
            services.start_work(response, by=self.user)

    def action(
        self,
        response: RecommendationResponse,
        day: date,
        description: str,
        owner: str,
        target_on: date,
    ) -> ActionPlanItem:
        with on(day):
            return services.add_action(
                response,
                by=self.user,
                description=f"{description} (Illustrative.)",
                owner=owner,
                target_on=target_on,
            )

    def update_action(
        self,
        action: ActionPlanItem,
        day: date,
        status: str,
        target_on: date | None = None,
        reason: str = "",
    ) -> None:
        with on(day):
            services.update_action(
                action,
                by=self.user,
                status=status,
                target_on=target_on or action.target_on,
                reason=reason,
            )

    def progress(self, response: RecommendationResponse, day: date, text: str) -> None:
        with on(day):
            services.post_progress_update(
                response, by=self.user, text=f"Illustrative demo update. {text}"
            )

    def report_done(
        self, response: RecommendationResponse, day: date, summary: str
    ) -> None:
        with on(day):
            services.report_implementation(
                response,
                by=self.user,
                summary=f"Illustrative demo implementation report. {summary}",
            )

    def ask_for_time(
        self, response: RecommendationResponse, day: date, until: date, reason: str
    ) -> ExtensionRequest:
        with on(day):
            return services.request_extension(
                response,
                by=self.user,
                new_due_on=until,
                reason=f"Illustrative demo request. {reason}",
            )


def seed_responses(users: dict[str, User], today: date) -> None:
    """Work a realistic subset of the demo recipients' responses through the services (see the
    module docstring). Run once, after the reports are published."""
    met = Recipient(users, MET)
    mopac = Recipient(users, MOPAC)
    kent = Recipient(users, KENT)
    monitor = users[MONITOR]

    # Safe to share? (17 December 2020; responses due 11 February 2021): the whole way to verified.
    response = met.publish(
        met.response(SAFE_TO_SHARE, 1),
        date(2021, 2, 8),
        Outcome.ACCEPTED,
        "The force accepts the recommendation. Officers will not pass the details of victims of "
        "domestic abuse to Immigration Enforcement where the only concern is doubt about their "
        "immigration status, and will refer them to independent advice instead.",
    )
    met.start(response, date(2021, 3, 1))
    guidance = met.action(
        response,
        date(2021, 3, 1),
        "Issue interim guidance to all officers and staff on not sharing victims' immigration "
        "details.",
        "Head of Public Protection",
        date(2021, 4, 30),
    )
    training = met.action(
        response,
        date(2021, 3, 1),
        "Add the guidance to the domestic abuse training of response officers.",
        "Head of Learning and Development",
        date(2021, 12, 31),
    )
    met.update_action(guidance, date(2021, 4, 20), Status.DONE)
    met.progress(
        response,
        date(2021, 6, 15),
        "Interim guidance issued to all officers in April; the training material is being revised.",
    )
    met.update_action(training, date(2021, 12, 10), Status.DONE)
    met.report_done(
        response,
        date(2022, 3, 14),
        "The guidance is in force and part of the domestic abuse training; an audit of a sample "
        "of cases found no referrals made on immigration status alone.",
    )
    with on(date(2022, 5, 10)):
        services.verify(response, by=monitor)

    mopac.publish(
        mopac.response(SAFE_TO_SHARE, 4),
        date(2021, 2, 10),
        Outcome.ACCEPTED,
        "MOPAC accepts the recommendation and will hold the Commissioner to account for it through "
        "its oversight board.",
    )

    # The hidden victims (26 May 2021; due 21 July 2021): a joint force and PCC response.
    joint = met.response(HIDDEN_VICTIMS, 5)
    with on(date(2021, 7, 19)):
        services.publish_joint_response(
            joint,
            by=met.user,
            outcome=Outcome.ACCEPTED,
            text=illustrative(
                f"{met.name} and {mopac.name}",
                "A joint response of the force and MOPAC. Both accept the recommendation: MOPAC "
                "commissions support for victims before and after a National Referral Mechanism "
                "referral, and the force refers every victim to it, with or without consent to a "
                "referral.",
            ),
        )
    kent.publish(
        kent.response(HIDDEN_VICTIMS, 3),
        date(2021, 7, 16),
        Outcome.ACCEPTED,
        "The force accepts the recommendation. Modern slavery investigations are allocated to its "
        "specialist exploitation team.",
    )

    # A duty to protect (24 August 2021): the Met's response is left unpublished, long overdue.

    # Police-perpetrated domestic abuse (30 June 2022; due 25 August 2022): an extension granted.
    response = met.response(POLICE_PERPETRATED, 1)
    request = met.ask_for_time(
        response,
        date(2022, 8, 10),
        date(2022, 9, 22),
        "The response needs the agreement of the force's professional standards and public "
        "protection commands, and their joint review ends in September.",
    )
    with on(date(2022, 8, 15)):
        services.grant_extension(
            request,
            by=monitor,
            new_due_on=date(2022, 9, 22),
            reason="Illustrative demo decision. A short extension to finish the joint review is "
            "reasonable.",
        )
    response = met.publish(
        RecommendationResponse.objects.get(pk=response.pk),
        date(2022, 9, 20),
        Outcome.ACCEPTED,
        "The force accepts the recommendation and will make sure victims of abuse by officers are "
        "offered independent support from outside the force.",
    )
    met.start(response, date(2022, 10, 3))
    met.progress(
        response,
        date(2023, 4, 3),
        "Referral arrangements with independent support services agreed; staff briefed.",
    )

    # Tees Valley Inclusion Project (16 December 2022; due 10 February 2023): partly and not accepted.
    met.publish(
        met.response(TVIP, 1),
        date(2023, 2, 8),
        Outcome.PARTLY_ACCEPTED,
        "The force accepts the recommendation on recording the risk of honour-based abuse, and "
        "will consider the rest once national guidance on ethnicity recording is published.",
    )
    kent.publish(
        kent.response(TVIP, 1),
        date(2023, 2, 9),
        Outcome.NOT_ACCEPTED,
        "The force does not accept the recommendation as written: it considers that its existing "
        "honour-based abuse policy already meets its aim. It will keep the policy under review.",
    )

    # Stop and search (15 December 2023; due 9 February 2024): an extension refused, then a late
    # response; and the Met's implementation reported, awaiting HMICFRS's verification.
    response = kent.response(STOP_AND_SEARCH, 1)
    request = kent.ask_for_time(
        response,
        date(2024, 1, 30),
        date(2024, 3, 8),
        "The force wants to consult its community scrutiny panel before responding.",
    )
    with on(date(2024, 2, 2)):
        services.refuse_extension(
            request,
            by=monitor,
            reason="Illustrative demo decision. The panel can be consulted on the action plan; "
            "the response itself is due on time.",
        )
    kent.publish(
        RecommendationResponse.objects.get(pk=response.pk),
        date(2024, 2, 20),
        Outcome.PARTLY_ACCEPTED,
        "The force accepts the recommendation on community scrutiny of stop and search, and will "
        "review its section 60 authorisations against the report's findings.",
    )
    response = met.publish(
        met.response(STOP_AND_SEARCH, 1),
        date(2024, 2, 7),
        Outcome.ACCEPTED,
        "The force accepts the recommendation and will publish its section 60 authorisations and "
        "their outcomes, with community scrutiny of each.",
    )
    met.start(response, date(2024, 2, 26))
    met.progress(
        response,
        date(2024, 9, 2),
        "Section 60 authorisations are now published monthly; community panels review a sample.",
    )
    met.report_done(
        response,
        today - timedelta(days=30),
        "Authorisations and outcomes have been published monthly for a year, and community panels "
        "have reviewed each one.",
    )
    mopac.publish(
        mopac.response(STOP_AND_SEARCH, 2),
        date(2024, 2, 9),
        Outcome.PARTLY_ACCEPTED,
        "MOPAC accepts the recommendation on community scrutiny, and will fund it through its "
        "existing community monitoring groups rather than a new body.",
    )

    # Stalking (27 September 2024; due 22 November 2024): action plans, one target moved.
    response = met.publish(
        met.response(STALKING, 1),
        date(2024, 11, 20),
        Outcome.ACCEPTED,
        "The force accepts the recommendation and has published an action plan.",
    )
    met.start(response, date(2024, 11, 25))
    champions = met.action(
        response,
        date(2024, 11, 25),
        "Name a stalking lead in every basic command unit.",
        "Head of Public Protection",
        date(2025, 3, 27),
    )
    training = met.action(
        response,
        date(2024, 11, 25),
        "Train call handlers to recognise stalking and record it correctly.",
        "Head of Contact Centres",
        date(2025, 6, 30),
    )
    met.action(
        response,
        date(2024, 11, 25),
        "Apply for a stalking protection order in every suitable case, and check a sample of cases "
        "each quarter.",
        "Detective Chief Superintendent, Public Protection",
        today + timedelta(days=120),
    )
    met.update_action(champions, date(2025, 3, 14), Status.DONE)
    met.update_action(
        training,
        date(2025, 6, 2),
        Status.IN_PROGRESS,
        target_on=today + timedelta(days=60),
        reason="Illustrative: the national training package it relies on was delayed.",
    )
    met.progress(
        response,
        date(2025, 3, 20),
        "Stalking leads named in every basic command unit; call-handler training is being "
        "designed.",
    )
    met.progress(
        response,
        date(2025, 9, 1),
        "Half of the call handlers are trained; the rest wait for the national training package.",
    )
    response = kent.publish(
        kent.response(STALKING, 1),
        date(2024, 11, 21),
        Outcome.ACCEPTED,
        "The force accepts the recommendation and has published an action plan.",
    )
    kent.start(response, date(2024, 12, 2))
    kent.action(
        response,
        date(2024, 12, 2),
        "Review every open stalking case for a stalking protection order.",
        "Head of Vulnerability",
        date(2025, 3, 27),
    )
    kent.progress(
        response,
        date(2025, 4, 7),
        "Every open case has been reviewed; applications were made where they were suitable.",
    )

    # The demo's own report, published 45 days ago: the Met is waiting to hear about more time.
    met.ask_for_time(
        met.response(STRANGULATION, 1),
        today - timedelta(days=2),
        today + timedelta(days=40),
        "The force is redesigning its domestic abuse risk assessment and wants to answer with it.",
    )
