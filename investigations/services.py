"""Every action on a joint investigation, one function each. Views, commands and tests call only these.

Each stage change goes through `workflow.transitions.perform` and records the stage period; each
change of the report's content voids the sign-offs given to the earlier version.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils.translation import gettext as _

from accounts import permissions as perms
from accounts.models import (
    DECISION_MAKING_AUTHORITIES,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from complaints.uploads import check_upload
from investigations import emails
from investigations.models import (
    EvidenceAttachment,
    EvidenceItem,
    FactCheckComment,
    FactCheckRequest,
    Investigation,
    ProgressReport,
    PublishedReport,
    Redaction,
    ReportAction,
    SignOff,
    StagePeriod,
    Task,
    TeamMember,
    Theme,
)
from investigations.report_pdf import render_report_pdf
from recommendations.models import (
    RecipientKind,
    Recommendation,
    RecommendationResponse,
)
from workflow import clock, deadlines
from workflow.transitions import perform

REPORT_FIELDS = (
    "report_title",
    "summary",
    "steps_taken",
    "findings",
    "conclusions",
    "further_action",
)
VOIDED_BY_EDIT = "The report changed after this approval."


class StaleEdit(Exception):
    """The report was changed by someone else since the editor loaded it."""


# --- Opening and stages ---------------------------------------------------------------------------
def open_investigation(complaint: Any) -> Investigation:
    """Open the investigation of a complaint just found eligible (called by its decision)."""
    investigation = Investigation.objects.create(
        complaint=complaint, opened_at=clock.now()
    )
    StagePeriod.objects.create(
        investigation=investigation,
        stage=investigation.state,
        started_at=investigation.opened_at,
    )
    return investigation


def _enter_current_stage(investigation: Investigation) -> None:
    now = clock.now()
    StagePeriod.objects.filter(
        investigation=investigation, ended_at__isnull=True
    ).update(ended_at=now)
    StagePeriod.objects.create(
        investigation=investigation, stage=investigation.state, started_at=now
    )


def _move(
    investigation: Investigation, name: str, *, by: Any, reason: str = ""
) -> Investigation:
    with transaction.atomic():
        perform(getattr(investigation, name), by=by, reason=reason)
        _enter_current_stage(investigation)
    return investigation


def start_evidence_gathering(investigation: Investigation, *, by: Any) -> Investigation:
    return _move(investigation, "start_evidence_gathering", by=by)


def start_analysis(investigation: Investigation, *, by: Any) -> Investigation:
    return _move(investigation, "start_analysis", by=by)


def start_drafting(investigation: Investigation, *, by: Any) -> Investigation:
    return _move(investigation, "start_drafting", by=by)


def send_for_fact_check(investigation: Investigation, *, by: Any) -> Investigation:
    """Send the draft to each chosen organisation; each is e-mailed once the change is committed."""
    with transaction.atomic():
        _move(investigation, "send_for_fact_check", by=by)
        investigation.fact_check_requests.filter(sent_at__isnull=True).update(
            sent_at=clock.now()
        )
        transaction.on_commit(lambda: emails.send_fact_check_requests(investigation.pk))
    return investigation


def send_for_sign_off(investigation: Investigation, *, by: Any) -> Investigation:
    return _move(investigation, "send_for_sign_off", by=by)


def pause(investigation: Investigation, *, by: Any, reason: str) -> Investigation:
    if not reason.strip():
        raise ValidationError(_("Say why the investigation is paused."))
    return _move(investigation, "pause", by=by, reason=reason)


def resume(investigation: Investigation, *, by: Any) -> Investigation:
    return _move(investigation, "resume", by=by)


# --- The team -------------------------------------------------------------------------------------
def _check_team_candidate(user: User, role: str) -> None:
    if not user.is_active or user.organisation is None:
        raise ValidationError(_("That person's account is not active."))
    if user.organisation.kind not in DECISION_MAKING_AUTHORITIES:
        raise ValidationError(
            _("The team is drawn from HMICFRS, the College of Policing and the IOPC.")
        )
    needed = Role.APPROVER if role == TeamMember.Role.APPROVER else Role.INVESTIGATOR
    if not user.has_role(needed):
        raise ValidationError(
            _("%(name)s does not hold the %(role)s role in their organisation.")
            % {"name": user.get_full_name() or user.username, "role": needed.label}
        )


def appoint_lead(investigation: Investigation, *, by: Any, user: User) -> TeamMember:
    """HMICFRS's super-complaints team names the lead; a previous lead stays as an investigator."""
    if not perms.can_appoint_lead(by, investigation):
        raise PermissionDenied
    if investigation.is_concluded:
        raise ValidationError(_("The report has been published: the team is closed."))
    _check_team_candidate(user, TeamMember.Role.LEAD)
    with transaction.atomic():
        investigation.team.filter(role=TeamMember.Role.LEAD).update(
            role=TeamMember.Role.INVESTIGATOR
        )
        member, _created = TeamMember.objects.update_or_create(
            investigation=investigation,
            user=user,
            defaults={"role": TeamMember.Role.LEAD, "added_by": by},
        )
    return member


def add_team_member(
    investigation: Investigation, *, by: Any, user: User, role: str
) -> TeamMember:
    """The lead names investigators and the approvers who will sign off for each authority."""
    if not perms.can_lead(by, investigation):
        raise PermissionDenied
    if role not in (TeamMember.Role.INVESTIGATOR, TeamMember.Role.APPROVER):
        raise ValidationError(_("Choose investigator or approver."))
    _check_team_candidate(user, role)
    if investigation.team.filter(user=user).exists():
        raise ValidationError(_("That person is already on the team."))
    return TeamMember.objects.create(
        investigation=investigation, user=user, role=role, added_by=by
    )


def remove_team_member(member: TeamMember, *, by: Any) -> None:
    if not perms.can_lead(by, member.investigation):
        raise PermissionDenied
    if member.role == TeamMember.Role.LEAD:
        raise ValidationError(
            _("The lead cannot be removed; HMICFRS can appoint another.")
        )
    member.delete()


# --- Scoping, evidence log and tasks --------------------------------------------------------------
def _require_worker(investigation: Investigation, by: Any) -> None:
    if not perms.can_work_on(by, investigation):
        raise PermissionDenied
    if investigation.is_concluded:
        raise ValidationError(_("The report has been published: this is closed."))


def _require_on_team(investigation: Investigation, user: Any) -> None:
    if investigation.team_role(user) is None:
        raise ValidationError(_("Choose an owner from the investigation team."))


def update_terms_of_reference(
    investigation: Investigation, *, by: Any, text: str
) -> None:
    _require_worker(investigation, by)
    Investigation.objects.filter(pk=investigation.pk).update(terms_of_reference=text)
    investigation.terms_of_reference = text


def add_theme(
    investigation: Investigation, *, by: Any, title: str, description: str = ""
) -> Theme:
    _require_worker(investigation, by)
    return Theme.objects.create(
        investigation=investigation, title=title, description=description
    )


def add_evidence_item(
    investigation: Investigation,
    *,
    by: Any,
    kind: str,
    title: str,
    owner: User,
    due_on: date | None = None,
    organisation: Organisation | None = None,
    notes: str = "",
) -> EvidenceItem:
    _require_worker(investigation, by)
    _require_on_team(investigation, owner)
    return EvidenceItem.objects.create(
        investigation=investigation,
        kind=kind,
        title=title,
        owner=owner,
        due_on=due_on,
        organisation=organisation,
        notes=notes,
        created_by=by,
    )


def update_evidence_status(item: EvidenceItem, *, by: Any, status: str) -> None:
    _require_worker(item.investigation, by)
    if status not in EvidenceItem.Status.values:
        raise ValidationError(_("Choose a status from the list."))
    EvidenceItem.objects.filter(pk=item.pk).update(status=status)
    item.status = status


def attach_to_evidence_item(
    item: EvidenceItem, *, by: Any, upload: UploadedFile
) -> EvidenceAttachment:
    """Same content checks as intake evidence (complaints.uploads)."""
    _require_worker(item.investigation, by)
    stored = (
        EvidenceAttachment.objects.filter(
            item__investigation=item.investigation
        ).aggregate(total=Sum("size"))["total"]
        or 0
    )
    checked = check_upload(upload, already_stored_bytes=stored)
    attachment = EvidenceAttachment(
        item=item,
        original_name=checked.display_name,
        content_type=checked.kind.content_type,
        kind_label=checked.kind.label,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    upload.name = f"upload{checked.kind.extensions[0]}"
    attachment.file = upload
    attachment.save()
    return attachment


def add_task(
    investigation: Investigation, *, by: Any, title: str, owner: User, due_on: date
) -> Task:
    _require_worker(investigation, by)
    _require_on_team(investigation, owner)
    return Task.objects.create(
        investigation=investigation,
        title=title,
        owner=owner,
        due_on=due_on,
        created_by=by,
    )


def complete_task(task: Task, *, by: Any) -> None:
    _require_worker(task.investigation, by)
    Task.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=clock.now())


def send_progress_report(
    investigation: Investigation, *, by: Any, text: str
) -> ProgressReport:
    """A dated progress report to the designated body (reg 7), shown on its complaint page and
    e-mailed to it once committed."""
    _require_worker(investigation, by)
    if not text.strip():
        raise ValidationError(_("Write the progress report."))
    with transaction.atomic():
        report = ProgressReport.objects.create(
            investigation=investigation,
            sent_on=clock.today(),
            text=text,
            written_by=by,
        )
        transaction.on_commit(lambda: emails.send_progress_report(report.pk))
    return report


# --- The report draft -----------------------------------------------------------------------------
def _require_editor(investigation: Investigation, by: Any) -> None:
    if not perms.can_work_on(by, investigation):
        raise PermissionDenied
    if not investigation.is_editable:
        raise ValidationError(
            _(
                "The report can be changed only while it is drafted, fact-checked or signed off."
            )
        )


def _content_changed(investigation: Investigation, *, by: Any) -> None:
    """Any change of the report: a new version, its author recorded, standing approvals voided."""
    now = clock.now()
    Investigation.objects.filter(pk=investigation.pk).update(
        version=F("version") + 1, draft_updated_at=now
    )
    investigation.draft_contributors.add(by)
    investigation.sign_offs.filter(voided_at__isnull=True).update(
        voided_at=now, void_reason=VOIDED_BY_EDIT
    )
    investigation.refresh_from_db(fields=["version", "draft_updated_at"])


def update_report(
    investigation: Investigation,
    *,
    by: Any,
    data: dict[str, str],
    expected_version: int,
) -> Investigation:
    """Save the report's text. Raises StaleEdit, saving nothing, if another edit landed first."""
    _require_editor(investigation, by)
    values = {name: data[name] for name in REPORT_FIELDS if name in data}
    with transaction.atomic():
        locked = Investigation.objects.select_for_update().get(pk=investigation.pk)
        if locked.version != expected_version:
            raise StaleEdit
        Investigation.objects.filter(pk=investigation.pk).update(**values)
        _content_changed(investigation, by=by)
    investigation.refresh_from_db()
    return investigation


def _check_recipients(kinds: Iterable[str], named: Iterable[Organisation]) -> None:
    if not list(kinds) and not list(named):
        raise ValidationError(
            _("Address the recommendation to at least one recipient.")
        )


def add_recommendation(
    investigation: Investigation,
    *,
    by: Any,
    text: str,
    recipient_kinds: list[str],
    named_recipients: Iterable[Organisation],
    due_on: date | None = None,
) -> Recommendation:
    _require_editor(investigation, by)
    named = list(named_recipients)
    _check_recipients(recipient_kinds, named)
    with transaction.atomic():
        last = investigation.recommendations.aggregate(n=Max("number"))["n"] or 0
        recommendation = Recommendation.objects.create(
            investigation=investigation,
            number=last + 1,
            text=text,
            recipient_kinds=sorted(RecipientKind(k).value for k in recipient_kinds),
            due_on=due_on,
        )
        recommendation.named_recipients.set(named)
        _content_changed(investigation, by=by)
    return recommendation


def update_recommendation(
    recommendation: Recommendation,
    *,
    by: Any,
    text: str,
    recipient_kinds: list[str],
    named_recipients: Iterable[Organisation],
    due_on: date | None = None,
) -> Recommendation:
    investigation = recommendation.investigation
    _require_editor(investigation, by)
    named = list(named_recipients)
    _check_recipients(recipient_kinds, named)
    with transaction.atomic():
        Recommendation.objects.filter(pk=recommendation.pk).update(
            text=text,
            recipient_kinds=sorted(RecipientKind(k).value for k in recipient_kinds),
            due_on=due_on,
        )
        recommendation.named_recipients.set(named)
        _content_changed(investigation, by=by)
    recommendation.refresh_from_db()
    return recommendation


def remove_recommendation(recommendation: Recommendation, *, by: Any) -> None:
    """Remove it and renumber the ones after it, so the numbers stay 1, 2, 3…"""
    investigation = recommendation.investigation
    _require_editor(investigation, by)
    with transaction.atomic():
        number = recommendation.number
        recommendation.delete()
        for later in investigation.recommendations.filter(number__gt=number).order_by(
            "number"
        ):
            Recommendation.objects.filter(pk=later.pk).update(number=later.number - 1)
        _content_changed(investigation, by=by)


def add_action(
    investigation: Investigation,
    *,
    by: Any,
    body: Organisation,
    text: str,
    due_on: date | None = None,
) -> ReportAction:
    _require_editor(investigation, by)
    if body.kind not in (OrganisationKind.COLLEGE, OrganisationKind.HMICFRS):
        raise ValidationError(
            _("Actions are set by the College of Policing or HMICFRS.")
        )
    with transaction.atomic():
        last = investigation.actions.aggregate(n=Max("number"))["n"] or 0
        action = ReportAction.objects.create(
            investigation=investigation,
            number=last + 1,
            body=body,
            text=text,
            due_on=due_on,
        )
        _content_changed(investigation, by=by)
    return action


def remove_action(action: ReportAction, *, by: Any) -> None:
    investigation = action.investigation
    _require_editor(investigation, by)
    with transaction.atomic():
        number = action.number
        action.delete()
        for later in investigation.actions.filter(number__gt=number).order_by("number"):
            ReportAction.objects.filter(pk=later.pk).update(number=later.number - 1)
        _content_changed(investigation, by=by)


def add_redaction(
    investigation: Investigation,
    *,
    by: Any,
    section: str,
    passage: str,
    ground: str,
    explanation: str,
) -> Redaction:
    """Withhold a passage from the published report, only on a reg 8(3) ground, with the reason."""
    _require_editor(investigation, by)
    if section not in Redaction.SECTIONS:
        raise ValidationError(_("Choose the section the passage is in."))
    if ground not in Redaction.Ground.values:
        raise ValidationError(
            _(
                "A passage can be withheld only for national security or someone's safety."
            )
        )
    if not explanation.strip():
        raise ValidationError(_("Explain why the ground applies."))
    if not passage.strip() or passage not in getattr(investigation, section):
        raise ValidationError(
            _("The passage must be copied exactly from that section of the draft.")
        )
    with transaction.atomic():
        redaction = Redaction.objects.create(
            investigation=investigation,
            section=section,
            passage=passage,
            ground=ground,
            explanation=explanation,
            recorded_by=by,
        )
        _content_changed(investigation, by=by)
    return redaction


def remove_redaction(redaction: Redaction, *, by: Any) -> None:
    investigation = redaction.investigation
    _require_editor(investigation, by)
    with transaction.atomic():
        redaction.delete()
        _content_changed(investigation, by=by)


# --- Fact-checking and sign-off -------------------------------------------------------------------
def add_fact_check_request(
    investigation: Investigation, *, by: Any, organisation: Organisation, due_on: date
) -> FactCheckRequest:
    _require_editor(investigation, by)
    if due_on <= clock.today():
        raise ValidationError(_("The comments must be due after today."))
    if investigation.fact_check_requests.filter(organisation=organisation).exists():
        raise ValidationError(
            _("%(org)s has already been asked.") % {"org": organisation}
        )
    sent_now = investigation.state != Investigation.State.DRAFTING
    with transaction.atomic():
        request = FactCheckRequest.objects.create(
            investigation=investigation,
            organisation=organisation,
            due_on=due_on,
            created_by=by,
            sent_at=clock.now() if sent_now else None,
        )
        if sent_now:
            transaction.on_commit(
                lambda: emails.send_fact_check_requests(investigation.pk)
            )
    return request


def record_fact_check_comment(
    request: FactCheckRequest, *, by: Any, text: str
) -> FactCheckComment:
    """Record the organisation's comments against the version of the draft it was sent."""
    investigation = request.investigation
    if not perms.can_work_on(by, investigation):
        raise PermissionDenied
    if request.sent_at is None:
        raise ValidationError(_("The draft has not been sent to them yet."))
    if investigation.is_concluded:
        raise ValidationError(_("The report has been published."))
    if not text.strip():
        raise ValidationError(_("Enter the comments."))
    return FactCheckComment.objects.create(
        request=request,
        text=text,
        content_hash=investigation.content_hash(),
        recorded_by=by,
    )


def approve_report(investigation: Investigation, *, by: Any) -> SignOff:
    """Sign off the exact current version for the approver's own authority. The draft's authors may
    not approve it; any later edit voids the approval."""
    if not perms.can_sign_off(by, investigation):
        raise PermissionDenied
    if investigation.state != Investigation.State.SIGN_OFF:
        raise ValidationError(_("The report is not waiting for sign-off."))
    if investigation.draft_contributors.filter(pk=by.pk).exists():
        raise ValidationError(
            _("You wrote part of this draft, so you cannot be its approver.")
        )
    with transaction.atomic():
        locked = Investigation.objects.select_for_update().get(pk=investigation.pk)
        if locked.version != investigation.version:
            # An edit landed after this copy was read: its hash would name a version that no
            # longer stands, and the "already signed off" check would then lock this authority out.
            raise ValidationError(
                _(
                    "The report changed after you opened this page. Read this version, then sign it off."
                )
            )
        if investigation.sign_offs.filter(
            authority=by.organisation, voided_at__isnull=True
        ).exists():
            raise ValidationError(
                _("%(org)s has already signed off this version.")
                % {"org": by.organisation}
            )
        return SignOff.objects.create(
            investigation=investigation,
            authority=by.organisation,
            approved_by=by,
            content_hash=investigation.content_hash(),
        )


# --- Publication ----------------------------------------------------------------------------------
def withheld_marker(ground: str) -> str:
    return _("[Passage withheld under regulation 8(3): %(ground)s]") % {
        "ground": Redaction.Ground(ground).label.lower()
    }


def published_content(investigation: Investigation) -> dict[str, Any]:
    """The report as it is published: withheld passages replaced by a marker naming the ground, the
    recipients of each recommendation, and the annex of every organisation that must respond."""
    texts = {name: getattr(investigation, name) for name in Redaction.SECTIONS}
    for redaction in investigation.redactions.all():
        texts[redaction.section] = texts[redaction.section].replace(
            redaction.passage, withheld_marker(redaction.ground)
        )
    recommendations = list(
        investigation.recommendations.prefetch_related("named_recipients").order_by(
            "number"
        )
    )
    annex: dict[int, dict[str, Any]] = {}
    for recommendation in recommendations:
        for organisation in recommendation.recipient_organisations():
            row = annex.setdefault(
                organisation.pk,
                {
                    "organisation": organisation.name,
                    "kind": str(organisation.get_kind_display()),
                    "recommendations": [],
                },
            )
            row["recommendations"].append(recommendation.number)
    complaint = investigation.complaint
    return {
        "reference": complaint.reference or "",
        "designated_body": complaint.organisation.name,
        "complaint_title": complaint.title,
        "title": investigation.report_title,
        "published_on": investigation.report_published_on.isoformat(),
        **texts,
        "recommendations": [
            {
                "number": r.number,
                "text": r.text,
                "due_on": r.due_on.isoformat() if r.due_on else None,
                "recipients": r.recipient_labels(),
            }
            for r in recommendations
        ],
        "actions": [
            {
                "number": a.number,
                "body": a.body.name,
                "text": a.text,
                "due_on": a.due_on.isoformat() if a.due_on else None,
            }
            for a in investigation.actions.select_related("body").order_by("number")
        ],
        "annex": sorted(
            annex.values(), key=lambda row: (row["kind"], row["organisation"])
        ),
    }


def _issue_responses(investigation: Investigation) -> int:
    """One response per recommendation and recipient organisation, each due by `response_due()`."""
    due_on = deadlines.response_due(investigation.report_published_on)
    issued_at = clock.now()
    responses = [
        RecommendationResponse(
            recommendation=recommendation,
            organisation=organisation,
            due_on=due_on,
            original_due_on=due_on,
            issued_at=issued_at,
        )
        for recommendation in investigation.recommendations.prefetch_related(
            "named_recipients"
        )
        for organisation in recommendation.recipient_organisations()
    ]
    RecommendationResponse.objects.bulk_create(responses)
    return len(responses)


def _fix_published_version(investigation: Investigation, *, by: Any) -> PublishedReport:
    snapshot = published_content(investigation)
    report = PublishedReport(
        investigation=investigation,
        snapshot=snapshot,
        content_hash=investigation.content_hash(),
        published_at=investigation.published_at,
        published_by=by,
    )
    report.pdf.save("report.pdf", ContentFile(render_report_pdf(snapshot)), save=False)
    report.save()
    return report


def publish_report(investigation: Investigation, *, by: Any) -> PublishedReport:
    """Reg 8 in one transition: fix the published version, render its PDF, make it public, issue
    the recipients' responses, and (once committed) send it to the designated body."""
    with transaction.atomic():
        _move(investigation, "publish", by=by)
        report = _fix_published_version(investigation, by=by)
        _issue_responses(investigation)
        transaction.on_commit(lambda: emails.send_report_published(investigation.pk))
    return report


def record_historical_report(
    investigation: Investigation,
    *,
    by: Any,
    title: str,
    published_on: date,
    url: str = "",
    reason: str = "",
    content: dict[str, str] | None = None,
    recommendations: Iterable[dict[str, Any]] = (),
    actions: Iterable[dict[str, Any]] = (),
) -> PublishedReport:
    """Bring in a report published before this service existed, with its recommendations, so that
    the recipients' responses can be tracked here. No e-mail: the body had it at the time."""
    if url:
        # The public report page links to it: a web address only, never `javascript:`.
        URLValidator(schemes=["http", "https"])(url)
    with transaction.atomic():
        perform(
            investigation.record_historical_report,
            by=by,
            reason=reason or "Report published before this service existed.",
            title=title,
            published_on=published_on,
            url=url,
        )
        _enter_current_stage(investigation)
        values = {k: v for k, v in (content or {}).items() if k in REPORT_FIELDS}
        if values:
            Investigation.objects.filter(pk=investigation.pk).update(**values)
            investigation.refresh_from_db()
        for number, item in enumerate(recommendations, start=1):
            recommendation = Recommendation.objects.create(
                investigation=investigation,
                number=number,
                text=item["text"],
                recipient_kinds=sorted(
                    RecipientKind(k).value for k in item.get("kinds", [])
                ),
                due_on=item.get("due_on"),
            )
            recommendation.named_recipients.set(item.get("named", []))
        for number, item in enumerate(actions, start=1):
            ReportAction.objects.create(
                investigation=investigation,
                number=number,
                body=item["body"],
                text=item["text"],
                due_on=item.get("due_on"),
            )
        report = _fix_published_version(investigation, by=by)
        _issue_responses(investigation)
    return report
