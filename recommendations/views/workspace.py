"""The recipient's workspace: its responses to recommendations, the action plan, progress updates
with evidence, extensions, and HMICFRS's verification. Responses are fetched through `visible_to`
(not one's own → 404); every write goes through `recommendations.services`, which refuse what the
user may not do (→ 403)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts import permissions as perms
from complaints.forms import ReasonForm
from complaints.selectors import TimelineEntry
from complaints.uploads import inert_download
from recommendations import forms, page_cache, services
from recommendations.csv_export import csv_response
from recommendations.models import (
    ActionPlanItem,
    ExtensionRequest,
    ProgressUpdate,
    RecommendationResponse,
    ResponseQuerySet,
)
from workflow import clock
from workflow.models import DueDateChange, TransitionLog
from workflow.transitions import (
    LOST_RACE_MESSAGE,
    NOT_NOW_MESSAGE,
    actions_for,
    can_perform,
)

State = RecommendationResponse.State
FAILURES = (ValidationError, ConcurrentTransition, TransitionNotAllowed)
LIST_PAGE_SIZE = 50

# The one-button (or one-reason) state changes a page can post, the service that carries each out
# and what to say after. Publishing and reporting implementation have forms of their own.
TRANSITIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "start_work": (
        lambda r, by, reason: services.start_work(r, by=by),
        gettext_lazy("Work on implementing the recommendation has started."),
    ),
    "verify": (
        lambda r, by, reason: services.verify(r, by=by),
        gettext_lazy("The implementation is verified and the recommendation closed."),
    ),
    "send_back": (
        lambda r, by, reason: services.send_back(r, by=by, reason=reason),
        gettext_lazy("The implementation report has been sent back to the recipient."),
    ),
    "reopen": (
        lambda r, by, reason: services.reopen(r, by=by, reason=reason),
        gettext_lazy("The response is reopened: the recipient must respond again."),
    ),
}

EXTENSION_EVENTS = {
    "request_extension": gettext_lazy("More time asked for"),
    "grant": gettext_lazy("Extension granted"),
    "refuse": gettext_lazy("Extension refused"),
}

CSV_HEADER = (
    "Super-complaint",
    "Report",
    "Recommendation",
    "Recommendation text",
    "Recipient",
    "Status",
    "Outcome",
    "Response due",
    "Response originally due",
    "Extension requested",
    "Overdue",
    "Joint response with",
    "Response published",
    "Response",
)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# --- Reads ----------------------------------------------------------------------------------------
def _list_rows(queryset: ResponseQuerySet) -> ResponseQuerySet:
    """Everything a row of the list or the CSV reads, in one query."""
    return queryset.select_related(
        "organisation",
        "joint_with__organisation",
        "recommendation__investigation__complaint",
    ).order_by(
        "due_on",
        "recommendation__investigation__complaint__reference",
        "recommendation__number",
        "organisation__name",
    )


def _filtered(
    params: QueryDict, scoped: ResponseQuerySet
) -> tuple[ResponseQuerySet, forms.ResponseFilterForm]:
    """Apply the query string's filters to `scoped`. The complaints offered are only those of the
    responses the user may see, so a filter can never reach beyond them."""
    complaint = "recommendation__investigation__complaint"
    complaints = [
        (str(pk), f"{reference}: {title}")
        for pk, reference, title in scoped.order_by(f"{complaint}__reference")
        .values_list(
            f"{complaint}_id", f"{complaint}__reference", f"{complaint}__title"
        )
        .distinct()
    ]
    form = forms.ResponseFilterForm(params or None, complaints=complaints)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    rows = scoped
    if data.get("state"):
        rows = rows.filter(state=data["state"])
    if data.get("complaint"):
        rows = rows.filter(**{f"{complaint}_id": int(data["complaint"])})
    if data.get("overdue"):
        rows = rows.overdue(clock.today())
    return rows, form


# What a row of the list or the CSV reads of a response and what it is joined to (the rest of
# those rows, the report's text above all, stays in the database). Each workflow model's state is
# read by its state machine when the model is loaded.
LIST_FIELDS = (
    "state",
    "due_on",
    "original_due_on",
    "extension_pending",
    "outcome",
    "response_text",
    "published_at",
    "organisation__name",
    "joint_with__state",
    "joint_with__organisation__name",
    "recommendation__number",
    "recommendation__text",
    "recommendation__investigation__state",
    "recommendation__investigation__report_title",
    "recommendation__investigation__complaint__state",
    "recommendation__investigation__complaint__reference",
)


def _counts(scoped: ResponseQuerySet) -> dict[str, int]:
    """How many of the user's responses are in each state, and overdue, in one query."""
    by_state = {state: Count("pk", filter=Q(state=state)) for state in State.values}
    overdue = scoped.overdue(clock.today()).values("pk")
    return scoped.aggregate(**by_state, overdue=Count("pk", filter=Q(pk__in=overdue)))


def _response_for_page(user: Any, pk: int) -> RecommendationResponse:
    """The response with everything its page reads, if `user` may see it (404 otherwise)."""
    return get_object_or_404(
        RecommendationResponse.objects.visible_to(user)
        .filter(pk=pk)
        .select_related(
            "organisation",
            "joint_with__organisation",
            "recommendation__investigation__complaint__organisation",
            "published_by__organisation",
            "implementation_reported_by",
            "verified_by",
        )
        .prefetch_related(
            "recommendation__named_recipients",
            "actions",
            "evidence",
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related(
                    "posted_by__organisation"
                ),
            ),
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related(
                    "requested_by", "decided_by"
                ),
            ),
        )
    )


def _target_changes(items: list[ActionPlanItem]) -> dict[int, list[DueDateChange]]:
    """Each action's target-date changes (what `services.target_changes` gives for one), for the
    whole plan in one query."""
    changes: dict[int, list[DueDateChange]] = defaultdict(list)
    if items:
        for change in DueDateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(ActionPlanItem),
            object_id__in=[item.pk for item in items],
        ):
            changes[change.object_id].append(change)
    return changes


def _timeline(
    response: RecommendationResponse, extension_requests: list[ExtensionRequest]
) -> list[TimelineEntry]:
    """The response's state changes and its extension requests' decisions, oldest first."""
    states = dict(State.choices)
    requests = {request.pk: request for request in extension_requests}
    response_type = ContentType.objects.get_for_model(RecommendationResponse)
    logs = TransitionLog.objects.filter(
        Q(content_type=response_type, object_id=response.pk)
        | Q(
            content_type=ContentType.objects.get_for_model(ExtensionRequest),
            object_id__in=list(requests),
        )
    ).select_related("by", "organisation")
    entries = []
    for log in logs:
        if log.content_type_id == response_type.pk:
            title = f"{states.get(log.source, log.source)} → {states.get(log.target, log.target)}"
        else:
            request = requests[log.object_id]
            title = str(EXTENSION_EVENTS.get(log.transition, log.transition))
            new_date = {
                "request_extension": request.requested_due_on,
                "grant": request.granted_due_on,
            }.get(log.transition)
            if new_date:
                title = _("%(event)s, to %(date)s") % {
                    "event": title,
                    "date": date_format(new_date, "j F Y"),
                }
        entries.append(
            TimelineEntry(
                at=log.at,
                title=title,
                by=str(log.by),
                organisation=log.organisation.name if log.organisation else "",
                text=log.reason,
            )
        )
    return entries


def _may_see_evidence(user: Any, response: RecommendationResponse) -> bool:
    """Evidence files are never public: the recipient and the oversight bodies only (not, for
    instance, the designated body that sees the published responses to its complaint)."""
    return perms.can_respond(user, response) or perms.can_see_submitted_complaints(user)


# --- Page context and the shared submit helpers --------------------------------------------------
def _context(
    request: HttpRequest,
    response: RecommendationResponse,
    *,
    failed_update: tuple[int, forms.ActionUpdateForm] | None = None,
    failed_reason: tuple[str, ReasonForm] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    user = request.user
    today = clock.today()
    can_respond = perms.can_respond(user, response)
    awaiting = response.state == State.AWAITING_RESPONSE
    items = list(response.actions.all())
    changes = _target_changes(items)
    evidence = list(response.evidence.all())
    extension_requests = list(response.extension_requests.all())
    pending = next(
        (e for e in extension_requests if e.state == ExtensionRequest.State.PENDING),
        None,
    )
    partner = None
    if can_respond and awaiting and response.joint_with_id is None:
        partner = services.joint_partner(response)
        if partner is not None and partner.state != State.AWAITING_RESPONSE:
            partner = None
    actions = [a for a in actions_for(response, user) if a.name in TRANSITIONS]
    update_forms = {item.pk: forms.ActionUpdateForm(action=item) for item in items}
    if failed_update is not None:
        update_forms[failed_update[0]] = failed_update[1]
    reason_forms = {
        a.name: ReasonForm(prefix=a.name, required=True, label=a.reason_label)
        for a in actions
        if a.needs_reason
    }
    if failed_reason is not None:
        reason_forms[failed_reason[0]] = failed_reason[1]
    context: dict[str, Any] = {
        "response": response,
        "recommendation": response.recommendation,
        "investigation": response.recommendation.investigation,
        "complaint": response.recommendation.investigation.complaint,
        "today": today,
        "is_overdue": response.is_overdue(today),
        "can_respond": can_respond,
        "show_draft": awaiting and perms.can_read_draft(user, response),
        "draft_form": forms.ResponseDraftForm(
            initial={
                "version": response.version,
                "outcome": response.outcome,
                "text": response.response_text,
            }
        ),
        "partner": partner,
        "joint_form": forms.JointResponseForm(),
        "can_plan": can_respond and not response.is_closed,
        "action_form": forms.ActionForm(),
        "action_rows": [
            (item, changes.get(item.pk, []), update_forms[item.pk]) for item in items
        ],
        "may_see_evidence": _may_see_evidence(user, response),
        "updates": [
            (update, [e for e in evidence if e.update_id == update.pk])
            for update in response.updates.all()
        ],
        "implementation_evidence": [e for e in evidence if e.for_implementation],
        "can_post_update": can_respond
        and response.state in services.UPDATE_STATES
        and not response.is_closed,
        "update_form": forms.ProgressUpdateForm(),
        "can_report_implementation": can_respond
        and response.state == State.IN_PROGRESS,
        "implementation_form": forms.ImplementationForm(
            initial={"summary": response.implementation_summary}
        ),
        "extension_requests": extension_requests,
        "pending_extension": pending,
        "can_request_extension": can_respond
        and awaiting
        and not response.extension_pending
        and today <= response.due_on,
        "extension_form": forms.ExtensionRequestForm(),
        "can_decide_extension": pending is not None
        and perms.can_decide_extension(user, pending),
        "grant_form": forms.GrantExtensionForm(
            initial={"new_due_on": pending.requested_due_on if pending else None}
        ),
        "refuse_form": forms.RefuseExtensionForm(),
        "actions": actions,
        "reason_forms": reason_forms,
        "timeline": _timeline(response, extension_requests),
    }
    context.update(extra)
    return context


def _render(
    request: HttpRequest,
    response: RecommendationResponse,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return _no_store(
        render(
            request,
            "recommendations/workspace/detail.html",
            _context(request, response, **extra),
            status=status,
        )
    )


def _detail_url(response: RecommendationResponse, anchor: str = "") -> str:
    url = reverse("responses:detail", args=[response.pk])
    return f"{url}#{anchor}" if anchor else url


def _why(error: Exception) -> str:
    """What to tell the user when a service refused."""
    if isinstance(error, ConcurrentTransition):
        return str(LOST_RACE_MESSAGE)
    if isinstance(error, TransitionNotAllowed):
        return str(NOT_NOW_MESSAGE)
    return " ".join(error.messages)  # type: ignore[attr-defined]


def _add_error(form: django_forms.Form, error: Exception) -> None:
    """Put a service's refusal on the form: on the field it names, else at the top."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, _why(error))


def _submit(
    request: HttpRequest,
    response: RecommendationResponse,
    form_name: str,
    form: django_forms.Form,
    run: Callable[[dict[str, Any]], Any],
    done: str,
    anchor: str,
) -> HttpResponse:
    """Validate `form`, run the service with its data, and either go back to the page with a
    success message, or show the page again with the errors on the form (status 400)."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except FAILURES as error:
            _add_error(form, error)
        else:
            messages.success(request, done)
            return redirect(_detail_url(response, anchor))
    # Fetched again: the page shows what is saved, not what a refused service left in memory.
    fresh = _response_for_page(request.user, response.pk)
    return _render(request, fresh, status=400, error_form=form, **{form_name: form})


def _visible(request: HttpRequest, pk: int) -> RecommendationResponse:
    return _response_for_page(request.user, pk)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Pages ----------------------------------------------------------------------------------------
@require_GET
def response_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    # Everything below the page's frame is the same for everyone who sees the same responses,
    # and is kept until the data changes (recommendations/page_cache.py).
    content = page_cache.visible_content(
        "response-list",
        request.user,
        request.GET,
        today=today,
        template="recommendations/workspace/_list_content.html",
        context=_list_context,
    )
    return _no_store(
        render(request, "recommendations/workspace/list.html", {"content": content})
    )


def _list_context(user: Any, params: QueryDict, today: date) -> dict[str, Any]:
    scoped = RecommendationResponse.objects.visible_to(user)
    rows, filter_form = _filtered(params, scoped)
    counts = _counts(scoped)
    total = sum(counts[value] for value in State.values)
    # A force answers every chief constables' recommendation: hundreds of rows, so pages of them.
    paginator = Paginator(_list_rows(rows).only(*LIST_FIELDS), LIST_PAGE_SIZE)
    if rows is scoped:
        paginator.count = total  # no filter: already counted
    page = paginator.get_page(params.get("page"))
    return {
        "responses": list(page.object_list),
        "page": page,
        "page_numbers": list(page.paginator.get_elided_page_range(page.number)),
        "ellipsis": Paginator.ELLIPSIS,
        "filter_form": filter_form,
        "state_counts": [
            (value, label, counts[value]) for value, label in State.choices
        ],
        # Looked up once: a model's get_FOO_display translates every choice on each call.
        "state_labels": {value: str(label) for value, label in State.choices},
        "overdue_count": counts["overdue"],
        "total": total,
        "today": today,
        "params": params,
        "query": params.urlencode(),
    }


def _csv_rows(responses: Iterable[RecommendationResponse]) -> Iterable[list[Any]]:
    today = clock.today()
    for r in responses:
        complaint = r.recommendation.investigation.complaint
        yield [
            complaint.reference,
            r.recommendation.investigation.report_title,
            r.recommendation.number,
            r.recommendation.text,
            r.organisation.name,
            r.get_state_display(),
            r.get_outcome_display() if r.is_public else "",
            r.due_on.isoformat(),
            r.original_due_on.isoformat(),
            "yes" if r.extension_pending else "no",
            "yes" if r.is_overdue(today) else "no",
            r.joint_with.organisation.name if r.joint_with else "",
            r.published_at.date().isoformat() if r.published_at else "",
            # A draft is the recipient's own until published; the export never carries one.
            r.response_text if r.is_public else "",
        ]


@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    scoped = RecommendationResponse.objects.visible_to(request.user)
    rows, _form = _filtered(request.GET, scoped)
    response = csv_response(
        f"responses-{clock.today().isoformat()}.csv",
        CSV_HEADER,
        _csv_rows(_list_rows(rows).only(*LIST_FIELDS).iterator()),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _visible(request, pk))


# --- The response itself --------------------------------------------------------------------------
@require_POST
def save_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft; with the publish button, save it and publish it. A stale copy is refused
    and the typed text shown again, so nothing is lost."""
    response = _visible(request, pk)
    _require(perms.can_respond(request.user, response))
    publishing = "publish" in request.POST
    form = forms.ResponseDraftForm(request.POST, publishing=publishing)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        saved = False
        try:
            services.save_response_draft(
                response,
                by=request.user,
                outcome=data["outcome"],
                text=data["text"],
                expected_version=data["version"],
            )
            saved = True
            if publishing:
                services.publish_response(response, by=request.user)
        except services.StaleEdit:
            status = 409
            form.add_error(
                None,
                _(
                    "Someone else changed this response a moment ago and nothing was saved. "
                    "Your text is below: check it against theirs and save again."
                ),
            )
        except FAILURES as error:
            if saved:
                form.add_error(None, _("Your draft is saved but was not published."))
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("Your response is published.")
                if publishing
                else _("Draft saved. Nothing is public until you publish it."),
            )
            return redirect(_detail_url(response, "response"))
        if saved or status == 409:
            # The next save must be checked against what is stored now.
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = str(
                RecommendationResponse.objects.values_list("version", flat=True).get(
                    pk=response.pk
                )
            )
    fresh = _visible(request, pk)
    return _render(request, fresh, status=status, error_form=form, draft_form=form)


@require_POST
def publish_joint(request: HttpRequest, pk: int) -> HttpResponse:
    response = _visible(request, pk)
    _require(perms.can_respond(request.user, response))

    return _submit(
        request,
        response,
        "joint_form",
        forms.JointResponseForm(request.POST),
        lambda data: services.publish_joint_response(
            response, by=request.user, outcome=data["outcome"], text=data["text"]
        ),
        _("The joint response is published for both organisations."),
        "response",
    )


# --- Action plan ----------------------------------------------------------------------------------
@require_POST
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    response = _visible(request, pk)
    _require(perms.can_respond(request.user, response))
    return _submit(
        request,
        response,
        "action_form",
        forms.ActionForm(request.POST),
        lambda data: services.add_action(response, by=request.user, **data),
        _("Action added to the plan."),
        "action-plan",
    )


@require_POST
def update_action(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    response = _visible(request, pk)
    item = get_object_or_404(response.actions.all(), pk=action_pk)
    _require(perms.can_respond(request.user, response))
    form = forms.ActionUpdateForm(request.POST, action=item)
    if form.is_valid():
        try:
            services.update_action(item, by=request.user, **form.cleaned_data)
        except FAILURES as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Action updated."))
            return redirect(_detail_url(response, "action-plan"))
    fresh = _visible(request, pk)
    return _render(
        request, fresh, status=400, error_form=form, failed_update=(item.pk, form)
    )


# --- Progress, implementation and evidence --------------------------------------------------------
@require_POST
def post_update(request: HttpRequest, pk: int) -> HttpResponse:
    response = _visible(request, pk)
    _require(perms.can_respond(request.user, response))
    return _submit(
        request,
        response,
        "update_form",
        forms.ProgressUpdateForm(request.POST, request.FILES),
        lambda data: services.post_progress_update(
            response, by=request.user, text=data["text"], files=data["files"]
        ),
        _("Progress update posted."),
        "progress",
    )


@require_POST
def report_implementation(request: HttpRequest, pk: int) -> HttpResponse:
    response = _visible(request, pk)
    _require(perms.can_respond(request.user, response))
    return _submit(
        request,
        response,
        "implementation_form",
        forms.ImplementationForm(request.POST, request.FILES),
        lambda data: services.report_implementation(
            response, by=request.user, summary=data["summary"], files=data["files"]
        ),
        _("Implementation reported. HMICFRS will verify it."),
        "implementation",
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    response = _visible(request, pk)
    if not _may_see_evidence(request.user, response):
        raise Http404
    evidence = get_object_or_404(response.evidence.all(), pk=evidence_pk)
    return inert_download(evidence)


# --- Extensions -----------------------------------------------------------------------------------
@require_POST
def request_extension(request: HttpRequest, pk: int) -> HttpResponse:
    response = _visible(request, pk)
    _require(perms.can_respond(request.user, response))
    return _submit(
        request,
        response,
        "extension_form",
        forms.ExtensionRequestForm(request.POST),
        lambda data: services.request_extension(response, by=request.user, **data),
        _("More time has been asked for. HMICFRS will decide."),
        "extensions",
    )


def _pending_request(
    request: HttpRequest, pk: int, request_pk: int
) -> tuple[RecommendationResponse, ExtensionRequest]:
    response = _visible(request, pk)
    extension = get_object_or_404(response.extension_requests.all(), pk=request_pk)
    _require(perms.can_decide_extension(request.user, extension))
    return response, extension


@require_POST
def grant_extension(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    response, extension = _pending_request(request, pk, request_pk)
    return _submit(
        request,
        response,
        "grant_form",
        forms.GrantExtensionForm(request.POST),
        lambda data: services.grant_extension(extension, by=request.user, **data),
        _("Extension granted. The recipient has been told."),
        "extensions",
    )


@require_POST
def refuse_extension(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    response, extension = _pending_request(request, pk, request_pk)
    return _submit(
        request,
        response,
        "refuse_form",
        forms.RefuseExtensionForm(request.POST),
        lambda data: services.refuse_extension(extension, by=request.user, **data),
        _("Extension refused. The recipient has been told."),
        "extensions",
    )


# --- State changes --------------------------------------------------------------------------------
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    response = _visible(request, pk)
    if action not in TRANSITIONS:
        raise Http404
    available = {a.name: a for a in actions_for(response, request.user)}
    chosen = available.get(action)
    if not can_perform(getattr(response, action), request.user):
        raise PermissionDenied
    form = ReasonForm(
        request.POST,
        prefix=action,
        required=bool(chosen and chosen.needs_reason),
        label=chosen.reason_label if chosen else None,
    )
    if not form.is_valid():
        return _render(
            request,
            response,
            status=400,
            failed_reason=(action, form),
            form_errors=[
                (f"id_{action}-reason", error) for error in form.errors["reason"]
            ],
        )
    run, done = TRANSITIONS[action]
    try:
        run(response, request.user, form.cleaned_data["reason"])
    except TransitionNotAllowed:
        reasons = chosen.blocked_because if chosen else ()
        messages.error(request, " ".join(reasons) if reasons else str(NOT_NOW_MESSAGE))
    except FAILURES as error:
        messages.error(request, _why(error))
    else:
        messages.success(request, str(done))
    return redirect(_detail_url(response))
