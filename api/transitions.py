"""State changes over the API: `GET /api/v1/<resource>/<id>/transitions/` lists what the caller may do
to a complaint, an investigation or a response now, and `POST …/transitions/<name>/` does one.

Each transition has its own URL, so the schema documents each one's request body. Every POST goes
through the same service function as the page's button, so the rules, the log row and the e-mails
are the same: an object the caller cannot see is a 404, one they may not act on a 403, and an action
the state or a condition does not allow now, or a lost race, a 409 (see `api.exceptions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import Conflict
from api.schema import ERRORS_READ, ERRORS_WRITE
from complaints import services as complaint_services
from complaints.models import SuperComplaint
from investigations import services as investigation_services
from investigations.models import Investigation
from recommendations import services as response_services
from recommendations.models import RecommendationResponse
from workflow.transitions import NOT_NOW_MESSAGE, actions_for, can_perform

Runner = Callable[[Any, Any, dict[str, Any]], object]


# --- Request bodies -------------------------------------------------------------------------------
class TransitionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000,
        help_text="Why: kept in the object's history with who did it and when.",
    )


class TransitionOptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="The reasons for the decision, if any: kept with it and in the history.",
    )


class PublishResponseTransitionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=RecommendationResponse.Outcome.choices,
        required=False,
        help_text="Saved to the draft before publishing. Left out: the saved draft's outcome.",
    )
    response_text = serializers.CharField(
        max_length=50000,
        required=False,
        allow_blank=True,
        help_text="Saved to the draft before publishing. Left out: the saved draft's text.",
    )


class ReportImplementationTransitionSerializer(serializers.Serializer):
    summary = serializers.CharField(
        max_length=5000,
        help_text="What was implemented, with the evidence. (Evidence files are attached on the page.)",
    )


# --- Responses ------------------------------------------------------------------------------------
class TransitionFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    required = serializers.BooleanField()
    label = serializers.CharField()


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="POST to `url` to take it.")
    label = serializers.CharField()
    url = serializers.URLField()
    needs_reason = serializers.BooleanField()
    enabled = serializers.BooleanField(
        help_text="False while a condition is unmet: see `blocked_because`."
    )
    blocked_because = serializers.ListField(
        child=serializers.CharField(),
        help_text="What is still needed, in plain words; empty when enabled.",
    )
    fields = TransitionFieldSerializer(
        many=True, help_text="The request body's fields for this transition."
    )


class ComplaintStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=SuperComplaint.State.choices)
    state_label = serializers.CharField()


class InvestigationStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Investigation.State.choices)
    state_label = serializers.CharField()


class RecommendationResponseStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=RecommendationResponse.State.choices)
    state_label = serializers.CharField()


class ComplaintTransitionsSerializer(ComplaintStateSerializer):
    transitions = AvailableTransitionSerializer(many=True)


class InvestigationTransitionsSerializer(InvestigationStateSerializer):
    transitions = AvailableTransitionSerializer(many=True)


class RecommendationResponseTransitionsSerializer(
    RecommendationResponseStateSerializer
):
    transitions = AvailableTransitionSerializer(many=True)


# --- What each resource offers, and the service that carries out each transition ------------------
@dataclass(frozen=True)
class Step:
    """One transition the API offers: the service call, its request body and what it does."""

    run: Runner
    description: str
    body: type[serializers.Serializer] | None = None


@dataclass(frozen=True)
class Resource:
    name: str
    model: type[models.Model]
    state_serializer: type[serializers.Serializer]
    transitions_serializer: type[serializers.Serializer]
    steps: dict[str, Step] = field(default_factory=dict)

    def visible_to(self, user: Any) -> models.QuerySet:
        return self.model.objects.visible_to(user)  # type: ignore[attr-defined]

    def label(self, name: str) -> str:
        definition = next(
            iter(getattr(self.model, name)._django_fsm.transitions.values())
        )
        return str(definition.custom.get("label", name))


def _publish_response(
    response: RecommendationResponse, by: Any, data: dict[str, Any]
) -> None:
    # As the page's "save and publish", but all or nothing: a refused publication saves no draft.
    with transaction.atomic():
        if (
            "outcome" in data or "response_text" in data
        ) and response.state == RecommendationResponse.State.AWAITING_RESPONSE:
            response_services.save_response_draft(
                response,
                by=by,
                outcome=data.get("outcome", response.outcome),
                text=data.get("response_text", response.response_text),
                expected_version=response.version,
            )
        response_services.publish_response(response, by=by)


COMPLAINTS = Resource(
    name="complaints",
    model=SuperComplaint,
    state_serializer=ComplaintStateSerializer,
    transitions_serializer=ComplaintTransitionsSerializer,
    steps={
        "submit": Step(
            lambda c, by, data: complaint_services.submit_complaint(c, by=by),
            "The designated body submits its draft to HMICFRS: it gets its reference and its "
            "due dates, and the body is e-mailed. Evidence files are attached on the page.",
        ),
        "acknowledge": Step(
            lambda c, by, data: complaint_services.acknowledge_complaint(c, by=by),
            "HMICFRS acknowledges receipt (reg 5); the body is e-mailed the acknowledgement letter.",
        ),
        "start_assessment": Step(
            lambda c, by, data: complaint_services.start_assessment(c, by=by),
            "HMICFRS starts the eligibility assessment.",
        ),
        "decide_eligible": Step(
            lambda c, by, data: complaint_services.decide_eligibility(
                c, by=by, eligible=True, reasons=data.get("reason", "")
            ),
            "Records the three authorities' decision that the complaint is eligible (reg 6): the "
            "investigation opens and the body is e-mailed. Needs each authority's view recorded "
            "as eligible.",
            TransitionOptionalReasonSerializer,
        ),
        "decide_not_eligible": Step(
            lambda c, by, data: complaint_services.decide_eligibility(
                c, by=by, eligible=False, reasons=data["reason"]
            ),
            "Records the decision that the complaint is not eligible; the reasons are sent to the "
            "body by e-mail.",
            TransitionReasonSerializer,
        ),
        "withdraw": Step(
            lambda c, by, data: complaint_services.withdraw_complaint(
                c, by=by, reason=data["reason"]
            ),
            "The designated body withdraws its complaint before the decision.",
            TransitionReasonSerializer,
        ),
    },
)

INVESTIGATIONS = Resource(
    name="investigations",
    model=Investigation,
    state_serializer=InvestigationStateSerializer,
    transitions_serializer=InvestigationTransitionsSerializer,
    steps={
        "start_evidence_gathering": Step(
            lambda i, by, data: investigation_services.start_evidence_gathering(
                i, by=by
            ),
            "Leave scoping: needs a lead and the terms of reference.",
        ),
        "start_analysis": Step(
            lambda i, by, data: investigation_services.start_analysis(i, by=by),
            "Leave evidence gathering: needs at least one evidence item.",
        ),
        "start_drafting": Step(
            lambda i, by, data: investigation_services.start_drafting(i, by=by),
            "Start drafting the report.",
        ),
        "send_for_fact_check": Step(
            lambda i, by, data: investigation_services.send_for_fact_check(i, by=by),
            "Send the complete draft to the organisations chosen to fact-check it; each is "
            "e-mailed.",
        ),
        "send_for_sign_off": Step(
            lambda i, by, data: investigation_services.send_for_sign_off(i, by=by),
            "Send the fact-checked report to the three authorities' approvers.",
        ),
        "publish": Step(
            lambda i, by, data: investigation_services.publish_report(i, by=by),
            "Publish the signed-off report (reg 8): it is made public, each recipient is asked "
            "to respond, and the designated body is e-mailed.",
        ),
        "pause": Step(
            lambda i, by, data: investigation_services.pause(
                i, by=by, reason=data["reason"]
            ),
            "The lead pauses the investigation.",
            TransitionReasonSerializer,
        ),
        "resume": Step(
            lambda i, by, data: investigation_services.resume(i, by=by),
            "The lead resumes the investigation at the stage it was paused in.",
        ),
    },
)

RESPONSES = Resource(
    name="responses",
    model=RecommendationResponse,
    state_serializer=RecommendationResponseStateSerializer,
    transitions_serializer=RecommendationResponseTransitionsSerializer,
    steps={
        "publish_response": Step(
            _publish_response,
            "The recipient publishes its response, from the saved draft or from `outcome` and "
            "`response_text` given here (saved to the draft first). If it cannot be published, "
            "nothing is saved.",
            PublishResponseTransitionSerializer,
        ),
        "start_work": Step(
            lambda r, by, data: response_services.start_work(r, by=by),
            "The recipient starts implementing an accepted recommendation.",
        ),
        "report_implementation": Step(
            lambda r, by, data: response_services.report_implementation(
                r, by=by, summary=data["summary"]
            ),
            "The recipient reports the recommendation implemented, for HMICFRS to verify.",
            ReportImplementationTransitionSerializer,
        ),
        "verify": Step(
            lambda r, by, data: response_services.verify(r, by=by),
            "HMICFRS monitoring staff verify the implementation; not the person who reported it.",
        ),
        "send_back": Step(
            lambda r, by, data: response_services.send_back(
                r, by=by, reason=data["reason"]
            ),
            "HMICFRS sends the implementation report back; the recipient is e-mailed the reason.",
            TransitionReasonSerializer,
        ),
        "reopen": Step(
            lambda r, by, data: response_services.reopen(
                r, by=by, reason=data["reason"]
            ),
            "HMICFRS reopens a response that did not accept the recommendation.",
            TransitionReasonSerializer,
        ),
    },
)

RESOURCES = (COMPLAINTS, INVESTIGATIONS, RESPONSES)


# --- Views ----------------------------------------------------------------------------------------
def _state(obj: Any) -> dict[str, Any]:
    return {"id": obj.pk, "state": obj.state, "state_label": obj.get_state_display()}


def _body_fields(step: Step, reason_label: str) -> list[dict[str, Any]]:
    if step.body is None:
        return []
    return [
        {
            "name": name,
            "required": body_field.required,
            "label": reason_label if name == "reason" else str(body_field.help_text),
        }
        for name, body_field in step.body().fields.items()
    ]


class _ResourceView(GenericAPIView):
    resource: Resource
    filter_backends = ()
    pagination_class = None

    def get_queryset(self) -> models.QuerySet:
        return self.resource.visible_to(self.request.user)


class TransitionsView(_ResourceView):
    """What the caller may do to the object now: only what they may ever do, each with what still
    blocks it."""

    def get(self, request: Request, pk: int) -> Response:
        obj = self.get_object()
        steps = self.resource.steps
        transitions = [
            {
                "name": action.name,
                "label": action.label,
                "url": request.build_absolute_uri(
                    reverse(
                        f"api:{self.resource.name}-transition-{action.name}",
                        args=[obj.pk],
                    )
                ),
                "needs_reason": action.needs_reason,
                "enabled": action.enabled,
                "blocked_because": list(action.blocked_because),
                "fields": _body_fields(steps[action.name], action.reason_label),
            }
            for action in actions_for(obj, request.user)
            if action.name in steps
        ]
        data = {**_state(obj), "transitions": transitions}
        return Response(self.resource.transitions_serializer(data).data)


class TransitionView(_ResourceView):
    """Take one transition through its service."""

    transition: str

    def post(self, request: Request, pk: int) -> Response:
        obj = self.get_object()
        user = request.user
        step = self.resource.steps[self.transition]
        if not can_perform(getattr(obj, self.transition), user):
            raise exceptions.PermissionDenied()
        data: dict[str, Any] = {}
        if step.body is not None:
            body = step.body(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        try:
            step.run(obj, user, data)
        except TransitionNotAllowed as error:
            raise Conflict(self._why_not(obj, user)) from error
        return Response(self.resource.state_serializer(_state(obj)).data)

    def _why_not(self, obj: Any, user: Any) -> str:
        """The unmet conditions, in plain words, or that the state has moved on."""
        blocked = next(
            (
                action.blocked_because
                for action in actions_for(obj, user)
                if action.name == self.transition
            ),
            (),
        )
        return " ".join(blocked) if blocked else str(NOT_NOW_MESSAGE)


class UnknownTransitionView(_ResourceView):
    """A JSON 404 for a transition name the API does not offer."""

    def get(self, request: Request, pk: int, name: str) -> Response:
        raise exceptions.NotFound(_("There is no such transition."))

    post = get


def _view(
    base: type[_ResourceView],
    name: str,
    attrs: dict[str, Any],
    method: str,
    **schema: Any,
) -> Callable[..., Any]:
    """A view class of its own for each URL, so each operation is documented with its own body."""
    view = type(name, (base,), attrs)
    schema.setdefault("tags", [attrs["resource"].name])
    return extend_schema_view(**{method: extend_schema(**schema)})(view).as_view()


def _urls(resource: Resource) -> list[URLPattern]:
    prefix = f"{resource.name}/<int:pk>/transitions/"
    model_name = resource.model.__name__
    patterns = [
        path(
            prefix,
            _view(
                TransitionsView,
                f"{model_name}TransitionsView",
                {"resource": resource},
                "get",
                operation_id=f"{resource.name}_transitions_list",
                summary="What the caller may do now",
                description=(
                    "The transitions the caller may take in the object's current state, each "
                    "with what still blocks it and the fields its request body takes. Those the "
                    "caller may never take are left out."
                ),
                responses={200: resource.transitions_serializer, **ERRORS_READ},
            ),
            name=f"{resource.name}-transitions",
        )
    ]
    for name, step in resource.steps.items():
        patterns.append(
            path(
                f"{prefix}{name}/",
                _view(
                    TransitionView,
                    f"{model_name}{name.title().replace('_', '')}View",
                    {"resource": resource, "transition": name},
                    "post",
                    operation_id=f"{resource.name}_transition_{name}",
                    summary=resource.label(name),
                    description=step.description,
                    request=step.body,
                    responses={200: resource.state_serializer, **ERRORS_WRITE},
                ),
                name=f"{resource.name}-transition-{name}",
            )
        )
    unknown = type(
        f"{model_name}UnknownTransitionView",
        (UnknownTransitionView,),
        {"resource": resource},
    )
    patterns.append(
        path(f"{prefix}<slug:name>/", extend_schema(exclude=True)(unknown).as_view())
    )
    return patterns


urlpatterns = [pattern for resource in RESOURCES for pattern in _urls(resource)]
