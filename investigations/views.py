"""Pages of the joint investigation. Investigations are fetched through `visible_to` (not on the
team → 404); actions go through the services, which refuse what the user may not do (→ 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts import permissions as perms
from accounts.models import DECISION_MAKING_AUTHORITIES, Organisation
from complaints.forms import ReasonForm
from complaints.models import SuperComplaint
from complaints.selectors import complaint_for_page
from complaints.uploads import inert_download
from investigations import forms, selectors, services
from investigations.models import Investigation
from workflow.transitions import (
    LOST_RACE_MESSAGE,
    NOT_NOW_MESSAGE,
    actions_for,
    can_perform,
)

TABS = (
    ("overview", gettext_lazy("Overview")),
    ("team", gettext_lazy("Team")),
    ("evidence", gettext_lazy("Evidence")),
    ("tasks", gettext_lazy("Tasks")),
    ("progress", gettext_lazy("Progress reports")),
    ("draft", gettext_lazy("Draft report")),
    ("sign_off", gettext_lazy("Sign-off")),
    ("timeline", gettext_lazy("Timeline")),
)

# Each stage change a page can post, the service that carries it out, and what to say after.
TRANSITIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "start_evidence_gathering": (
        lambda i, by, reason: services.start_evidence_gathering(i, by=by),
        gettext_lazy("Evidence gathering has started."),
    ),
    "start_analysis": (
        lambda i, by, reason: services.start_analysis(i, by=by),
        gettext_lazy("Analysis has started."),
    ),
    "start_drafting": (
        lambda i, by, reason: services.start_drafting(i, by=by),
        gettext_lazy("Drafting has started."),
    ),
    "send_for_fact_check": (
        lambda i, by, reason: services.send_for_fact_check(i, by=by),
        gettext_lazy("The draft has been sent for fact-checking."),
    ),
    "send_for_sign_off": (
        lambda i, by, reason: services.send_for_sign_off(i, by=by),
        gettext_lazy("The report is waiting for the three authorities' sign-off."),
    ),
    "publish": (
        lambda i, by, reason: services.publish_report(i, by=by),
        gettext_lazy(
            "The report has been published and sent to the designated body. Recipients have been asked to respond."
        ),
    ),
    "pause": (
        lambda i, by, reason: services.pause(i, by=by, reason=reason),
        gettext_lazy("The investigation is paused."),
    ),
    "resume": (
        lambda i, by, reason: services.resume(i, by=by),
        gettext_lazy("The investigation has resumed."),
    ),
}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _visible(request: HttpRequest, pk: int) -> Investigation:
    return get_object_or_404(selectors.investigation_for_page(request.user, pk))


def _tab_url(investigation: Investigation, tab: str) -> str:
    return reverse(f"investigations:{tab}", args=[investigation.pk])


def _context(
    request: HttpRequest, investigation: Investigation, tab: str, **extra: Any
) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    actions = [a for a in actions_for(investigation, user) if a.name in TRANSITIONS]
    can_work = perms.can_work_on(user, investigation) and not investigation.is_concluded
    can_edit = can_work and investigation.is_editable
    context: dict[str, Any] = {
        "investigation": investigation,
        "complaint": investigation.complaint,
        "tab": tab,
        "tabs": [(name, label, _tab_url(investigation, name)) for name, label in TABS],
        "today": today,
        "actions": actions,
        "reason_forms": {
            a.name: ReasonForm(prefix=a.name, required=True, label=a.reason_label)
            for a in actions
            if a.needs_reason
        },
        "can_work": can_work,
        "can_edit": can_edit,
        "can_lead": perms.can_lead(user, investigation),
        "can_sign_off": perms.can_sign_off(user, investigation),
    }
    if tab == "overview":
        context["stage_durations"] = selectors.stage_durations(investigation)
        context["tor_form"] = forms.TermsOfReferenceForm(
            initial={"terms_of_reference": investigation.terms_of_reference}
        )
        context["theme_form"] = forms.ThemeForm()
    elif tab == "team":
        context["member_form"] = forms.TeamMemberForm()
    elif tab == "evidence":
        context["item_form"] = forms.EvidenceItemForm(investigation=investigation)
        context["statuses"] = forms.EvidenceStatusForm.base_fields["status"].choices
    elif tab == "tasks":
        context["task_form"] = forms.TaskForm(investigation=investigation)
    elif tab == "progress":
        context["progress_form"] = forms.ProgressReportForm()
    elif tab == "draft":
        context["report_form"] = forms.ReportForm(
            instance=investigation, initial={"version": investigation.version}
        )
        context["rec_form"] = forms.RecommendationForm()
        context["action_form"] = forms.ActionForm()
        context["redaction_form"] = forms.RedactionForm()
        context["factcheck_form"] = forms.FactCheckRequestForm()
    elif tab == "sign_off":
        approvals = investigation.current_approvals()
        current_hash = investigation.content_hash()
        context["current_hash"] = current_hash
        context["approvals"] = [
            (authority, approvals.get(authority.kind))
            for authority in Organisation.objects.of_kind(
                *DECISION_MAKING_AUTHORITIES
            ).order_by("kind")
        ]
        context["is_author"] = any(
            c.pk == user.pk for c in investigation.draft_contributors.all()
        )
        context["fact_checks_outstanding"] = investigation.fact_checks_outstanding(
            today
        )
    elif tab == "timeline":
        context["timeline"] = selectors.timeline_for(investigation)
    context.update(extra)
    return context


def _render(
    request: HttpRequest,
    investigation: Investigation,
    tab: str,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return _no_store(
        render(
            request,
            f"investigations/{tab}.html",
            _context(request, investigation, tab, **extra),
            status=status,
        )
    )


def _submit(
    request: HttpRequest,
    investigation: Investigation,
    tab: str,
    form_name: str,
    form: Any,
    run: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Validate `form`, run the service with its data, and either redirect back to the tab with a
    success message, or show the tab again with the errors (status 400)."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(_tab_url(investigation, tab))
    return _render(
        request,
        investigation,
        tab,
        status=400,
        error_form=form,
        **{form_name: form},
    )


def _act(
    request: HttpRequest,
    investigation: Investigation,
    tab: str,
    run: Callable[[], Any],
    done: str,
) -> HttpResponse:
    """Run a one-button action's service, say how it went, and go back to the tab."""
    try:
        run()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_tab_url(investigation, tab))


def _act_on_form(
    request: HttpRequest,
    investigation: Investigation,
    tab: str,
    form: Any,
    run: Callable[[dict[str, Any]], Any],
    done: str,
    invalid: str,
) -> HttpResponse:
    """As `_act`, for a small inline form whose only error is said in a message."""
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect(_tab_url(investigation, tab))
    return _act(request, investigation, tab, lambda: run(form.cleaned_data), done)


# --- Pages ----------------------------------------------------------------------------------------
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (perms.is_authority_staff(user) or perms.is_monitor(user)):
        raise PermissionDenied
    today = timezone.localdate()
    rows = [
        {
            "investigation": i,
            "days_in_stage": i.days_in_stage(today),
            "next_report_due": i.next_progress_report_due(),
            "report_overdue": i.is_progress_report_overdue(today),
            "overdue_tasks": len(i.overdue_tasks(today)),
            "role": i.team_role(user),
        }
        for i in selectors.dashboard(user)
    ]
    return _no_store(
        render(
            request,
            "investigations/dashboard.html",
            {"rows": rows, "today": today, "is_monitor": perms.is_monitor(user)},
        )
    )


def _tab_view(tab: str) -> Callable[[HttpRequest, int], HttpResponse]:
    @require_GET
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _render(request, _visible(request, pk), tab)

    view.__name__ = f"{tab}_page"
    return view


overview = _tab_view("overview")
team = _tab_view("team")
evidence = _tab_view("evidence")
tasks = _tab_view("tasks")
progress = _tab_view("progress")
draft = _tab_view("draft")
sign_off = _tab_view("sign_off")
timeline = _tab_view("timeline")


# --- Stage changes --------------------------------------------------------------------------------
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    investigation = _visible(request, pk)
    if action not in TRANSITIONS:
        raise Http404
    if not can_perform(getattr(investigation, action), request.user):
        raise PermissionDenied
    available = {a.name: a for a in actions_for(investigation, request.user)}
    chosen = available.get(action)
    form = ReasonForm(
        request.POST,
        prefix=action,
        required=bool(chosen and chosen.needs_reason),
        label=chosen.reason_label if chosen else None,
    )
    back = request.POST.get("tab", "overview")
    if back not in dict(TABS):
        back = "overview"
    if not form.is_valid():
        context_forms = _context(request, investigation, back)["reason_forms"]
        context_forms[action] = form
        return _render(
            request,
            investigation,
            back,
            status=400,
            reason_forms=context_forms,
            form_errors=[
                (f"id_{action}-reason", error) for error in form.errors["reason"]
            ],
        )
    run, done = TRANSITIONS[action]
    try:
        run(investigation, request.user, form.cleaned_data["reason"])
    except ConcurrentTransition:
        messages.error(request, LOST_RACE_MESSAGE)
    except TransitionNotAllowed:
        reasons = chosen.blocked_because if chosen else ()
        messages.error(request, " ".join(reasons) if reasons else NOT_NOW_MESSAGE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done))
    return redirect(_tab_url(investigation, back))


# --- The team -------------------------------------------------------------------------------------
@require_POST
def appoint_lead(request: HttpRequest, complaint_pk: int) -> HttpResponse:
    """From the complaint page: HMICFRS's super-complaints team names the lead."""
    complaint = get_object_or_404(complaint_for_page(request.user, complaint_pk))
    investigation = getattr(complaint, "investigation", None)
    if investigation is None:
        raise Http404
    if not perms.can_appoint_lead(request.user, investigation):
        raise PermissionDenied
    form = forms.LeadForm(request.POST)
    if form.is_valid():
        try:
            services.appoint_lead(
                investigation, by=request.user, user=form.cleaned_data["user"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The lead investigator has been appointed."))
    else:
        messages.error(request, _("Choose the lead investigator."))
    return redirect("complaints:detail", pk=complaint.pk)


@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    if not perms.can_lead(request.user, investigation):
        raise PermissionDenied
    return _submit(
        request,
        investigation,
        "team",
        "member_form",
        forms.TeamMemberForm(request.POST),
        lambda data: services.add_team_member(
            investigation, by=request.user, user=data["user"], role=data["role"]
        ),
        _("Added to the team."),
    )


@require_POST
def remove_member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    member = get_object_or_404(investigation.team.all(), pk=member_pk)
    return _act(
        request,
        investigation,
        "team",
        lambda: services.remove_team_member(member, by=request.user),
        _("Removed from the team."),
    )


# --- Scoping --------------------------------------------------------------------------------------
def _require_work(request: HttpRequest, investigation: Investigation) -> None:
    if not perms.can_work_on(request.user, investigation):
        raise PermissionDenied


@require_POST
def terms_of_reference(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    return _submit(
        request,
        investigation,
        "overview",
        "tor_form",
        forms.TermsOfReferenceForm(request.POST),
        lambda data: services.update_terms_of_reference(
            investigation, by=request.user, text=data["terms_of_reference"]
        ),
        _("Terms of reference saved."),
    )


@require_POST
def add_theme(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    return _submit(
        request,
        investigation,
        "overview",
        "theme_form",
        forms.ThemeForm(request.POST),
        lambda data: services.add_theme(investigation, by=request.user, **data),
        _("Theme added."),
    )


# --- Evidence log ---------------------------------------------------------------------------------
@require_POST
def add_evidence_item(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    return _submit(
        request,
        investigation,
        "evidence",
        "item_form",
        forms.EvidenceItemForm(request.POST, investigation=investigation),
        lambda data: services.add_evidence_item(investigation, by=request.user, **data),
        _("Added to the evidence log."),
    )


@require_POST
def evidence_status(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    item = get_object_or_404(investigation.evidence_items.all(), pk=item_pk)
    _require_work(request, investigation)
    return _act_on_form(
        request,
        investigation,
        "evidence",
        forms.EvidenceStatusForm(request.POST),
        lambda data: services.update_evidence_status(
            item, by=request.user, status=data["status"]
        ),
        _("Status updated."),
        _("Choose a status."),
    )


@require_POST
def attach(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    item = get_object_or_404(investigation.evidence_items.all(), pk=item_pk)
    _require_work(request, investigation)
    return _act_on_form(
        request,
        investigation,
        "evidence",
        forms.AttachmentForm(request.POST, request.FILES),
        lambda data: services.attach_to_evidence_item(
            item, by=request.user, upload=data["file"]
        ),
        _("File attached."),
        _("Choose a file to attach."),
    )


@require_GET
def attachment_download(
    request: HttpRequest, pk: int, item_pk: int, attachment_pk: int
) -> FileResponse:
    investigation = _visible(request, pk)
    item = get_object_or_404(investigation.evidence_items.all(), pk=item_pk)
    attachment = get_object_or_404(item.attachments.all(), pk=attachment_pk)
    return inert_download(attachment)


# --- Tasks and progress reports -------------------------------------------------------------------
@require_POST
def add_task(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    return _submit(
        request,
        investigation,
        "tasks",
        "task_form",
        forms.TaskForm(request.POST, investigation=investigation),
        lambda data: services.add_task(investigation, by=request.user, **data),
        _("Task added."),
    )


@require_POST
def complete_task(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    task = get_object_or_404(investigation.tasks.all(), pk=task_pk)
    return _act(
        request,
        investigation,
        "tasks",
        lambda: services.complete_task(task, by=request.user),
        _("Task marked as done."),
    )


@require_POST
def send_progress_report(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    return _submit(
        request,
        investigation,
        "progress",
        "progress_form",
        forms.ProgressReportForm(request.POST),
        lambda data: services.send_progress_report(
            investigation, by=request.user, text=data["text"]
        ),
        _("Progress report sent to the designated body."),
    )


# --- The draft report -----------------------------------------------------------------------------
@require_POST
def save_report(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    form = forms.ReportForm(request.POST, instance=investigation)
    if form.is_valid():
        try:
            services.update_report(
                investigation,
                by=request.user,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone else changed the report a moment ago. Your text is below: check it and save again."
                ),
            )
            investigation = _visible(request, pk)
            form.data = form.data.copy()
            form.data["version"] = str(investigation.version)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Report saved."))
            return redirect(_tab_url(investigation, "draft"))
    investigation = _visible(request, pk)
    return _render(
        request,
        investigation,
        "draft",
        status=400,
        error_form=form,
        report_form=form,
    )


@require_POST
def add_recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    return _submit(
        request,
        investigation,
        "draft",
        "rec_form",
        forms.RecommendationForm(request.POST),
        lambda data: services.add_recommendation(
            investigation, by=request.user, **data
        ),
        _("Recommendation added."),
    )


@require_POST
def remove_recommendation(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    row = get_object_or_404(investigation.recommendations.all(), pk=rec_pk)
    return _act(
        request,
        investigation,
        "draft",
        lambda: services.remove_recommendation(row, by=request.user),
        _("Recommendation removed; the others renumbered."),
    )


@require_POST
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    return _submit(
        request,
        investigation,
        "draft",
        "action_form",
        forms.ActionForm(request.POST),
        lambda data: services.add_action(investigation, by=request.user, **data),
        _("Action added."),
    )


@require_POST
def remove_action(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    row = get_object_or_404(investigation.actions.all(), pk=action_pk)
    return _act(
        request,
        investigation,
        "draft",
        lambda: services.remove_action(row, by=request.user),
        _("Action removed; the others renumbered."),
    )


@require_POST
def add_redaction(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    return _submit(
        request,
        investigation,
        "draft",
        "redaction_form",
        forms.RedactionForm(request.POST),
        lambda data: services.add_redaction(investigation, by=request.user, **data),
        _("The passage will be withheld from the published report."),
    )


@require_POST
def remove_redaction(request: HttpRequest, pk: int, redaction_pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    row = get_object_or_404(investigation.redactions.all(), pk=redaction_pk)
    return _act(
        request,
        investigation,
        "draft",
        lambda: services.remove_redaction(row, by=request.user),
        _("The passage will be published."),
    )


@require_POST
def add_fact_check(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    return _submit(
        request,
        investigation,
        "draft",
        "factcheck_form",
        forms.FactCheckRequestForm(request.POST),
        lambda data: services.add_fact_check_request(
            investigation, by=request.user, **data
        ),
        _("Organisation added to the fact-check."),
    )


@require_POST
def fact_check_comment(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    _require_work(request, investigation)
    fact_check = get_object_or_404(
        investigation.fact_check_requests.all(), pk=request_pk
    )
    return _act_on_form(
        request,
        investigation,
        "draft",
        forms.FactCheckCommentForm(request.POST),
        lambda data: services.record_fact_check_comment(
            fact_check, by=request.user, text=data["text"]
        ),
        _("Comments recorded against this version."),
        _("Enter the comments."),
    )


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _visible(request, pk)
    if not perms.can_sign_off(request.user, investigation):
        raise PermissionDenied
    if request.POST.get("content_hash") != investigation.content_hash():
        messages.error(
            request,
            _(
                "The report changed after you opened this page. Read this version, then sign it off."
            ),
        )
        return redirect(_tab_url(investigation, "sign_off"))
    try:
        services.approve_report(investigation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Signed off for %(org)s.") % {"org": request.user.organisation.name},
        )
    return redirect(_tab_url(investigation, "sign_off"))


# --- Public pages (no login) ----------------------------------------------------------------------
@login_not_required
@require_GET
@cache_control(public=True, max_age=300)
def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "investigations/public_list.html",
        {"complaints": selectors.public_complaints()},
    )


def _public_complaint(reference: str) -> SuperComplaint:
    return get_object_or_404(selectors.public_complaints(), reference=reference)


@login_not_required
@require_GET
@cache_control(public=True, max_age=300)
def public_report(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _public_complaint(reference)
    report = getattr(complaint.investigation, "published_report", None)
    return render(
        request,
        "investigations/public_report.html",
        {
            "complaint": complaint,
            "investigation": complaint.investigation,
            "report": report,
            "snapshot": report.snapshot if report else None,
        },
    )


@login_not_required
@require_GET
@cache_control(public=True, max_age=3600)
def public_report_pdf(request: HttpRequest, reference: str) -> FileResponse:
    complaint = _public_complaint(reference)
    report = getattr(complaint.investigation, "published_report", None)
    if report is None:
        raise Http404
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=False,
        filename=f"{complaint.reference}-report.pdf",
        content_type="application/pdf",
    )
