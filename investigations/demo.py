"""Demo content for the joint investigation, used by `manage.py seed_demo`.

Two parts. The seven published reports (DOMAIN.md §4), recorded through `record_historical_report`
with only what the domain brief knows of them: where a recommendation's wording is not known, it says
so. And invented current investigations, one in every stage, worked through the real services by the
demo team, each step on its own day with the workflow clock set to that day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from accounts.models import Organisation, User
from investigations import services
from investigations.models import (
    EvidenceItem,
    Investigation,
    PublishedReport,
    TeamMember,
)
from recommendations.models import RecipientKind
from workflow import clock
from workflow.deadlines import LONDON

HMICFRS = "his-majestys-inspectorate-of-constabulary-and-fire-rescue-services"
COLLEGE = "college-of-policing"
HOME_OFFICE = "home-office"
NPCC = "national-police-chiefs-council"
APCC = "association-of-police-and-crime-commissioners"
MOJ = "ministry-of-justice"
CPS = "crown-prosecution-service"

CHIEF_CONSTABLES = RecipientKind.CHIEF_CONSTABLES.value
LOCAL_POLICING_BODIES = RecipientKind.LOCAL_POLICING_BODIES.value

# Every current investigation has the same demo team, so that each demo login sees all of them.
LEAD = "hmicfrs-lead"
INVESTIGATORS = ("investigator", "college-investigator", "iopc-investigator")
APPROVERS = ("hmicfrs-approver", "college-approver", "iopc-approver")

INVENTED = "Invented for the demo: not a real super-complaint."
SEE_REPORT = "see the published report for its full wording."


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


# --- The published reports ------------------------------------------------------------------------
@dataclass(frozen=True)
class Rec:
    text: str
    kinds: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    due_on: date | None = None


@dataclass(frozen=True)
class Act:
    body: str
    text: str


@dataclass(frozen=True)
class ReportContent:
    summary: str
    steps_taken: str
    findings: str
    conclusions: str
    further_action: str
    recommendations: tuple[Rec, ...]
    actions: tuple[Act, ...] = ()


def _to(recipient: str) -> str:
    return f"Recommendation to {recipient}: {SEE_REPORT}"


def _action(body: str) -> str:
    return f"Action for {body}: {SEE_REPORT}"


NOT_RECORDED = "Not recorded in this demo: see the published report."

# Keyed by the report's title (seed_demo's HISTORICAL). Each summary says what is verified.
HISTORICAL_REPORTS: dict[str, ReportContent] = {
    "Safe to share?": ReportContent(
        summary="Demo record of a real report. Verified from public sources: the title, the publication "
        "date, and the recipients (chief constables, the Home Office, the NPCC and police and crime "
        "commissioners, with actions for HMICFRS and the College of Policing). Recommendation 1 is "
        "paraphrased from published summaries. Everything else is not reproduced here: read the report.",
        steps_taken=NOT_RECORDED,
        findings="As publicly reported: the complaint was upheld. The police sharing of victims' and "
        "witnesses' data with immigration enforcement was found to harm the public interest "
        "significantly, and the law and policy on it were to be reviewed.",
        conclusions=NOT_RECORDED,
        further_action="The report sets actions for HMICFRS and the College of Policing (wording not "
        "recorded).",
        recommendations=(
            Rec(
                "As an interim step, stop passing the details of domestic abuse victims to Immigration "
                "Enforcement where there is only doubt about their immigration status, and refer them "
                "to third-party advice instead. (Paraphrased from published summaries.)",
                kinds=(CHIEF_CONSTABLES,),
            ),
            Rec(_to("the Home Office"), named=(HOME_OFFICE,)),
            Rec(_to("the National Police Chiefs' Council"), named=(NPCC,)),
            Rec(
                _to("police and crime commissioners (or equivalents)"),
                kinds=(LOCAL_POLICING_BODIES,),
            ),
        ),
        actions=(
            Act(HMICFRS, _action("HMICFRS")),
            Act(COLLEGE, _action("the College")),
        ),
    ),
    "A duty to protect": ReportContent(
        summary="Demo record of a real report. Verified from public sources: the title, the month of "
        "publication (August 2021), and the recipients (chief constables, the NPCC, the Home Office "
        "and the Ministry of Justice, with actions for HMICFRS and the College of Policing). The "
        "wording of the recommendations is not recorded here: read the report.",
        steps_taken=NOT_RECORDED,
        findings="As publicly reported: good practice was found, but also a lack of understanding of how "
        "and when to use protective measures, and victims were sometimes poorly supported.",
        conclusions=NOT_RECORDED,
        further_action="The report sets actions for HMICFRS and the College of Policing (wording not "
        "recorded).",
        recommendations=(
            Rec(_to("chief constables"), kinds=(CHIEF_CONSTABLES,)),
            Rec(_to("the National Police Chiefs' Council"), named=(NPCC,)),
            Rec(_to("the Home Office"), named=(HOME_OFFICE,)),
            Rec(_to("the Ministry of Justice"), named=(MOJ,)),
        ),
        actions=(
            Act(HMICFRS, _action("HMICFRS")),
            Act(COLLEGE, _action("the College")),
        ),
    ),
    "The hidden victims": ReportContent(
        summary="Demo record of a real report. Verified from public sources: the title, the publication "
        "date (26 May 2021), the recommendations recorded here as HMICFRS and the commissioners "
        "summarised them, and both actions. Paraphrased, not the report's wording; the report has more "
        "recommendations (its Section 4) than the demo records.",
        steps_taken="Not recorded in this demo. Publicly reported: the Victims' Commissioner and the "
        "Independent Anti-Slavery Commissioner said the investigation did not hear directly from "
        "victims.",
        findings="As publicly reported: the police response to victims of modern slavery had improved "
        "since 2017 but was inconsistent.",
        conclusions="As publicly reported: the police response may be causing significant harm to the "
        "interests of the public.",
        further_action="The College of Policing reviews its authorised professional practice (Action 1) "
        "and HMICFRS considers its inspection activity (Action 2).",
        recommendations=(
            Rec(
                "Working with chief constables, the Independent Anti-Slavery Commissioner, victims' "
                "commissioners, the CPS, victim-support voluntary agencies and others, commission work "
                "to understand victims' experience of the police (and immigration and law-enforcement) "
                "response and to assess the extent of … (the rest of the wording is not recorded in "
                f"this demo: {SEE_REPORT})",
                named=(HOME_OFFICE,),
            ),
            Rec(
                "Give staff access to training and specialist knowledge, and an understanding of the "
                "arrangements for supporting victims. (Paraphrased.)",
                kinds=(CHIEF_CONSTABLES,),
            ),
            Rec(
                "Allocate modern slavery investigations to teams or individuals with the right skills. "
                "(Paraphrased.)",
                kinds=(CHIEF_CONSTABLES,),
            ),
            Rec(
                "Work with police and crime commissioners to understand victims' support needs. "
                "(Paraphrased.)",
                kinds=(CHIEF_CONSTABLES,),
            ),
            Rec(
                "Make sure support options exist before a National Referral Mechanism referral, after "
                "it, and for victims who do not consent to a referral. (Paraphrased.)",
                kinds=(CHIEF_CONSTABLES, LOCAL_POLICING_BODIES),
            ),
        ),
        actions=(
            Act(
                COLLEGE,
                "Review and update authorised professional practice (major investigation and public "
                "protection: modern slavery) as soon as possible, and update other guidance in routine "
                "review cycles. (Paraphrased.)",
            ),
            Act(
                HMICFRS,
                "Consider how inspection activity could promote better modern slavery investigations. "
                "(Paraphrased.)",
            ),
        ),
    ),
    "Police perpetrated domestic abuse: report on the Centre for Women's Justice super-complaint": ReportContent(
        summary="Demo record of a real report. Verified from public sources: the publication date (30 "
        "June 2022) and one joint recommendation, to police and crime commissioners, the Ministry of "
        "Justice and chief constables, on support services for victims (all 43 commissioners accepted "
        "it). The report makes a series of recommendations; the demo records only that one.",
        steps_taken="As publicly reported: accounts from 104 women who reported abuse by police officers, "
        "and a review of a sample of 122 case files.",
        findings="As publicly reported: forces were not fully recognising or responding to the risks in "
        "cases where the suspect is a police officer; 39% of the criminal investigations reviewed were "
        "inadequate.",
        conclusions="As publicly reported: this causes harm to the interests of the public.",
        further_action=NOT_RECORDED,
        recommendations=(
            Rec(
                "Joint recommendation on support services for victims of police-perpetrated domestic "
                f"abuse: {SEE_REPORT}",
                kinds=(CHIEF_CONSTABLES, LOCAL_POLICING_BODIES),
                named=(MOJ,),
            ),
        ),
    ),
    "Report on the Tees Valley Inclusion Project super-complaint": ReportContent(
        summary="Demo record of a real report. Verified from public sources: the publication date (16 "
        "December 2022) and the recipients (chief constables or equivalents, police and crime "
        "commissioners and the NPCC). The wording of the recommendations is not recorded here.",
        steps_taken="As publicly reported: fieldwork in five forces.",
        findings="As publicly reported: no compelling evidence of a worse service overall for ethnic "
        "minority victims, but forces lacked understanding of the risk of honour-based abuse, and "
        "their ethnicity data were poor.",
        conclusions=NOT_RECORDED,
        further_action=NOT_RECORDED,
        recommendations=(
            Rec(_to("chief constables"), kinds=(CHIEF_CONSTABLES,)),
            Rec(
                _to("police and crime commissioners (or equivalents)"),
                kinds=(LOCAL_POLICING_BODIES,),
            ),
            Rec(_to("the National Police Chiefs' Council"), named=(NPCC,)),
        ),
    ),
    "Report on the Criminal Justice Alliance's stop and search super-complaint": ReportContent(
        summary="Demo record of a real report. Verified from public sources: the publication date (15 "
        "December 2023) and the recipients (chief constables, police and crime commissioners or "
        "equivalents, the NPCC, the APCC and the Home Office, with actions for HMICFRS and the College "
        "of Policing). The wording of the recommendations is not recorded here.",
        steps_taken="As publicly reported: the investigators could not find anyone who had been searched "
        "under section 60 to interview.",
        findings="As publicly reported: failures to comply with legal and best-practice frameworks, "
        "disproportionate use, and weak safeguarding of children.",
        conclusions="As publicly reported: the report did not recommend the repeal of section 60.",
        further_action="The report sets actions for HMICFRS and the College of Policing (wording not "
        "recorded).",
        recommendations=(
            Rec(_to("chief constables"), kinds=(CHIEF_CONSTABLES,)),
            Rec(
                _to("police and crime commissioners (or equivalents)"),
                kinds=(LOCAL_POLICING_BODIES,),
            ),
            Rec(_to("the National Police Chiefs' Council"), named=(NPCC,)),
            Rec(
                _to("the Association of Police and Crime Commissioners"), named=(APCC,)
            ),
            Rec(_to("the Home Office"), named=(HOME_OFFICE,)),
        ),
        actions=(
            Act(HMICFRS, _action("HMICFRS")),
            Act(COLLEGE, _action("the College")),
        ),
    ),
    "The police response to stalking: report on the Suzy Lamplugh Trust super-complaint": ReportContent(
        summary="Demo record of a real report. Verified from public sources: the publication date (27 "
        "September 2024), that it makes 29 recommendations, their recipients (the Home Office, the "
        "NPCC, chief constables, police and crime commissioners or equivalents, the APCC, the "
        "Ministry of Justice and the CPS) and the due date of 27 March 2025 for force-facing "
        "recommendations. The demo records one recommendation per recipient, not the 29, and not "
        "their wording.",
        steps_taken=NOT_RECORDED,
        findings="As publicly reported: significant changes are needed in the police response to "
        "stalking.",
        conclusions=NOT_RECORDED,
        further_action="Forces were asked to publish action plans by 22 November 2024; an NPCC "
        "report on forces' progress was due in June 2025.",
        recommendations=(
            Rec(
                _to("chief constables"),
                kinds=(CHIEF_CONSTABLES,),
                due_on=date(2025, 3, 27),
            ),
            Rec(
                _to("police and crime commissioners (or equivalents)"),
                kinds=(LOCAL_POLICING_BODIES,),
            ),
            Rec(_to("the Home Office"), named=(HOME_OFFICE,)),
            Rec(_to("the National Police Chiefs' Council"), named=(NPCC,)),
            Rec(
                _to("the Association of Police and Crime Commissioners"), named=(APCC,)
            ),
            Rec(_to("the Ministry of Justice"), named=(MOJ,)),
            Rec(_to("the Crown Prosecution Service"), named=(CPS,)),
        ),
    ),
}


def record_historical_report(
    investigation: Investigation,
    *,
    by: User,
    title: str,
    published_on: date,
    url: str,
    note: str = "",
) -> PublishedReport:
    """Record one of the real reports with what is known of its content; `note` says what is known of
    its dates."""
    report = HISTORICAL_REPORTS[title]
    return services.record_historical_report(
        investigation,
        by=by,
        title=title,
        published_on=published_on,
        url=url,
        reason=note or "Report published before this service existed.",
        content={
            "summary": f"{report.summary} {note}".strip(),
            "steps_taken": report.steps_taken,
            "findings": report.findings,
            "conclusions": report.conclusions,
            "further_action": report.further_action,
        },
        recommendations=[
            {
                "text": r.text,
                "kinds": list(r.kinds),
                "named": [org(slug) for slug in r.named],
                "due_on": r.due_on,
            }
            for r in report.recommendations
        ],
        actions=[{"body": org(a.body), "text": a.text} for a in report.actions],
    )


# --- Current investigations -----------------------------------------------------------------------
PROGRESS_NOTES = {
    Investigation.State.SCOPING: "The team has been appointed and is agreeing the terms of reference "
    "and the investigative themes.",
    Investigation.State.EVIDENCE_GATHERING: "The team is gathering evidence: data requests to forces, "
    "fieldwork visits, interviews and a review of case files.",
    Investigation.State.ANALYSIS: "Evidence gathering is complete. The team is analysing what it found "
    "against each theme.",
    Investigation.State.DRAFTING: "The team is drafting the report, its recommendations and the actions "
    "for the College of Policing and HMICFRS.",
    Investigation.State.FACT_CHECKING: "The draft report is with the organisations concerned to check "
    "its facts.",
    Investigation.State.SIGN_OFF: "The report is with HMICFRS, the College of Policing and the IOPC for "
    "sign-off.",
}


class Story:
    """One current investigation worked through the services by its team. Every step takes the number
    of days before today it happened, and runs with the workflow clock set to that day."""

    def __init__(
        self, investigation: Investigation, users: dict[str, User], today: date
    ) -> None:
        self.investigation = investigation
        self.users = users
        self.today = today
        self.lead = users[LEAD]

    def day(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)

    @contextmanager
    def on(self, days_ago: int, hour: int = 10) -> Iterator[None]:
        moment = at(self.day(-days_ago), hour)
        if moment < self.investigation.opened_at:
            raise ValueError(f"{moment} is before the investigation was opened")
        with clock.fixed_at(moment):
            yield

    def staff(self, days_ago: int) -> None:
        """HMICFRS's team names the lead; the lead names the investigators and the approvers."""
        with self.on(days_ago):
            services.appoint_lead(
                self.investigation, by=self.users["triager"], user=self.lead
            )
        with self.on(days_ago, 15):
            for names, role in (
                (INVESTIGATORS, TeamMember.Role.INVESTIGATOR),
                (APPROVERS, TeamMember.Role.APPROVER),
            ):
                for name in names:
                    services.add_team_member(
                        self.investigation,
                        by=self.lead,
                        user=self.users[name],
                        role=role,
                    )

    def scope(
        self, days_ago: int, terms: str, themes: Iterable[tuple[str, str]]
    ) -> None:
        with self.on(days_ago):
            services.update_terms_of_reference(
                self.investigation, by=self.lead, text=terms
            )
            for title, description in themes:
                services.add_theme(
                    self.investigation,
                    by=self.lead,
                    title=title,
                    description=description,
                )

    def move(self, days_ago: int, step: Callable[..., Investigation]) -> None:
        with self.on(days_ago):
            step(self.investigation, by=self.lead)

    def evidence(
        self,
        days_ago: int,
        kind: str,
        title: str,
        *,
        owner: str = "investigator",
        due_in: int | None = None,
        status: str = EvidenceItem.Status.PLANNED,
        organisation: str | None = None,
        notes: str = "",
    ) -> EvidenceItem:
        """`due_in` counts days from today: negative is in the past."""
        with self.on(days_ago):
            item = services.add_evidence_item(
                self.investigation,
                by=self.lead,
                kind=kind,
                title=title,
                owner=self.users[owner],
                due_on=None if due_in is None else self.day(due_in),
                organisation=org(organisation) if organisation else None,
                notes=notes,
            )
            if status != EvidenceItem.Status.PLANNED:
                services.update_evidence_status(
                    item, by=self.users[owner], status=status
                )
        return item

    def task(
        self,
        days_ago: int,
        title: str,
        *,
        owner: str,
        due_in: int,
        done_days_ago: int | None = None,
    ) -> None:
        with self.on(days_ago):
            task = services.add_task(
                self.investigation,
                by=self.lead,
                title=title,
                owner=self.users[owner],
                due_on=self.day(due_in),
            )
        if done_days_ago is not None:
            with self.on(done_days_ago):
                services.complete_task(task, by=self.users[owner])

    def progress_reports(self, *, latest_days_ago: int, count: int) -> None:
        """`count` reports to the designated body 85 days apart, the latest `latest_days_ago` days ago,
        each saying which stage the investigation was in that day (read from its stage periods)."""
        periods = list(self.investigation.stage_periods.order_by("started_at"))
        for days_ago in sorted(
            (latest_days_ago + 85 * n for n in range(count)), reverse=True
        ):
            moment = at(self.day(-days_ago))
            stage = next(
                p.stage
                for p in periods
                if p.started_at <= moment
                and (p.ended_at is None or moment < p.ended_at)
            )
            note = (
                f"The investigation is paused. {self.investigation.pause_reason}"
                if stage == Investigation.State.PAUSED
                else PROGRESS_NOTES[stage]
            )
            with self.on(days_ago):
                services.send_progress_report(
                    self.investigation,
                    by=self.lead,
                    text=f"Progress report under regulation 7. {note} We will write again within "
                    "three months.",
                )

    def write(self, days_ago: int, by: str, **fields: str) -> None:
        with self.on(days_ago):
            services.update_report(
                self.investigation,
                by=self.users[by],
                data=fields,
                expected_version=self.investigation.version,
            )

    def recommend(
        self,
        days_ago: int,
        by: str,
        text: str,
        *,
        kinds: Iterable[str] = (),
        named: Iterable[str] = (),
        due_on: date | None = None,
    ) -> None:
        with self.on(days_ago):
            services.add_recommendation(
                self.investigation,
                by=self.users[by],
                text=text,
                recipient_kinds=list(kinds),
                named_recipients=[org(slug) for slug in named],
                due_on=due_on,
            )

    def act(self, days_ago: int, by: str, body: str, text: str) -> None:
        with self.on(days_ago):
            services.add_action(
                self.investigation, by=self.users[by], body=org(body), text=text
            )

    def ask_to_fact_check(self, days_ago: int, organisation: str, due_in: int) -> None:
        with self.on(days_ago):
            services.add_fact_check_request(
                self.investigation,
                by=self.lead,
                organisation=org(organisation),
                due_on=self.day(due_in),
            )

    def fact_check_comment(self, days_ago: int, organisation: str, text: str) -> None:
        request = self.investigation.fact_check_requests.get(
            organisation__slug=organisation
        )
        with self.on(days_ago):
            services.record_fact_check_comment(
                request, by=self.users["investigator"], text=text
            )

    def approve(self, days_ago: int, approver: str) -> None:
        with self.on(days_ago):
            services.approve_report(self.investigation, by=self.users[approver])


@dataclass(frozen=True)
class Current:
    """A complaint found eligible, and how its investigation has gone since it was opened."""

    key: str
    username: str
    title: str
    features: str
    harm: str
    received: datetime
    opened: datetime
    build: Callable[[Story], Any]
    co_submitters: str = ""
    forces: tuple[str, ...] = ()
    decision_note: str = "Invented for the demo."


Kind = EvidenceItem.Kind
Status = EvidenceItem.Status


def _scoping(story: Story) -> None:
    story.staff(24)
    story.task(
        23, "Draft the terms of reference", owner=LEAD, due_in=-14, done_days_ago=15
    )
    story.scope(
        15,
        "To examine whether the police response to abuse linked to faith or belief, including "
        "accusations of witchcraft or spirit possession, is significantly harming the interests of "
        f"the public, and if so how. {INVENTED}",
        [
            (
                "Recognising abuse linked to faith or belief",
                "Whether call handlers and officers recognise it, and how it is recorded.",
            ),
            (
                "Safeguarding and referral",
                "Whether children and adults at risk are referred to safeguarding partners.",
            ),
        ],
    )
    story.task(
        14, "Agree the terms of reference with the senior panel", owner=LEAD, due_in=7
    )
    story.task(
        14,
        "Choose the forces for the fieldwork sample",
        owner="college-investigator",
        due_in=21,
    )
    story.evidence(
        10,
        Kind.LITERATURE,
        "Review of published research on abuse linked to faith or belief",
        owner="college-investigator",
        due_in=30,
    )


def _evidence_gathering(story: Story) -> None:
    # The real CWJ complaint of December 2025: its investigation's working detail is illustrative.
    story.staff(270)
    story.scope(
        255,
        "To examine whether the length of police investigations of sexual offences in England and "
        "Wales is significantly harming the interests of the public: how long investigations take "
        "and why, and what delay does to victims and to the evidence. (The terms of reference, themes "
        "and evidence log shown in the demo are illustrative: the real ones are not published.)",
        [
            (
                "How long investigations take, and why",
                "Force data on time from report to outcome.",
            ),
            (
                "The effect of delay on victims and survivors",
                "Withdrawal, wellbeing and trust.",
            ),
            (
                "Supervision of long-running investigations",
                "Reviews, escalation and the use of pre-charge bail.",
            ),
        ],
    )
    story.move(230, services.start_evidence_gathering)
    data_title = "Time from report to outcome of rape and serious sexual offence investigations, 2015–2025"
    story.evidence(
        225,
        Kind.DATA_REQUEST,
        data_title,
        organisation="metropolitan-police-service",
        due_in=-20,
        status=Status.IN_PROGRESS,
        notes="Part return received; offence codes to be confirmed.",
    )
    story.evidence(
        225,
        Kind.DATA_REQUEST,
        data_title,
        organisation="west-yorkshire-police",
        due_in=-40,
        status=Status.RECEIVED,
    )
    story.evidence(
        225,
        Kind.DATA_REQUEST,
        data_title,
        organisation="avon-and-somerset-constabulary",
        due_in=-40,
        status=Status.RECEIVED,
    )
    story.evidence(
        60,
        Kind.DATA_REQUEST,
        data_title,
        organisation="thames-valley-police",
        due_in=14,
    )
    story.evidence(
        220,
        Kind.LITERATURE,
        "Research on attrition in rape cases and Operation Soteria findings",
        owner="college-investigator",
        due_in=-150,
        status=Status.RECEIVED,
    )
    story.evidence(
        200,
        Kind.SURVEY,
        "Survey of independent sexual violence advisers",
        owner="iopc-investigator",
        due_in=-60,
        status=Status.RECEIVED,
        notes="Run with Rape Crisis England & Wales.",
    )
    story.evidence(
        150,
        Kind.VICTIM_INTERVIEW,
        "Interviews with survivors whose investigations took more than two years",
        owner="iopc-investigator",
        due_in=30,
        status=Status.IN_PROGRESS,
        notes="Arranged through Rape Crisis centres; 14 of 20 held.",
    )
    story.evidence(
        90,
        Kind.FIELDWORK,
        "Fieldwork visit: rape and serious sexual offences teams",
        organisation="avon-and-somerset-constabulary",
        due_in=45,
    )
    story.evidence(
        90,
        Kind.CASE_FILE_REVIEW,
        "Review of a sample of 120 closed investigations",
        owner="college-investigator",
        due_in=60,
    )
    story.task(
        200,
        "Agree the interview protocol with Rape Crisis England & Wales",
        owner="iopc-investigator",
        due_in=-170,
        done_days_ago=175,
    )
    story.task(
        30,
        "Chase the Metropolitan Police Service for the rest of its data return",
        owner="investigator",
        due_in=-5,
    )
    story.task(
        20,
        "Draft the case-file review template",
        owner="college-investigator",
        due_in=10,
    )
    story.progress_reports(latest_days_ago=20, count=3)


def _analysis(story: Story) -> None:
    # The one whose next progress report is overdue.
    story.staff(398)
    story.scope(
        385,
        "To examine whether the use of force and restraint on children in police custody is "
        f"significantly harming the interests of the public. {INVENTED}",
        [
            ("Use of force and restraint on children in custody", ""),
            ("Recording and scrutiny of use of force on children", ""),
        ],
    )
    story.move(370, services.start_evidence_gathering)
    for force in ("greater-manchester-police", "west-midlands-police"):
        story.evidence(
            365,
            Kind.DATA_REQUEST,
            "Use-of-force records for detained children, 2022–2025",
            organisation=force,
            due_in=-300,
            status=Status.RECEIVED,
        )
    story.evidence(
        365,
        Kind.DATA_REQUEST,
        "Use-of-force records for detained children, 2022–2025",
        organisation="metropolitan-police-service",
        due_in=-300,
        status=Status.CANCELLED,
        notes="Replaced by the national use-of-force statistics.",
    )
    story.evidence(
        330,
        Kind.FIELDWORK,
        "Fieldwork visit: custody suites",
        organisation="greater-manchester-police",
        owner="iopc-investigator",
        due_in=-200,
        status=Status.RECEIVED,
    )
    story.evidence(
        300,
        Kind.VICTIM_INTERVIEW,
        "Interviews with children and young people who were held in custody",
        owner="iopc-investigator",
        due_in=-120,
        status=Status.RECEIVED,
        notes="Through youth justice services, with an appropriate adult present.",
    )
    story.evidence(
        300,
        Kind.SURVEY,
        "Survey of custody sergeants",
        owner="college-investigator",
        due_in=-150,
        status=Status.RECEIVED,
    )
    story.evidence(
        200,
        Kind.CASE_FILE_REVIEW,
        "Review of 80 custody records that show restraint",
        due_in=-10,
        status=Status.IN_PROGRESS,
    )
    story.move(60, services.start_analysis)
    story.task(
        58,
        "Code the survey responses",
        owner="college-investigator",
        due_in=-30,
        done_days_ago=35,
    )
    story.task(
        55,
        "Write up the fieldwork notes from Greater Manchester Police",
        owner="iopc-investigator",
        due_in=-12,
    )
    story.task(
        40,
        "Compare the custody data of the two forces",
        owner="investigator",
        due_in=14,
    )
    story.progress_reports(latest_days_ago=160, count=3)


def _paused(story: Story) -> None:
    story.staff(328)
    story.scope(
        315,
        "To examine whether the police use of interpreters for victims of honour-based abuse, "
        "including the use of family members and community contacts as interpreters, is "
        f"significantly harming the interests of the public. {INVENTED}",
        [
            (
                "Who interprets for victims",
                "Professional interpreters, family members or others.",
            ),
            ("Risk to victims from the choice of interpreter", ""),
        ],
    )
    story.move(290, services.start_evidence_gathering)
    story.evidence(
        285,
        Kind.DATA_REQUEST,
        "Interpreter bookings for honour-based abuse reports, 2023–2025",
        organisation="cleveland-police",
        due_in=-90,
        status=Status.IN_PROGRESS,
    )
    story.evidence(
        285,
        Kind.DATA_REQUEST,
        "Interpreter bookings for honour-based abuse reports, 2023–2025",
        organisation="durham-constabulary",
        due_in=-90,
        status=Status.RECEIVED,
    )
    story.evidence(
        285,
        Kind.DATA_REQUEST,
        "Interpreter bookings for honour-based abuse reports, 2023–2025",
        organisation="northumbria-police",
        due_in=-90,
    )
    story.evidence(
        200,
        Kind.VICTIM_INTERVIEW,
        "Interviews with survivors supported by the Halo Project",
        owner="iopc-investigator",
        due_in=-30,
        status=Status.RECEIVED,
    )
    story.evidence(
        150,
        Kind.FIELDWORK,
        "Fieldwork visit: public protection unit",
        organisation="cleveland-police",
        owner="college-investigator",
        due_in=40,
    )
    story.task(
        100,
        "Chase Northumbria Police for its data return",
        owner="investigator",
        due_in=-60,
        done_days_ago=62,
    )
    with story.on(45):
        services.pause(
            story.investigation,
            by=story.lead,
            reason="Three forces in the sample are moving to a new crime-recording system and cannot "
            "supply their case data until it is finished. We will resume when the data requests can "
            "be met; the designated body has been told.",
        )
    story.progress_reports(latest_days_ago=40, count=4)


DRAFT_STALKING = {
    "report_title": "Stalking online: report on the Suzy Lamplugh Trust super-complaint on "
    "cyber-enabled stalking (demo)",
    "summary": f"{INVENTED} Stalking that takes place online, or through tracking devices and "
    "smart-home technology, is often not recognised as stalking, and victims are told to stay offline.",
    "steps_taken": "Data requests to two forces; a survey of 212 victims through members of the "
    "National Stalking Consortium; interviews with 18 victims; a review of 60 case files; a review of "
    "research.",
    "findings": "In 27 of the 60 files reviewed, online stalking was recorded as malicious "
    "communications. Digital evidence was seized in fewer than half the cases where it was available.",
    "conclusions": "The police response to cyber-enabled stalking is significantly harming the "
    "interests of the public: victims are not protected and the behaviour escalates.",
    "further_action": "The College of Policing will update its guidance (Action 1).",
}


def _drafting(story: Story) -> None:
    story.staff(468)
    story.scope(
        455,
        f"To examine the police response to stalking that is carried out online or through technology. {INVENTED}",
        [
            ("Recognising and recording cyber-enabled stalking", ""),
            ("Digital evidence and investigation", ""),
            ("Support for victims", ""),
        ],
    )
    story.move(440, services.start_evidence_gathering)
    for force in ("sussex-police", "lancashire-constabulary"):
        story.evidence(
            435,
            Kind.DATA_REQUEST,
            "Stalking and harassment crimes with an online element, 2023–2025",
            organisation=force,
            due_in=-380,
            status=Status.RECEIVED,
        )
    story.evidence(
        420,
        Kind.SURVEY,
        "Survey of victims through the National Stalking Consortium",
        owner="college-investigator",
        due_in=-300,
        status=Status.RECEIVED,
    )
    story.evidence(
        400,
        Kind.VICTIM_INTERVIEW,
        "Interviews with victims of cyber-enabled stalking",
        owner="iopc-investigator",
        due_in=-260,
        status=Status.RECEIVED,
    )
    story.evidence(
        380,
        Kind.CASE_FILE_REVIEW,
        "Review of 60 stalking case files",
        due_in=-220,
        status=Status.RECEIVED,
    )
    story.move(200, services.start_analysis)
    story.move(60, services.start_drafting)
    story.write(55, LEAD, **DRAFT_STALKING)
    story.recommend(
        50,
        "college-investigator",
        "Make sure that call handlers and investigators record stalking carried out online as "
        "stalking, not as malicious communications.",
        kinds=[CHIEF_CONSTABLES],
        due_on=story.day(180),
    )
    story.recommend(
        50,
        "iopc-investigator",
        "Work with the College of Policing on guidance for gathering digital evidence in stalking cases.",
        named=[NPCC],
    )
    story.act(
        48,
        "college-investigator",
        COLLEGE,
        "Update authorised professional practice on stalking and harassment to cover "
        "cyber-enabled stalking.",
    )
    story.ask_to_fact_check(10, NPCC, 40)
    story.task(
        12,
        "Check the figures in the findings against the case-file review",
        owner="investigator",
        due_in=7,
    )
    story.progress_reports(latest_days_ago=25, count=5)


DRAFT_PROTEST = {
    "report_title": "Kept on file: report on Liberty's super-complaint on protest-related personal "
    "data (demo)",
    "summary": f"{INVENTED} Forces keep the personal data of people who attend protests but are not "
    "suspected of any offence, for long periods and without review.",
    "steps_taken": "Data requests to three forces; fieldwork in one force; interviews with 25 people "
    "who attended protests; a review of 150 intelligence records.",
    "findings": "Of 150 intelligence records reviewed, 61 concerned people who were not suspected of "
    "an offence; 40 of those had not been reviewed within the period set by the force's own policy.",
    "conclusions": "Keeping such data without review is significantly harming the interests of the "
    "public: people are deterred from lawful protest.",
    "further_action": "HMICFRS will look at the retention of protest-related data in inspections "
    "(Action 1).",
}


def _fact_checking(story: Story) -> None:
    story.staff(538)
    story.scope(
        525,
        f"To examine how forces collect, keep and review the personal data of people at protests. {INVENTED}",
        [
            ("Collecting personal data at protests", ""),
            ("Keeping and reviewing it", ""),
            ("The effect on the right to protest", ""),
        ],
    )
    story.move(505, services.start_evidence_gathering)
    for force in (
        "metropolitan-police-service",
        "west-yorkshire-police",
        "sussex-police",
    ):
        story.evidence(
            500,
            Kind.DATA_REQUEST,
            "Intelligence records created at protests, 2022–2025",
            organisation=force,
            due_in=-430,
            status=Status.RECEIVED,
        )
    story.evidence(
        450,
        Kind.INTERVIEW,
        "Interviews with public order commanders",
        organisation="metropolitan-police-service",
        due_in=-350,
        status=Status.RECEIVED,
    )
    story.evidence(
        420,
        Kind.CASE_FILE_REVIEW,
        "Review of 150 intelligence records",
        owner="college-investigator",
        due_in=-300,
        status=Status.RECEIVED,
    )
    story.move(260, services.start_analysis)
    story.move(100, services.start_drafting)
    story.write(95, LEAD, **DRAFT_PROTEST)
    story.recommend(
        90,
        "investigator",
        "Review the intelligence records kept about people at protests who were not suspected of an "
        "offence, and delete those that are no longer needed.",
        kinds=[CHIEF_CONSTABLES],
        due_on=story.day(200),
    )
    story.recommend(
        90,
        "iopc-investigator",
        "Set national guidance on how long protest-related records may be kept.",
        named=[NPCC],
    )
    story.recommend(
        88,
        "college-investigator",
        "Consider whether the law on the retention of intelligence records needs to change.",
        named=[HOME_OFFICE],
    )
    story.act(
        85,
        "investigator",
        HMICFRS,
        "Include the retention of protest-related data in inspections.",
    )
    story.ask_to_fact_check(25, "metropolitan-police-service", -5)
    story.ask_to_fact_check(25, NPCC, 10)
    story.ask_to_fact_check(25, HOME_OFFICE, -3)
    story.move(22, services.send_for_fact_check)
    story.fact_check_comment(
        12,
        "metropolitan-police-service",
        "Paragraph 3.4: the force's review period is 6 years, not 7. The figure of 61 records is accurate.",
    )
    story.task(20, "Collate the fact-check comments", owner="investigator", due_in=12)
    story.progress_reports(latest_days_ago=20, count=6)


DRAFT_CUCKOOING = {
    "report_title": "Taken over: report on Hestia's super-complaint on cuckooing (demo)",
    "summary": f"{INVENTED} People whose homes are taken over by exploiters ('cuckooing') are often "
    "treated as offenders, and are not safeguarded.",
    "steps_taken": "Data requests to two forces; fieldwork in Merseyside; interviews with 16 people "
    "whose homes were taken over; a review of 90 case files.",
    "findings": "In 52 of 90 files the person whose home was taken over was recorded only as a "
    "suspect or a witness. Referrals to adult social care were made in 19 cases.",
    "conclusions": "The police response to cuckooing is significantly harming the interests of the "
    "public: vulnerable people are left at risk and exploiters move on to the next home.",
    "further_action": "The College of Policing will publish guidance on cuckooing (Action 1).",
}


def _sign_off(story: Story) -> None:
    story.staff(608)
    story.scope(
        595,
        f"To examine the police response to cuckooing. {INVENTED}",
        [
            ("Identifying cuckooing", ""),
            ("Safeguarding the person whose home is taken over", ""),
            ("Working with housing and adult social care", ""),
        ],
    )
    story.move(575, services.start_evidence_gathering)
    for force in ("merseyside-police", "west-midlands-police"):
        story.evidence(
            570,
            Kind.DATA_REQUEST,
            "Cuckooing-flagged incidents and crimes, 2022–2025",
            organisation=force,
            due_in=-500,
            status=Status.RECEIVED,
        )
    story.evidence(
        500,
        Kind.FIELDWORK,
        "Fieldwork visit: neighbourhood and exploitation teams",
        organisation="merseyside-police",
        due_in=-420,
        status=Status.RECEIVED,
    )
    story.evidence(
        480,
        Kind.VICTIM_INTERVIEW,
        "Interviews with people whose homes were taken over",
        owner="iopc-investigator",
        due_in=-360,
        status=Status.RECEIVED,
    )
    story.move(330, services.start_analysis)
    story.move(150, services.start_drafting)
    story.write(145, LEAD, **DRAFT_CUCKOOING)
    story.recommend(
        140,
        "college-investigator",
        "Treat a person whose home has been taken over as a possible victim, and refer them to adult "
        "social care and housing.",
        kinds=[CHIEF_CONSTABLES],
        due_on=story.day(150),
    )
    story.recommend(
        140,
        "iopc-investigator",
        "Commission support for people whose homes have been taken over.",
        kinds=[LOCAL_POLICING_BODIES],
    )
    story.act(
        138,
        "college-investigator",
        COLLEGE,
        "Publish guidance on identifying and responding to cuckooing.",
    )
    story.ask_to_fact_check(72, "merseyside-police", -50)
    story.ask_to_fact_check(72, NPCC, -45)
    story.move(70, services.send_for_fact_check)
    story.fact_check_comment(
        55,
        "merseyside-police",
        "The figure for referrals to adult social care should be 21, not 19.",
    )
    story.write(
        38,
        "college-investigator",
        findings=DRAFT_CUCKOOING["findings"].replace(
            "made in 19 cases", "made in 21 cases"
        ),
    )
    story.move(35, services.send_for_sign_off)
    story.approve(20, "hmicfrs-approver")
    story.approve(12, "college-approver")
    story.task(
        50,
        "Check the draft against Merseyside Police's fact-check comments",
        owner="college-investigator",
        due_in=-40,
        done_days_ago=39,
    )
    story.task(
        10,
        "Answer the IOPC approver's questions on recommendation 2",
        owner=LEAD,
        due_in=5,
    )
    story.progress_reports(latest_days_ago=10, count=7)


REDACTED = (
    "the suspect's brother, a member of police staff in the same force, could see the victim's new "
    "address on the incident log"
)
DRAFT_STRANGULATION = {
    "report_title": "Out of breath: report on the Centre for Women's Justice super-complaint on "
    "non-fatal strangulation (demo)",
    "summary": f"{INVENTED} Non-fatal strangulation in domestic abuse is not always asked about, "
    "recorded or investigated, although it is a strong warning sign of homicide.",
    "steps_taken": "Data requests to four forces; fieldwork in two; interviews with 22 survivors; a "
    "survey of 300 frontline officers; a review of 100 case files; a review of research.",
    "findings": "Officers asked about strangulation in 41 of the 100 cases reviewed. In one case "
    f"{REDACTED}.",
    "conclusions": "The police response to non-fatal strangulation is significantly harming the "
    "interests of the public.",
    "further_action": "The College of Policing will update its training (Action 1) and HMICFRS will "
    "look at strangulation in its inspections (Action 2).",
}


def _published(story: Story) -> None:
    story.staff(718)
    story.scope(
        705,
        f"To examine the police response to non-fatal strangulation in domestic abuse. {INVENTED}",
        [
            ("Asking about and recording strangulation", ""),
            ("Investigation and charging", ""),
        ],
    )
    story.move(690, services.start_evidence_gathering)
    for force in (
        "kent-police",
        "essex-police",
        "lancashire-constabulary",
        "south-wales-police",
    ):
        story.evidence(
            685,
            Kind.DATA_REQUEST,
            "Non-fatal strangulation offences and outcomes since June 2022",
            organisation=force,
            due_in=-620,
            status=Status.RECEIVED,
        )
    story.evidence(
        600,
        Kind.VICTIM_INTERVIEW,
        "Interviews with survivors of non-fatal strangulation",
        owner="iopc-investigator",
        due_in=-500,
        status=Status.RECEIVED,
    )
    story.evidence(
        600,
        Kind.SURVEY,
        "Survey of frontline officers",
        owner="college-investigator",
        due_in=-480,
        status=Status.RECEIVED,
    )
    story.evidence(
        550,
        Kind.CASE_FILE_REVIEW,
        "Review of 100 domestic abuse case files",
        due_in=-420,
        status=Status.RECEIVED,
    )
    story.move(400, services.start_analysis)
    story.move(220, services.start_drafting)
    story.write(215, LEAD, **DRAFT_STRANGULATION)
    story.recommend(
        210,
        "college-investigator",
        "Make sure officers attending domestic abuse ask about strangulation, record it and consider "
        "it in every risk assessment.",
        kinds=[CHIEF_CONSTABLES],
        due_on=story.day(-45 + 183),
    )
    story.recommend(
        210,
        "iopc-investigator",
        "Commission specialist support for survivors of non-fatal strangulation.",
        kinds=[LOCAL_POLICING_BODIES],
    )
    story.recommend(
        205,
        "investigator",
        "Agree a joint protocol on the evidence needed to charge non-fatal strangulation.",
        named=[CPS, NPCC],
    )
    story.act(
        200,
        "college-investigator",
        COLLEGE,
        "Include non-fatal strangulation in the domestic abuse training of first responders.",
    )
    story.act(
        200,
        "investigator",
        HMICFRS,
        "Look at the response to non-fatal strangulation in inspections of domestic abuse.",
    )
    with story.on(150):
        services.add_redaction(
            story.investigation,
            by=story.lead,
            section="findings",
            passage=REDACTED,
            ground="safety",
            explanation="The detail could identify the victim and tell the suspect where she lives.",
        )
    story.ask_to_fact_check(142, NPCC, -110)
    story.ask_to_fact_check(142, CPS, -110)
    story.ask_to_fact_check(142, "kent-police", -112)
    story.move(140, services.send_for_fact_check)
    story.fact_check_comment(125, NPCC, "No factual errors found.")
    story.fact_check_comment(
        118, CPS, "Recommendation 3: the charging standard was revised in 2024."
    )
    story.write(
        100,
        "iopc-investigator",
        conclusions=DRAFT_STRANGULATION["conclusions"]
        + " The charging standard was revised in 2024; "
        "practice has not yet caught up.",
    )
    story.move(90, services.send_for_sign_off)
    story.task(
        100,
        "Brief the NPCC lead for domestic abuse before publication",
        owner="investigator",
        due_in=-50,
        done_days_ago=52,
    )
    story.progress_reports(latest_days_ago=50, count=8)
    for days_ago, approver in (
        (70, "hmicfrs-approver"),
        (62, "college-approver"),
        (55, "iopc-approver"),
    ):
        story.approve(days_ago, approver)
    with story.on(45):
        services.publish_report(story.investigation, by=story.lead)


def current_investigations(today: date) -> list[Current]:
    """The current investigations in the order their complaints were received."""

    def days_ago(n: int) -> datetime:
        return at(today - timedelta(days=n))

    def invented(
        key: str,
        username: str,
        title: str,
        features: str,
        harm: str,
        opened_days_ago: int,
        build: Callable[[Story], Any],
        forces: tuple[str, ...] = (),
    ) -> Current:
        return Current(
            key=key,
            username=username,
            title=title,
            features=f"{features} ({INVENTED})",
            harm=harm,
            received=days_ago(opened_days_ago + 60),
            opened=days_ago(opened_days_ago),
            build=build,
            forces=forces,
        )

    items = [
        invented(
            "published",
            "cwj",
            "Police response to non-fatal strangulation in domestic abuse",
            "Officers do not ask about, record or investigate non-fatal strangulation.",
            "Strangulation is a strong warning sign of domestic homicide; victims are left unprotected.",
            720,
            _published,
        ),
        invented(
            "sign_off",
            "hestia",
            "Police response to cuckooing",
            "People whose homes are taken over by exploiters are treated as offenders, not safeguarded.",
            "Vulnerable adults are left at risk of exploitation and harm.",
            610,
            _sign_off,
            ("merseyside-police",),
        ),
        invented(
            "fact_checking",
            "liberty",
            "Police retention of the personal data of people at protests",
            "Forces keep the personal data of people at protests who are not suspected of an offence.",
            "People are deterred from lawful protest.",
            540,
            _fact_checking,
            ("metropolitan-police-service",),
        ),
        invented(
            "drafting",
            "slt",
            "Police response to cyber-enabled stalking",
            "Stalking online or through technology is not recognised or investigated as stalking.",
            "Victims are left unprotected and stalking escalates.",
            470,
            _drafting,
        ),
        invented(
            "analysis",
            "cja",
            "Use of force on children in police custody",
            "Force and restraint are used on children in custody without adequate recording or scrutiny.",
            "Children are harmed and trust in the police is damaged.",
            400,
            _analysis,
        ),
        invented(
            "paused",
            "tvip",
            "Police use of interpreters for victims of honour-based abuse",
            "Family members and community contacts are used as interpreters for victims of honour-based abuse.",
            "Victims are put at risk and do not disclose abuse.",
            330,
            _paused,
            ("cleveland-police", "durham-constabulary", "northumbria-police"),
        ),
        Current(
            key="delayed",
            username="cwj",
            title="Excessively long police investigations of sexual offences",
            features="Police investigations of sexual offences that take excessively long: more than "
            "37,000 over three years in a decade.",
            harm="Delay causes victims to withdraw, evidence to be lost and suspects to remain free, "
            "significantly harming the interests of the public.",
            received=at(date(2025, 12, 15)),
            opened=at(date(2026, 2, 20)),
            build=_evidence_gathering,
            co_submitters="Cambridge Rape Crisis Centre\nRape Crisis England & Wales\nBindmans LLP",
            decision_note="Decision date illustrative.",
        ),
        invented(
            "scoping",
            "tvip",
            "Police response to abuse linked to faith or belief",
            "Abuse linked to faith or belief, such as accusations of witchcraft, is not recognised.",
            "Children and adults at risk are not safeguarded.",
            25,
            _scoping,
        ),
    ]
    return sorted(items, key=lambda item: item.received)
