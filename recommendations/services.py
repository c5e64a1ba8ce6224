"""Every action on a recipient's response to a recommendation, one function each. Views, commands
and tests call only these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts import permissions as perms
from recommendations.models import RecommendationResponse
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
    response: RecommendationResponse, *, by: Any, summary: str
) -> RecommendationResponse:
    """Report that the recommendation has been implemented, saying what was done and the evidence."""
    if not summary.strip():
        raise ValidationError(_("Describe what was implemented, with the evidence."))
    response.implementation_summary = summary
    with transaction.atomic():
        perform(response.report_implementation, by=by)
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
    return response


def reopen(
    response: RecommendationResponse, *, by: Any, reason: str
) -> RecommendationResponse:
    if not reason.strip():
        raise ValidationError(_("Say why the response is reopened."))
    with transaction.atomic():
        perform(response.reopen, by=by, reason=reason)
    return response
