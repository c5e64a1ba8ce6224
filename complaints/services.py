"""Every action on a super-complaint, one function each. Views, commands and tests call only these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from accounts import permissions as perms
from accounts.models import Organisation, OrganisationKind
from complaints import emails
from complaints.models import (
    EligibilityView,
    Evidence,
    ReferenceSequence,
    SuperComplaint,
)
from complaints.uploads import check_upload
from investigations import services as investigation_services
from workflow import clock, deadlines
from workflow.models import DueDateChange
from workflow.transitions import perform

DRAFT_FIELDS = (
    "title",
    "features",
    "harm_explanation",
    "contact_name",
    "contact_email",
    "contact_phone",
    "harms",
    "affected_groups",
    "co_submitters",
    "on_behalf_of",
)


class StaleEdit(Exception):
    """The draft was changed by someone else since the editor loaded it."""


def start_draft(*, by: Any) -> SuperComplaint:
    """Open a new draft for the user's own designated body. Refused if the body's designation has
    been revoked (or not yet made): such a body cannot make super-complaints."""
    if not perms.can_start_complaint(by):
        raise PermissionDenied
    if not by.organisation.is_designated_on(clock.today()):
        raise ValidationError(
            _(
                "Your organisation is not currently a designated body, so it cannot make a super-complaint."
            )
        )
    return SuperComplaint.objects.create(
        organisation=by.organisation,
        created_by=by,
        contact_name=by.get_full_name(),
        contact_email=by.email,
    )


def update_draft(
    complaint: SuperComplaint,
    *,
    by: Any,
    data: dict[str, Any],
    forces: Iterable[Organisation],
    expected_version: int,
) -> SuperComplaint:
    """Save the draft's fields. Raises StaleEdit, saving nothing, if another edit landed first."""
    if not perms.can_edit_draft(by, complaint):
        raise PermissionDenied
    values = {name: data[name] for name in DRAFT_FIELDS if name in data}
    with transaction.atomic():
        updated = SuperComplaint.objects.filter(
            pk=complaint.pk, version=expected_version, state=SuperComplaint.State.DRAFT
        ).update(**values, version=F("version") + 1, updated_at=clock.now())
        if not updated:
            raise StaleEdit
        complaint.forces_concerned.set(forces)
    complaint.refresh_from_db()
    return complaint


def attach_evidence(
    complaint: SuperComplaint, *, by: Any, upload: UploadedFile
) -> Evidence:
    """Check an uploaded file by its content and attach it to the draft at once.

    Raises ValidationError with a message naming the file and the reason it was refused."""
    if not perms.can_edit_draft(by, complaint):
        raise PermissionDenied
    stored = complaint.evidence.aggregate(total=Sum("size"))["total"] or 0
    checked = check_upload(upload, already_stored_bytes=stored)
    evidence = Evidence(
        complaint=complaint,
        original_name=checked.display_name,
        content_type=checked.kind.content_type,
        kind_label=checked.kind.label,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    upload.name = f"upload{checked.kind.extensions[0]}"
    evidence.file = upload
    evidence.save()
    return evidence


def remove_evidence(evidence: Evidence, *, by: Any) -> None:
    if not perms.can_edit_draft(by, evidence.complaint):
        raise PermissionDenied
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _next_reference(year: int) -> str:
    sequence, _created = ReferenceSequence.objects.select_for_update().get_or_create(
        year=year
    )
    ReferenceSequence.objects.filter(pk=year).update(last=F("last") + 1)
    sequence.refresh_from_db()
    return f"SC-{year}-{sequence.last:03d}"


def submit_complaint(complaint: SuperComplaint, *, by: Any) -> SuperComplaint:
    """Submit the draft to HMICFRS: it is received now, gets its reference and its reg 5 due date,
    and the body is e-mailed once the change is committed."""
    with transaction.atomic():
        perform(complaint.submit, by=by)
        complaint.reference = _next_reference(
            complaint.received_at.astimezone(deadlines.LONDON).year
        )
        complaint.save(update_fields=["reference"])
        transaction.on_commit(lambda: emails.send_submitted(complaint.pk))
    return complaint


def acknowledge_complaint(complaint: SuperComplaint, *, by: Any) -> SuperComplaint:
    """Acknowledge receipt (reg 5); the body gets the acknowledgement letter by e-mail."""
    with transaction.atomic():
        perform(complaint.acknowledge, by=by)
        transaction.on_commit(lambda: emails.send_acknowledged(complaint.pk))
    return complaint


def start_assessment(complaint: SuperComplaint, *, by: Any) -> SuperComplaint:
    with transaction.atomic():
        perform(complaint.start_assessment, by=by)
    return complaint


def withdraw_complaint(
    complaint: SuperComplaint, *, by: Any, reason: str
) -> SuperComplaint:
    with transaction.atomic():
        perform(complaint.withdraw, by=by, reason=reason)
    return complaint


def record_eligibility_view(
    complaint: SuperComplaint, *, by: Any, view: str, reasons: str
) -> EligibilityView:
    """Record the view of the approver's own authority. Only while the complaint is under assessment;
    a later view replaces the earlier one, which stays in the record."""
    if not perms.can_record_eligibility_view(by, complaint):
        raise PermissionDenied
    if complaint.state != SuperComplaint.State.UNDER_ASSESSMENT:
        raise ValidationError(
            _("Views can only be recorded while the complaint is under assessment.")
        )
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for your authority's view."))
    return EligibilityView.objects.create(
        complaint=complaint,
        authority=by.organisation,
        view=view,
        reasons=reasons,
        recorded_by=by,
    )


def link_repeat(
    complaint: SuperComplaint,
    *,
    by: Any,
    earlier: SuperComplaint | None,
    material_change: str,
) -> None:
    """Record that the complaint repeats the substance of an earlier one (reg 6(3)-(4)), and any
    material change of circumstances since that one was investigated."""
    if not perms.can_triage(by, complaint):
        raise PermissionDenied
    if complaint.state not in SuperComplaint.AWAITING_DECISION:
        raise ValidationError(_("A repeat can only be recorded before the decision."))
    if earlier is not None and earlier.pk == complaint.pk:
        raise ValidationError(_("A complaint cannot repeat itself."))
    SuperComplaint.objects.filter(pk=complaint.pk).update(
        repeats=earlier, material_change=material_change if earlier else ""
    )
    complaint.refresh_from_db()


def decide_eligibility(
    complaint: SuperComplaint, *, by: Any, eligible: bool, reasons: str = ""
) -> SuperComplaint:
    """Record the three authorities' joint decision (reg 6). Eligible opens the investigation; the
    body is told in writing either way, with reasons when not eligible."""
    with transaction.atomic():
        if eligible:
            perform(complaint.decide_eligible, by=by, reason=reasons)
            investigation_services.open_investigation(complaint)
        else:
            if not reasons.strip():
                raise ValidationError(
                    _("A not-eligible decision needs written reasons.")
                )
            perform(complaint.decide_not_eligible, by=by, reason=reasons)
        transaction.on_commit(lambda: emails.send_decision(complaint.pk))
    return complaint


def recompute_acknowledgement_dues(*, why: str) -> int:
    """Recompute the reg 5 due date of every complaint awaiting acknowledgement after the calendar
    changed, logging each old → new date. Returns how many moved."""
    calendar = deadlines.Calendar.current()
    moved = 0
    with transaction.atomic():
        for complaint in SuperComplaint.objects.select_for_update().filter(
            state=SuperComplaint.State.SUBMITTED
        ):
            new_due = deadlines.acknowledgement_due(
                complaint.received_at, calendar=calendar
            )
            if new_due == complaint.acknowledgement_due_on:
                continue
            DueDateChange.objects.create(
                subject=complaint,
                deadline="acknowledgement_due_on",
                old_date=complaint.acknowledgement_due_on,
                new_date=new_due,
                reason=why,
                at=clock.now(),
            )
            SuperComplaint.objects.filter(pk=complaint.pk).update(
                acknowledgement_due_on=new_due
            )
            moved += 1
    return moved


def decision_makers() -> dict[str, Organisation]:
    return {
        org.kind: org
        for org in Organisation.objects.of_kind(
            *(OrganisationKind.HMICFRS, OrganisationKind.COLLEGE, OrganisationKind.IOPC)
        )
    }
