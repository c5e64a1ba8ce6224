"""E-mails to the designated body. Sent only after the change they report has been committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from complaints.models import SuperComplaint


def _recipients(complaint: SuperComplaint) -> list[str]:
    addresses = [complaint.contact_email, complaint.created_by.email]
    return sorted({address for address in addresses if address})


def _send(
    name: str,
    complaint: SuperComplaint,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> None:
    context = {"complaint": complaint}
    subject = render_to_string(f"emails/{name}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=_recipients(complaint),
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()


def send_submitted(complaint_pk: int) -> None:
    _send(
        "complaint_submitted",
        SuperComplaint.objects.select_related("organisation", "created_by").get(
            pk=complaint_pk
        ),
    )


def send_acknowledged(complaint_pk: int) -> None:
    from complaints.letters import acknowledgement_letter

    complaint = SuperComplaint.objects.select_related("organisation", "created_by").get(
        pk=complaint_pk
    )
    letter = acknowledgement_letter(complaint)
    _send(
        "complaint_acknowledged",
        complaint,
        ((f"{complaint.reference}-acknowledgement.pdf", letter, "application/pdf"),),
    )


def send_decision(complaint_pk: int) -> None:
    _send(
        "complaint_decision",
        SuperComplaint.objects.select_related("organisation", "created_by").get(
            pk=complaint_pk
        ),
    )
