"""Every action on a recipient's response to a recommendation, one function each. Views, commands
and tests call only these."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts import permissions as perms
from accounts.models import OrganisationKind
from complaints.uploads import check_upload
from recommendations import emails
from recommendations.models import (
    ActionPlanItem,
    ExtensionRequest,
    ProgressUpdate,
    RecommendationResponse,
    ResponseEvidence,
)
from workflow import clock, deadlines
from workflow.models import DueDateChange, TransitionLog
from workflow.transitions import perform

State = RecommendationResponse.State


class StaleEdit(Exception):
    """The response was changed by someone else since the editor loaded it."""


def save_response_draft(
    response: RecommendationResponse,
    *,
    by: Any,
    outcome: str,
    text: str,
    expected_version: int,
) -> RecommendationResponse:
    """Save the recipient's draft response; nothing is public until it is published."""
    if not perms.can_respond(by, response):
        raise PermissionDenied
    if outcome and outcome not in RecommendationResponse.Outcome.values:
        raise ValidationError(_("Choose accepted, partly accepted or not accepted."))
    with transaction.atomic():
        updated = RecommendationResponse.objects.filter(
            pk=response.pk, version=expected_version, state=State.AWAITING_RESPONSE
        ).update(outcome=outcome, response_text=text, version=F("version") + 1)
        if not updated:
            if response.state != State.AWAITING_RESPONSE:
                raise ValidationError(_("The response has already been published."))
            raise StaleEdit
    response.refresh_from_db()
    return response


def publish_response(
    response: RecommendationResponse, *, by: Any
) -> RecommendationResponse:
    with transaction.atomic():
        perform(response.publish_response, by=by)
    return response


def start_work(response: RecommendationResponse, *, by: Any) -> RecommendationResponse:
    with transaction.atomic():
        perform(response.start_work, by=by)
    return response


def report_implementation(
    response: RecommendationResponse,
    *,
    by: Any,
    summary: str,
    files: list[UploadedFile] = (),  # type: ignore[assignment]
) -> RecommendationResponse:
    """Report that the recommendation has been implemented, saying what was done, with the
    evidence files (each checked by content before anything is saved)."""
    if not summary.strip():
        raise ValidationError(_("Describe what was implemented, with the evidence."))
    with transaction.atomic():
        # Written first: `perform` saves only what the transition itself changes.
        RecommendationResponse.objects.filter(pk=response.pk).update(
            implementation_summary=summary
        )
        response.implementation_summary = summary
        perform(response.report_implementation, by=by)
        for upload in files:
            _store_evidence(response, upload, by=by, for_implementation=True)
    return response


def verify(response: RecommendationResponse, *, by: Any) -> RecommendationResponse:
    """HMICFRS monitoring staff verify the implementation; four eyes: not the person who reported it."""
    if by.pk == response.implementation_reported_by_id:
        raise ValidationError(
            _("You reported this implementation, so someone else must verify it.")
        )
    with transaction.atomic():
        perform(response.verify, by=by)
    return response


def send_back(
    response: RecommendationResponse, *, by: Any, reason: str
) -> RecommendationResponse:
    if not reason.strip():
        raise ValidationError(_("Say what is still needed."))
    with transaction.atomic():
        perform(response.send_back, by=by, reason=reason)
        transaction.on_commit(lambda: emails.send_sent_back(response.pk, reason))
    return response


def reopen(
    response: RecommendationResponse, *, by: Any, reason: str
) -> RecommendationResponse:
    if not reason.strip():
        raise ValidationError(_("Say why the response is reopened."))
    with transaction.atomic():
        perform(response.reopen, by=by, reason=reason)
    return response


# --- Joint responses -------------------------------------------------------------------------------
def joint_partner(response: RecommendationResponse) -> RecommendationResponse | None:
    """The response of the same recommendation from the recipient's partner: a force's local
    policing body, or a local policing body's force. None if the partner was not asked."""
    organisation = response.organisation
    if organisation.kind == OrganisationKind.LOCAL_POLICING_BODY:
        partner_filter = {"organisation_id": organisation.police_force_id}
    elif organisation.kind == OrganisationKind.POLICE_FORCE:
        partner_filter = {
            "organisation__kind": OrganisationKind.LOCAL_POLICING_BODY,
            "organisation__police_force_id": organisation.pk,
        }
    else:
        return None
    return (
        RecommendationResponse.objects.select_related("organisation")
        .filter(recommendation_id=response.recommendation_id, **partner_filter)
        .first()
    )


def publish_joint_response(
    response: RecommendationResponse, *, by: Any, outcome: str, text: str
) -> tuple[RecommendationResponse, RecommendationResponse]:
    """Publish one response for a PCC and its force, recorded against both: the same outcome and
    text on each, each linked to the other, and a log row on each."""
    if not perms.can_respond(by, response):
        raise PermissionDenied
    partner = joint_partner(response)
    if partner is None:
        raise ValidationError(
            _("Only a force and its police and crime commissioner can respond jointly.")
        )
    if State.AWAITING_RESPONSE not in (response.state, partner.state) or (
        response.state != partner.state
    ):
        raise ValidationError(
            _("Both must still be awaiting a response to publish a joint one.")
        )
    with transaction.atomic():
        for one, other in ((response, partner), (partner, response)):
            one.outcome = outcome
            one.response_text = text
            one.joint_with = other
            RecommendationResponse.objects.filter(pk=one.pk).update(
                outcome=outcome,
                response_text=text,
                joint_with=other,
                version=F("version") + 1,
            )
        for one in (response, partner):
            perform(
                one.publish_response,
                by=by,
                reason=_("Joint response of %(a)s and %(b)s")
                % {"a": response.organisation, "b": partner.organisation},
            )
    return response, partner


# --- Action plan -----------------------------------------------------------------------------------
def _require_open_response(response: RecommendationResponse, by: Any) -> None:
    if not perms.can_respond(by, response):
        raise PermissionDenied
    if response.is_closed:
        raise ValidationError(_("This response is closed."))


def add_action(
    response: RecommendationResponse,
    *,
    by: Any,
    description: str,
    owner: str,
    target_on: date,
) -> ActionPlanItem:
    _require_open_response(response, by)
    if not description.strip() or not owner.strip():
        raise ValidationError(_("Describe the action and say who owns it."))
    return ActionPlanItem.objects.create(
        response=response,
        description=description,
        owner=owner,
        original_target_on=target_on,
        target_on=target_on,
        created_by=by,
    )


def update_action(
    action: ActionPlanItem,
    *,
    by: Any,
    status: str,
    target_on: date,
    reason: str = "",
) -> ActionPlanItem:
    """Change an action's status or target date. A new target date needs a reason, kept with the
    old and new dates; the date first set stays on the action."""
    _require_open_response(action.response, by)
    if status not in ActionPlanItem.Status.values:
        raise ValidationError(_("Choose a status."))
    with transaction.atomic():
        action = ActionPlanItem.objects.select_for_update().get(pk=action.pk)
        if target_on != action.target_on:
            if not reason.strip():
                raise ValidationError(
                    {"reason": _("Say why the target date is changing.")}
                )
            DueDateChange.objects.create(
                content_type=ContentType.objects.get_for_model(action),
                object_id=action.pk,
                deadline="action_target",
                old_date=action.target_on,
                new_date=target_on,
                reason=f"{reason} ({by.get_full_name() or by.username}, {by.organisation})",
            )
            action.target_on = target_on
        action.status = status
        action.updated_at = clock.now()
        action.save(update_fields=["status", "target_on", "updated_at"])
    return action


def target_changes(action: ActionPlanItem) -> list[DueDateChange]:
    return list(DueDateChange.objects.for_object(action))


# --- Progress updates and evidence -----------------------------------------------------------------
UPDATE_STATES = (State.RESPONSE_PUBLISHED, State.IN_PROGRESS)


def _store_evidence(
    response: RecommendationResponse,
    upload: UploadedFile,
    *,
    by: Any,
    update: ProgressUpdate | None = None,
    for_implementation: bool = False,
) -> ResponseEvidence:
    stored = sum(response.evidence.values_list("size", flat=True))
    checked = check_upload(upload, already_stored_bytes=stored)
    evidence = ResponseEvidence(
        response=response,
        update=update,
        for_implementation=for_implementation,
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


def post_progress_update(
    response: RecommendationResponse,
    *,
    by: Any,
    text: str,
    files: list[UploadedFile] = (),  # type: ignore[assignment]
) -> ProgressUpdate:
    """A dated update on the work, published on the tracker once posted; its files stay private.
    Every file is checked before anything is saved."""
    _require_open_response(response, by)
    if response.state not in UPDATE_STATES:
        raise ValidationError(
            _("Progress can be reported once the response is published.")
        )
    if not text.strip():
        raise ValidationError({"text": _("Write the progress update.")})
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            response=response, text=text, posted_by=by
        )
        for upload in files:
            _store_evidence(response, upload, by=by, update=update)
    return update


# --- Extensions of the response deadline -----------------------------------------------------------
def request_extension(
    response: RecommendationResponse,
    *,
    by: Any,
    new_due_on: date,
    reason: str,
) -> ExtensionRequest:
    """Ask HMICFRS, before the due date has passed, for more time to respond."""
    if not perms.can_respond(by, response):
        raise PermissionDenied
    if response.state != State.AWAITING_RESPONSE:
        raise ValidationError(_("The response has already been published."))
    today = deadlines.local_date(clock.now())
    if today > response.due_on:
        raise ValidationError(
            _("More time must be asked for before the response is due.")
        )
    if new_due_on <= response.due_on:
        raise ValidationError(
            {"new_due_on": _("The date asked for must be after the current due date.")}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why more time is needed.")})
    with transaction.atomic():
        marked = RecommendationResponse.objects.filter(
            pk=response.pk, state=State.AWAITING_RESPONSE, extension_pending=False
        ).update(extension_pending=True)
        if not marked:
            raise ValidationError(_("An extension has already been asked for."))
        response.extension_pending = True
        request = ExtensionRequest.objects.create(
            response=response,
            due_on_when_asked=response.due_on,
            requested_due_on=new_due_on,
            reason=reason,
            requested_by=by,
        )
        TransitionLog.record(
            request,
            "request_extension",
            "",
            ExtensionRequest.State.PENDING,
            by=by,
            reason=reason,
            at=clock.now(),
        )
    return request


def _lock_response_before_logging(request: ExtensionRequest) -> None:
    # A decision changes the response after its log entry, and so after taking the log's chain
    # lock; a transition of the response changes it first. Locking the response first here keeps
    # one order (response, then chain) so the two cannot deadlock.
    RecommendationResponse.objects.select_for_update(no_key=True).filter(
        pk=request.response_id
    ).exists()


def grant_extension(
    request: ExtensionRequest, *, by: Any, new_due_on: date, reason: str
) -> ExtensionRequest:
    """Grant more time: the response's due date moves (the original stays recorded) and the change
    is kept with its reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if new_due_on <= request.due_on_when_asked:
        raise ValidationError(
            {"new_due_on": _("The new date must be after the current due date.")}
        )
    with transaction.atomic():
        _lock_response_before_logging(request)
        perform(request.grant, by=by, reason=reason, new_due_on=new_due_on)
        response = request.response
        DueDateChange.objects.create(
            content_type=ContentType.objects.get_for_model(response),
            object_id=response.pk,
            deadline="response",
            old_date=response.due_on,
            new_date=new_due_on,
            reason=reason,
        )
        RecommendationResponse.objects.filter(pk=response.pk).update(
            due_on=new_due_on, extension_pending=False
        )
        response.due_on = new_due_on
        response.extension_pending = False
        transaction.on_commit(lambda: emails.send_extension_decision(request.pk))
    return request


def refuse_extension(
    request: ExtensionRequest, *, by: Any, reason: str
) -> ExtensionRequest:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    with transaction.atomic():
        _lock_response_before_logging(request)
        perform(request.refuse, by=by, reason=reason)
        RecommendationResponse.objects.filter(pk=request.response_id).update(
            extension_pending=False
        )
        request.response.extension_pending = False
        transaction.on_commit(lambda: emails.send_extension_decision(request.pk))
    return request
