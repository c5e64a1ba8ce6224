"""E-mails about a recipient's response. Each goes only to the recipient organisation concerned (its
contact address and its active recipient users), so no e-mail carries another organisation's
response. Sent only after the change has been committed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def organisation_addresses(organisation: Any) -> list[str]:
    from accounts.models import Role, User

    users = User.objects.filter(
        organisation=organisation, is_active=True, role_grants__role=Role.RECIPIENT
    ).values_list("email", flat=True)
    return sorted({address for address in [organisation.email, *users] if address})


def send(name: str, to: list[str], context: dict[str, Any]) -> None:
    if not to:
        return
    subject = render_to_string(f"emails/{name}_subject.txt", context).strip()
    EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    ).send()


def _response(pk: int) -> Any:
    from recommendations.models import RecommendationResponse

    return RecommendationResponse.objects.select_related(
        "organisation", "recommendation__investigation__complaint"
    ).get(pk=pk)


def send_extension_decision(request_pk: int) -> None:
    from recommendations.models import ExtensionRequest

    request = ExtensionRequest.objects.get(pk=request_pk)
    response = _response(request.response_id)
    send(
        "extension_decision",
        organisation_addresses(response.organisation),
        {"request": request, "response": response},
    )


def send_sent_back(response_pk: int, reason: str) -> None:
    response = _response(response_pk)
    send(
        "implementation_sent_back",
        organisation_addresses(response.organisation),
        {"response": response, "reason": reason},
    )
