"""E-mails about an investigation: progress reports and the published report to the designated body,
and fact-check requests to the organisations asked. Sent only after the change has been committed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def _body_recipients(complaint: Any) -> list[str]:
    addresses = [complaint.contact_email, complaint.created_by.email]
    addresses.append(complaint.organisation.email)
    return sorted({address for address in addresses if address})


def _send(
    name: str,
    to: list[str],
    context: dict[str, Any],
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> None:
    if not to:
        return
    subject = render_to_string(f"emails/{name}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()


def send_progress_report(report_pk: int) -> None:
    from investigations.models import ProgressReport

    report = ProgressReport.objects.select_related(
        "investigation__complaint__organisation",
        "investigation__complaint__created_by",
    ).get(pk=report_pk)
    complaint = report.investigation.complaint
    _send(
        "progress_report",
        _body_recipients(complaint),
        {"complaint": complaint, "report": report},
    )


def send_report_published(investigation_pk: int) -> None:
    from investigations.models import Investigation

    investigation = Investigation.objects.select_related(
        "complaint__organisation", "complaint__created_by", "published_report"
    ).get(pk=investigation_pk)
    complaint = investigation.complaint
    report = investigation.published_report
    with report.pdf.open("rb") as pdf:
        content = pdf.read()
    _send(
        "report_published",
        _body_recipients(complaint),
        {"complaint": complaint, "investigation": investigation},
        ((f"{complaint.reference}-report.pdf", content, "application/pdf"),),
    )


def send_fact_check_requests(investigation_pk: int) -> None:
    """One e-mail to each organisation asked that has a contact address, once per request: the
    request's `notified_at` records the send (organisations without an address get none, and the
    team sends them the draft by other means)."""
    from investigations.models import FactCheckRequest
    from workflow import clock

    requests = (
        FactCheckRequest.objects.select_related(
            "organisation", "investigation__complaint"
        )
        .filter(
            investigation_id=investigation_pk,
            sent_at__isnull=False,
            notified_at__isnull=True,
        )
        .exclude(organisation__email="")
    )
    for request in requests:
        _send(
            "fact_check_request",
            [request.organisation.email],
            {"request": request, "complaint": request.investigation.complaint},
        )
        FactCheckRequest.objects.filter(pk=request.pk).update(notified_at=clock.now())
