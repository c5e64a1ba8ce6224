"""Demo data, built through the real services: a user for every role, the real historical
super-complaints (DOMAIN.md §4) with their real dates, outcomes and what is known of their reports,
fresh complaints in every state, current investigations in every stage (`investigations/demo.py`),
and recipients' responses in every state (`recommendations/demo.py`).

Idempotent: users are refreshed, complaints and investigations are created once. Demo passwords are
made here only, never by migrations.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from accounts.models import Organisation, Role, RoleGrant, User
from complaints import services
from complaints.models import EligibilityView, SuperComplaint
from investigations import demo
from recommendations import demo as responses_demo
from workflow import clock
from workflow.deadlines import LONDON

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-password-2026")

# (username, full name, organisation slug, roles)
DEMO_USERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("hestia", "Hannah Evans", "hestia", (Role.MEMBER,)),
    ("cwj", "Carys Wynne-Jones", "centre-for-womens-justice", (Role.MEMBER,)),
    ("liberty", "Leo Barker", "liberty", (Role.MEMBER,)),
    ("cja", "Chloe Adeyemi", "criminal-justice-alliance", (Role.MEMBER,)),
    ("slt", "Sam Lewis", "suzy-lamplugh-trust", (Role.MEMBER,)),
    ("tvip", "Tariq Verma", "tees-valley-inclusion-project", (Role.MEMBER,)),
    (
        "triager",
        "Tom Ridley",
        "his-majestys-inspectorate-of-constabulary-and-fire-rescue-services",
        (Role.TRIAGER,),
    ),
    (
        "hmicfrs-lead",
        "Nadia Rahman",
        "his-majestys-inspectorate-of-constabulary-and-fire-rescue-services",
        (Role.INVESTIGATOR,),
    ),
    (
        "investigator",
        "Imogen Patel",
        "his-majestys-inspectorate-of-constabulary-and-fire-rescue-services",
        (Role.INVESTIGATOR,),
    ),
    (
        "hmicfrs-approver",
        "Alan Hughes",
        "his-majestys-inspectorate-of-constabulary-and-fire-rescue-services",
        (Role.APPROVER,),
    ),
    ("college-approver", "Bethan Morgan", "college-of-policing", (Role.APPROVER,)),
    (
        "college-investigator",
        "Owain Price",
        "college-of-policing",
        (Role.INVESTIGATOR,),
    ),
    (
        "iopc-approver",
        "Grace Okafor",
        "independent-office-for-police-conduct",
        (Role.APPROVER,),
    ),
    (
        "iopc-investigator",
        "Dylan Shah",
        "independent-office-for-police-conduct",
        (Role.INVESTIGATOR,),
    ),
    ("met", "Rachel Adams", "metropolitan-police-service", (Role.RECIPIENT,)),
    ("mopac", "Marcus Osei", "mayors-office-for-policing-and-crime", (Role.RECIPIENT,)),
    ("kent", "Katie Ellison", "kent-police", (Role.RECIPIENT,)),
    (
        "hmicfrs-monitor",
        "Helen Marsh",
        "his-majestys-inspectorate-of-constabulary-and-fire-rescue-services",
        (Role.MONITOR,),
    ),
    (
        "monitor",
        "Maya Collins",
        "victims-commissioner-for-england-and-wales",
        (Role.MONITOR,),
    ),
)


@dataclass(frozen=True)
class Historical:
    username: str
    title: str
    features: str
    harm: str
    received: date
    report_title: str
    report_published: date
    report_url: str
    co_submitters: str = ""
    on_behalf_of: str = ""
    note: str = ""


# DOMAIN.md §4. Received and report dates are the published ones; acknowledgement and eligibility
# decision dates were never published, so the demo records them as illustrative and says so.
HISTORICAL: tuple[Historical, ...] = (
    Historical(
        "liberty",
        "Data-sharing between the police and the Home Office regarding victims and witnesses to crime",
        "Police forces pass the personal data of victims and witnesses of crime with insecure immigration status to Home Office immigration enforcement.",
        "Victims, including survivors of domestic abuse, are deterred from reporting crime for fear of immigration enforcement, leaving them unprotected and offenders free.",
        date(2018, 12, 18),
        "Safe to share?",
        date(2020, 12, 17),
        "https://hmicfrs.justiceinspectorates.gov.uk/publications/liberty-and-southall-black-sisters-super-complaint-on-policing-and-immigration-status/",
        co_submitters="Southall Black Sisters",
    ),
    Historical(
        "cwj",
        "Police use of protective measures in cases of violence against women and girls",
        "Failure to use protective measures: pre-charge bail, non-molestation orders, domestic violence protection notices and orders, and restraining orders.",
        "Women and girls are left without the protection the law provides, exposing them to continued abuse.",
        date(2019, 3, 19),
        "A duty to protect",
        date(2021, 8, 24),
        "https://hmicfrs.justiceinspectorates.gov.uk/publications/police-super-complaints-police-use-of-protective-measures-in-cases-of-violence-against-women-and-girls/",
        note="Report published in August 2021; press coverage from 24 August 2021.",
    ),
    Historical(
        "hestia",
        "Underground lives: police response to victims of modern slavery",
        "Non-specialist officers miss signs of exploitation; no immediate steps to make victims feel safe; victims treated as immigration offenders or as criminals despite the section 45 defence; inadequate investigation and frontline training.",
        "Victims are deterred from engaging, traffickers are not prosecuted, and victims are left at risk of re-exploitation.",
        date(2019, 5, 31),
        "The hidden victims",
        date(2021, 5, 26),
        "https://www.justiceinspectorates.gov.uk/hmicfrs/publications/report-on-hestias-super-complaint-on-the-police-response-to-victims-of-modern-slavery",
    ),
    Historical(
        "cwj",
        "Police-perpetrated domestic abuse",
        "Eleven themes including reporting, investigation and misconduct handling where the suspect is a police officer, and the victimisation of officer-victims.",
        "Victims of abuse by police officers are not protected and cannot trust the police to investigate.",
        date(2020, 3, 9),
        "Police perpetrated domestic abuse: report on the Centre for Women's Justice super-complaint",
        date(2022, 6, 30),
        "https://hmicfrs.justiceinspectorates.gov.uk/publications/police-perpetrated-domestic-abuse-report-on-the-centre-for-womens-justice-super-complaint/",
    ),
    Historical(
        "tvip",
        "Invisible survivors: police response to ethnic minority victims of sexual abuse at risk of honour-based abuse",
        "Nine features of the police response to ethnic minority victims of sexual abuse at risk of honour-based abuse.",
        "Victims at risk of honour-based abuse are not recognised or protected.",
        date(2020, 8, 7),
        "Report on the Tees Valley Inclusion Project super-complaint",
        date(2022, 12, 16),
        "https://hmicfrs.justiceinspectorates.gov.uk/publications/report-on-tees-valley-inclusion-project-super-complaint/",
    ),
    Historical(
        "cja",
        "More harm than good: section 60 stop and search and community scrutiny",
        "Suspicionless stop and search under section 60 of the Criminal Justice and Public Order Act 1994, and weak community scrutiny of all stop and search.",
        "Disproportionate use damages trust in the police, particularly among Black communities and children.",
        date(2021, 5, 4),
        "Report on the Criminal Justice Alliance's stop and search super-complaint",
        date(2023, 12, 15),
        "https://hmicfrs.justiceinspectorates.gov.uk/publications/report-on-the-criminal-justice-alliances-stop-and-search-super-complaint/",
        note="Received in May 2021; the exact day is not public.",
    ),
    Historical(
        "slt",
        "Police response to stalking",
        "Failures to recognise stalking, to record it correctly, to use stalking protection orders and to support victims.",
        "Stalking victims are left unprotected; stalking escalates and can end in serious harm or homicide.",
        date(2022, 11, 1),
        "The police response to stalking: report on the Suzy Lamplugh Trust super-complaint",
        date(2024, 9, 27),
        "https://hmicfrs.justiceinspectorates.gov.uk/publications/suzy-lamplugh-trusts-super-complaint-the-police-response-to-stalking/",
        on_behalf_of="National Stalking Consortium",
        note="Received in November 2022; the exact day is not public.",
    ),
)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def _next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _evidence_pdf(title: str, text: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.drawString(72, 770, title[:90])
    y = 740
    for chunk in [text[i : i + 95] for i in range(0, len(text), 95)][:40]:
        pdf.drawString(72, y, chunk)
        y -= 16
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile(
        "evidence-summary.pdf", buffer.getvalue(), content_type="application/pdf"
    )


class Command(BaseCommand):
    help = "Create demo users for every role and demo super-complaints (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        users = self._users()
        if SuperComplaint.objects.exists():
            self.stdout.write(
                "Demo users refreshed; complaints already present, none added."
            )
            return
        # The demo's e-mails go nowhere: the real ones are sent when people use the service.
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ),
            transaction.atomic(),
        ):
            historical = [self._historical(users, item) for item in HISTORICAL]
            self._current(users, historical)
            responses_demo.seed_responses(users, timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {SuperComplaint.objects.count()} super-complaints."
            )
        )
        self.stdout.write(
            f"Sign in as any of: {', '.join(u for u, *_ in DEMO_USERS)} (password: {DEMO_PASSWORD})"
        )

    def _users(self) -> dict[str, User]:
        # One hash for every demo account: hashing is deliberately slow, and they share one password.
        password = make_password(DEMO_PASSWORD)
        users = {}
        for username, full_name, slug, roles in DEMO_USERS:
            first, last = full_name.split(" ", 1)
            user, _created = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.example",
                    "organisation": Organisation.objects.get(slug=slug),
                    "is_active": True,
                },
            )
            user.password = password
            user.save()
            for role in roles:
                RoleGrant.objects.get_or_create(user=user, role=role)
            users[username] = user
        admin, _created = User.objects.update_or_create(
            username="admin",
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "email": "admin@demo.example",
            },
        )
        admin.password = password
        admin.save()
        return users

    def _draft(
        self, users: dict[str, User], username: str, **fields: Any
    ) -> SuperComplaint:
        member = users[username]
        complaint = services.start_draft(by=member)
        forces = fields.pop("forces", [])
        data = {
            "contact_name": member.get_full_name(),
            "contact_email": member.email,
            **fields,
        }
        return services.update_draft(
            complaint,
            by=member,
            data=data,
            forces=forces,
            expected_version=complaint.version,
        )

    def _to_decision(
        self,
        users: dict[str, User],
        complaint: SuperComplaint,
        received: datetime,
        *,
        stop_at: str,
        views: dict[str, str] | None = None,
    ) -> SuperComplaint:
        member = complaint.created_by
        with clock.fixed_at(received):
            services.attach_evidence(
                complaint,
                by=member,
                upload=_evidence_pdf(
                    complaint.title,
                    complaint.features + " " + complaint.harm_explanation,
                ),
            )
            complaint = SuperComplaint.objects.get(pk=complaint.pk)
            services.submit_complaint(complaint, by=member)
        if stop_at == SuperComplaint.State.SUBMITTED:
            return complaint
        with clock.fixed_at(received + timedelta(days=2)):
            services.acknowledge_complaint(complaint, by=users["triager"])
        if stop_at == SuperComplaint.State.ACKNOWLEDGED:
            return complaint
        with clock.fixed_at(received + timedelta(days=9)):
            services.start_assessment(complaint, by=users["triager"])
        approvers = {
            "hmicfrs": "hmicfrs-approver",
            "college": "college-approver",
            "iopc": "iopc-approver",
        }
        for offset, (kind, view) in enumerate((views or {}).items()):
            with clock.fixed_at(received + timedelta(days=30 + offset * 7)):
                reasons = (
                    "It sets out features of policing, why they appear significantly to harm the public, and evidence (reg 4)."
                    if view == EligibilityView.View.ELIGIBLE
                    else "It repeats the substance of a complaint that is being investigated (reg 6(3))."
                )
                services.record_eligibility_view(
                    complaint, by=users[approvers[kind]], view=view, reasons=reasons
                )
        return SuperComplaint.objects.get(pk=complaint.pk)

    def _historical(self, users: dict[str, User], item: Historical) -> SuperComplaint:
        received = _at(item.received)
        with clock.fixed_at(received - timedelta(days=1)):
            complaint = self._draft(
                users,
                item.username,
                title=item.title,
                features=item.features,
                harm_explanation=item.harm,
                co_submitters=item.co_submitters,
                on_behalf_of=item.on_behalf_of,
            )
        all_eligible = dict.fromkeys(
            ("hmicfrs", "college", "iopc"), EligibilityView.View.ELIGIBLE
        )
        complaint = self._to_decision(
            users, complaint, received, stop_at="decided", views=all_eligible
        )
        with clock.fixed_at(received + timedelta(days=60)):
            services.decide_eligibility(
                complaint,
                by=users["triager"],
                eligible=True,
                reasons="Eligible: all three decision-making authorities agree. (The date of this decision was not "
                "published; the demo uses an illustrative date.)",
            )
        investigation = SuperComplaint.objects.get(pk=complaint.pk).investigation
        with clock.fixed_at(_at(item.report_published, 9)):
            demo.record_historical_report(
                investigation,
                by=users["triager"],
                title=item.report_title,
                published_on=item.report_published,
                url=item.report_url,
                note=item.note,
            )
        return complaint

    def _investigated(
        self, users: dict[str, User], item: demo.Current, today: date
    ) -> SuperComplaint:
        """A complaint found eligible, then its investigation worked up to its current stage."""
        with clock.fixed_at(item.received - timedelta(days=1)):
            complaint = self._draft(
                users,
                item.username,
                title=item.title,
                features=item.features,
                harm_explanation=item.harm,
                co_submitters=item.co_submitters,
                forces=list(Organisation.objects.filter(slug__in=item.forces)),
            )
        all_eligible = dict.fromkeys(
            ("hmicfrs", "college", "iopc"), EligibilityView.View.ELIGIBLE
        )
        complaint = self._to_decision(
            users, complaint, item.received, stop_at="decided", views=all_eligible
        )
        with clock.fixed_at(item.opened):
            services.decide_eligibility(
                complaint,
                by=users["triager"],
                eligible=True,
                reasons=f"Eligible: all three decision-making authorities agree. ({item.decision_note})",
            )
        complaint = SuperComplaint.objects.get(pk=complaint.pk)
        item.build(demo.Story(complaint.investigation, users, today))
        return complaint

    def _current(
        self, users: dict[str, User], historical: list[SuperComplaint]
    ) -> None:
        now = timezone.now().astimezone(LONDON)
        today = now.date()
        # Eligible complaints, in the order they were received, and their investigations in every
        # stage; among them the real one of CWJ and its partners (December 2025).
        investigated = {
            item.key: self._investigated(users, item, today)
            for item in demo.current_investigations(today)
        }
        delayed = investigated["delayed"]

        # Fresh work in every state of the intake workflow.
        with clock.fixed_at(now - timedelta(days=3)):
            self._draft(
                users,
                "hestia",
                title="Police response to victims of criminal exploitation in county lines",
                features="Children exploited in county lines drug supply are treated as offenders rather than as victims.",
            )
        with clock.fixed_at(now - timedelta(days=1)):
            ready = self._draft(
                users,
                "cwj",
                title="Police use of Clare's Law disclosures",
                features="Delays and inconsistency in the disclosure of an abusive partner's history under the Domestic Violence Disclosure Scheme.",
                harm_explanation="Victims are left without information that would help them stay safe.",
                harms="Risk of serious harm and homicide to people at risk of domestic abuse.",
                affected_groups="People at risk of domestic abuse, mostly women.",
                forces=list(
                    Organisation.objects.filter(
                        slug__in=["kent-police", "sussex-police"]
                    )
                ),
            )
            services.attach_evidence(
                ready,
                by=users["cwj"],
                upload=_evidence_pdf(ready.title, ready.features),
            )

        def make(
            username: str,
            title: str,
            features: str,
            received: datetime,
            stop_at: str,
            **extra: Any,
        ) -> SuperComplaint:
            with clock.fixed_at(received - timedelta(hours=2)):
                draft = self._draft(
                    users,
                    username,
                    title=title,
                    features=features,
                    harm_explanation="The feature appears to be significantly harming the interests of the public: "
                    "victims disengage and offenders go unchallenged.",
                    harms=extra.pop("harms", ""),
                )
            return self._to_decision(users, draft, received, stop_at=stop_at, **extra)

        make(
            "slt",
            "Police response to breaches of stalking protection orders",
            "Breaches of stalking protection orders are not recorded or acted on.",
            _at(_next_weekday(today - timedelta(days=12))),
            SuperComplaint.State.SUBMITTED,
        )
        make(
            "hestia",
            "Police treatment of adult victims of labour exploitation",
            "Adult victims of labour exploitation are not identified or referred for support.",
            _at(_next_weekday(today - timedelta(days=1)), 14),
            SuperComplaint.State.SUBMITTED,
        )
        make(
            "cja",
            "Use of facial recognition technology at protests",
            "Live facial recognition is used at protests without adequate safeguards or community scrutiny.",
            _at(_next_weekday(today - timedelta(days=20))),
            SuperComplaint.State.ACKNOWLEDGED,
        )
        make(
            "liberty",
            "Police use of children as covert human intelligence sources",
            "Children are used as covert human intelligence sources without adequate safeguards.",
            _at(_next_weekday(today - timedelta(days=60))),
            SuperComplaint.State.UNDER_ASSESSMENT,
            views={
                "hmicfrs": EligibilityView.View.ELIGIBLE,
                "college": EligibilityView.View.ELIGIBLE,
            },
        )
        repeat = make(
            "tvip",
            "Long delays in sexual offence investigations in the north east",
            "Investigations of sexual offences by forces in the north east take excessively long.",
            _at(_next_weekday(today - timedelta(days=80))),
            SuperComplaint.State.UNDER_ASSESSMENT,
            views=dict.fromkeys(
                ("hmicfrs", "college", "iopc"), EligibilityView.View.NOT_ELIGIBLE
            ),
        )
        with clock.fixed_at(repeat.assessment_started_at + timedelta(days=1)):
            services.link_repeat(
                repeat, by=users["triager"], earlier=delayed, material_change=""
            )
        with clock.fixed_at(repeat.assessment_started_at + timedelta(days=50)):
            services.decide_eligibility(
                SuperComplaint.objects.get(pk=repeat.pk),
                by=users["triager"],
                eligible=False,
                reasons=f"It repeats the substance of {delayed.reference}, which is being investigated "
                "(regulation 6(3) of the Police Super-complaints (Designation and Procedure) Regulations 2018). "
                "Its evidence has been passed to that investigation.",
            )
        withdrawn = make(
            "hestia",
            "Police response to missing adults at risk of exploitation",
            "Missing adults at risk of exploitation are not treated as high risk.",
            _at(_next_weekday(today - timedelta(days=40))),
            SuperComplaint.State.ACKNOWLEDGED,
        )
        with clock.fixed_at(withdrawn.acknowledged_at + timedelta(days=5)):
            services.withdraw_complaint(
                SuperComplaint.objects.get(pk=withdrawn.pk),
                by=users["hestia"],
                reason="We will make a joint complaint with partner organisations instead.",
            )
