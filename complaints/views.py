"""Pages of the super-complaint. Objects are fetched through `visible_to` (invisible → 404); actions
go through the services, which refuse what the user may not do (→ 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts import permissions as perms
from accounts.models import DECISION_MAKING_AUTHORITIES, Organisation
from complaints import page_cache, selectors, services
from complaints.forms import DraftForm, EligibilityViewForm, ReasonForm, RepeatForm
from complaints.letters import acknowledgement_letter as build_letter
from complaints.models import SuperComplaint
from complaints.uploads import inert_download
from investigations.forms import LeadForm
from workflow import deadlines
from workflow.transitions import (
    LOST_RACE_MESSAGE,
    NOT_NOW_MESSAGE,
    actions_for,
    can_perform,
)

# Each action a page can post, and the one service that carries it out.
ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": lambda c, by, reason: services.submit_complaint(c, by=by),
    "acknowledge": lambda c, by, reason: services.acknowledge_complaint(c, by=by),
    "start_assessment": lambda c, by, reason: services.start_assessment(c, by=by),
    "decide_eligible": lambda c, by, reason: services.decide_eligibility(
        c, by=by, eligible=True, reasons=reason
    ),
    "decide_not_eligible": lambda c, by, reason: services.decide_eligibility(
        c, by=by, eligible=False, reasons=reason
    ),
    "withdraw": lambda c, by, reason: services.withdraw_complaint(
        c, by=by, reason=reason
    ),
}
DONE_MESSAGES = {
    "acknowledge": gettext_lazy(
        "Receipt acknowledged. The designated body has been sent the acknowledgement letter."
    ),
    "start_assessment": gettext_lazy("The eligibility assessment has started."),
    "decide_eligible": gettext_lazy(
        "Decision recorded: eligible. The body has been told and the investigation is open."
    ),
    "decide_not_eligible": gettext_lazy(
        "Decision recorded: not eligible. The body has been sent the reasons."
    ),
    "withdraw": gettext_lazy("The super-complaint has been withdrawn."),
}


def _visible_complaint(request: HttpRequest, pk: int) -> SuperComplaint:
    return get_object_or_404(selectors.complaint_for_page(request.user, pk))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    if not perms.is_body_member(request.user):
        raise PermissionDenied
    complaints = selectors.complaints_visible_to(request.user).filter(
        organisation=request.user.organisation
    )
    designated = request.user.organisation.is_designated_on(timezone.localdate())
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "complaints": complaints,
            "designated": designated,
            "today": timezone.localdate(),
        },
    )


@require_POST
def complaint_start(request: HttpRequest) -> HttpResponse:
    try:
        complaint = services.start_draft(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("complaints:list")
    return redirect("complaints:edit", pk=complaint.pk)


@require_http_methods(["GET", "POST"])
def complaint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_complaint(request, pk)
    if not perms.can_edit_draft(request.user, complaint):
        raise PermissionDenied
    if request.method == "GET":
        form = DraftForm(instance=complaint, initial={"version": complaint.version})
        return _no_store(
            render(
                request,
                "complaints/complaint_form.html",
                {"complaint": complaint, "form": form},
            )
        )

    form = DraftForm(request.POST, request.FILES, instance=complaint)
    # Files first, each attached on its own, so an error elsewhere on the page loses none of them.
    upload_errors: list[str] = []
    attached = 0
    for upload in request.FILES.getlist("evidence"):
        try:
            services.attach_evidence(complaint, by=request.user, upload=upload)
            attached += 1
        except ValidationError as error:
            upload_errors.extend(error.messages)
    if form.is_valid():
        try:
            services.update_draft(
                complaint,
                by=request.user,
                data=form.cleaned_data,
                forces=form.cleaned_data["forces_concerned"],
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone else changed this draft a moment ago. Your changes are below: check them and save again."
                ),
            )
            complaint.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = str(complaint.version)
    for message in upload_errors:
        form.add_error("evidence", message)
    if form.errors:
        if attached:
            messages.info(
                request,
                _("%(n)d file(s) attached. Correct the problems below.")
                % {"n": attached},
            )
        complaint = _visible_complaint(request, pk)
        return _no_store(
            render(
                request,
                "complaints/complaint_form.html",
                {"complaint": complaint, "form": form},
                status=400,
            )
        )
    messages.success(request, _("Draft saved."))
    if "continue" in request.POST:
        return redirect("complaints:check", pk=complaint.pk)
    return redirect("complaints:edit", pk=complaint.pk)


@require_GET
def complaint_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers: everything the body is about to send, and what is still missing."""
    complaint = _visible_complaint(request, pk)
    if not perms.can_edit_draft(request.user, complaint):
        raise PermissionDenied
    actions = {action.name: action for action in actions_for(complaint, request.user)}
    return _no_store(
        render(
            request,
            "complaints/complaint_check.html",
            {"complaint": complaint, "submit_action": actions.get("submit")},
        )
    )


@require_GET
def complaint_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_complaint(request, pk)
    if (
        not perms.is_member_of_complainant(request.user, complaint)
        or complaint.received_at is None
    ):
        raise PermissionDenied
    return render(
        request,
        "complaints/complaint_confirmation.html",
        {
            "complaint": complaint,
            "explanation": deadlines.explain_acknowledgement_due(complaint.received_at),
        },
    )


def _record_context(
    complaint: SuperComplaint,
    *,
    today: Any,
    can_open_investigation: bool,
    can_edit: bool,
) -> dict[str, Any]:
    """What the record on the complaint's page shows (complaints/_record.html)."""
    selectors.load_record(complaint)
    explanations = []
    if complaint.received_at:
        explanations.append(
            (
                deadlines.explain_acknowledgement_due(complaint.received_at),
                complaint.acknowledged_at is None
                and complaint.state == SuperComplaint.State.SUBMITTED,
            )
        )
        if complaint.state in SuperComplaint.AWAITING_DECISION:
            explanations.append(
                (deadlines.explain_decision_target(complaint.received_at), True)
            )
    views = complaint.current_views()
    authorities = Organisation.objects.of_kind(*DECISION_MAKING_AUTHORITIES).order_by(
        "kind"
    )
    investigation = getattr(complaint, "investigation", None)
    return {
        "complaint": complaint,
        "investigation": investigation,
        "progress_reports": (
            investigation.progress_reports.all() if investigation else []
        ),
        "can_open_investigation": can_open_investigation,
        "can_edit": can_edit,
        "acknowledgement_overdue": complaint.is_acknowledgement_overdue(today),
        "explanations": explanations,
        "authority_views": [
            (authority, views.get(authority.kind)) for authority in authorities
        ],
        "timeline": selectors.timeline_for(complaint),
    }


def _detail_context(
    request: HttpRequest, complaint: SuperComplaint, **extra: Any
) -> dict[str, Any]:
    """The complaint's page: its record, the same for everyone who may see the complaint and
    kept until it changes (complaints/page_cache.py), and what this person can do, worked out
    on every request."""
    user = request.user
    today = timezone.localdate()
    if complaint.state in SuperComplaint.AWAITING_DECISION:
        # The decision's conditions read the authorities' views, as do the messages saying whose
        # view is still missing.
        selectors.load_views(complaint)
    actions = actions_for(complaint, user)
    investigation = getattr(complaint, "investigation", None)
    can_open_investigation = bool(
        investigation and perms.can_see_investigation(user, investigation)
    )
    can_edit = perms.can_edit_draft(user, complaint)
    can_appoint_lead = bool(
        investigation
        and not investigation.is_concluded
        and perms.can_appoint_lead(user, investigation)
    )
    can_link_repeat = (
        perms.can_triage(user, complaint)
        and complaint.state in SuperComplaint.AWAITING_DECISION
    )
    can_record_view = (
        perms.can_record_eligibility_view(user, complaint)
        and complaint.state == SuperComplaint.State.UNDER_ASSESSMENT
    )
    context = {
        "record": page_cache.record(
            complaint,
            today=today,
            can_open_investigation=can_open_investigation,
            can_edit=can_edit,
            render=lambda: render_to_string(
                "complaints/_record.html",
                _record_context(
                    complaint,
                    today=today,
                    can_open_investigation=can_open_investigation,
                    can_edit=can_edit,
                ),
            ),
        ),
        "investigation": investigation,
        "can_appoint_lead": can_appoint_lead,
        # The forms are made only for who is shown them (their choices are queries).
        "lead_form": LeadForm() if can_appoint_lead else None,
        "complaint": complaint,
        "actions": actions,
        "reason_forms": {
            action.name: ReasonForm(
                prefix=action.name,
                required=action.needs_reason,
                label=action.reason_label,
            )
            for action in actions
            if action.needs_reason
        },
        "can_record_view": can_record_view,
        "view_form": EligibilityViewForm() if can_record_view else None,
        "can_link_repeat": can_link_repeat,
        "repeat_form": RepeatForm(
            complaint=complaint,
            initial={
                "earlier": complaint.repeats_id,
                "material_change": complaint.material_change,
            },
        )
        if can_link_repeat
        else None,
        "is_owner": perms.is_member_of_complainant(user, complaint),
        "can_edit": can_edit,
    }
    context.update(extra)
    return context


@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_complaint(request, pk)
    return _no_store(
        render(
            request,
            "complaints/complaint_detail.html",
            _detail_context(request, complaint),
        )
    )


@require_POST
def complaint_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    complaint = _visible_complaint(request, pk)
    if action not in ACTIONS:
        raise Http404
    if not can_perform(getattr(complaint, action), request.user):
        raise PermissionDenied
    available = {a.name: a for a in actions_for(complaint, request.user)}
    chosen = available.get(action)
    form = ReasonForm(
        request.POST,
        prefix=action,
        required=bool(chosen and chosen.needs_reason),
        label=chosen.reason_label if chosen else None,
    )
    if not form.is_valid():
        context = _detail_context(request, complaint)
        context["reason_forms"][action] = form
        context["form_errors"] = [
            (f"id_{action}-reason", error) for error in form.errors.get("reason", [])
        ]
        return _no_store(
            render(request, "complaints/complaint_detail.html", context, status=400)
        )
    try:
        ACTIONS[action](complaint, request.user, form.cleaned_data["reason"])
    except ConcurrentTransition:
        messages.error(request, LOST_RACE_MESSAGE)
    except TransitionNotAllowed:
        reasons = chosen.blocked_because if chosen else ()
        messages.error(request, " ".join(reasons) if reasons else NOT_NOW_MESSAGE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if action == "submit":
            return redirect("complaints:confirmation", pk=complaint.pk)
        messages.success(request, DONE_MESSAGES[action])
    if action == "submit" and complaint.is_draft:
        return redirect("complaints:check", pk=complaint.pk)
    return redirect("complaints:detail", pk=complaint.pk)


@require_POST
def record_view(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_complaint(request, pk)
    if not perms.can_record_eligibility_view(request.user, complaint):
        raise PermissionDenied
    form = EligibilityViewForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, complaint, view_form=form)
        context["form_errors"] = [
            ("id_view_1" if name == "view" else f"id_{name}", error)
            for name, errors in form.errors.items()
            for error in errors
        ]
        return _no_store(
            render(request, "complaints/complaint_detail.html", context, status=400)
        )
    try:
        services.record_eligibility_view(
            complaint,
            by=request.user,
            view=form.cleaned_data["view"],
            reasons=form.cleaned_data["reasons"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your authority's view has been recorded."))
    return redirect("complaints:detail", pk=complaint.pk)


@require_POST
def link_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_complaint(request, pk)
    if not perms.can_triage(request.user, complaint):
        raise PermissionDenied
    form = RepeatForm(request.POST, complaint=complaint)
    if form.is_valid():
        try:
            services.link_repeat(
                complaint,
                by=request.user,
                earlier=form.cleaned_data["earlier"],
                material_change=form.cleaned_data["material_change"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The link to the earlier complaint has been recorded.")
            )
    else:
        messages.error(request, _("Choose an earlier complaint from the list."))
    return redirect("complaints:detail", pk=complaint.pk)


@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    complaint = _visible_complaint(request, pk)
    evidence = get_object_or_404(complaint.evidence.all(), pk=evidence_pk)
    return inert_download(evidence)


@require_POST
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    complaint = _visible_complaint(request, pk)
    evidence = get_object_or_404(complaint.evidence.all(), pk=evidence_pk)
    services.remove_evidence(evidence, by=request.user)
    messages.success(
        request, _("“%(name)s” has been removed.") % {"name": evidence.original_name}
    )
    return redirect("complaints:edit", pk=complaint.pk)


@require_GET
def acknowledgement_letter(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_complaint(request, pk)
    if complaint.acknowledged_at is None:
        raise Http404
    response = HttpResponse(build_letter(complaint), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{complaint.reference}-acknowledgement.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def intake_queue(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_intake_queue(request.user):
        raise PermissionDenied
    # One calendar for the whole page: each row explains its due date without a query of its own.
    calendar = deadlines.Calendar.current()
    rows = [
        (c, deadlines.explain_acknowledgement_due(c.received_at, calendar=calendar))
        for c in selectors.intake_queue(request.user)
    ]
    return _no_store(
        render(
            request,
            "complaints/intake_queue.html",
            {"complaints": rows, "today": timezone.localdate()},
        )
    )


@require_GET
def all_complaints(request: HttpRequest) -> HttpResponse:
    if not perms.can_see_submitted_complaints(request.user):
        raise PermissionDenied
    complaints = selectors.complaints_visible_to(request.user).order_by("-received_at")
    return _no_store(
        render(request, "complaints/all_complaints.html", {"complaints": complaints})
    )
