"""Forms of the recipient's workspace: they validate what people type and hand `cleaned_data` to
the services in `recommendations.services`; they never save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.forms import MultipleFileField, MultipleFileInput
from investigations.forms import GdsForm
from recommendations.models import ActionPlanItem, RecommendationResponse

Outcome = RecommendationResponse.Outcome
State = RecommendationResponse.State

FILE_HELP = _(
    "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV. You can choose several "
    "files. They are seen by your organisation and the oversight bodies, never published."
)


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601, whatever the locale's date format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"class": "govuk-input govuk-input--width-10", **(attrs or {})},
            format="%Y-%m-%d",
        )


def _files(label: str) -> MultipleFileField:
    return MultipleFileField(
        label=label,
        help_text=FILE_HELP,
        required=False,
        widget=MultipleFileInput(attrs={"class": "govuk-file-upload"}),
    )


def _text(
    label: str, required_message: str, *, rows: int = 5, help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=20000,
        error_messages={"required": required_message},
    )


class ResponseFilterForm(forms.Form):
    """The list's filters, read from the query string; an invalid value is simply not applied."""

    state = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *State.choices],
        required=False,
    )
    complaint = forms.ChoiceField(label=_("Super-complaint"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue responses"), required=False)

    def __init__(
        self, *args: Any, complaints: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["complaint"].choices = [
            ("", _("Any super-complaint")),
            *complaints,
        ]


class ResponseDraftForm(GdsForm):
    """The recipient's draft. Saving needs nothing; publishing needs the outcome and the text."""

    prefix_name = "response"
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Is the recommendation accepted?"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    text = forms.CharField(
        label=_("Your response"),
        help_text=_(
            "Say what you will do and by when, or why you do not accept the recommendation. "
            "It is published on the public tracker when you publish it."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=50000,
        required=False,
    )

    def __init__(self, *args: Any, publishing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.publishing = publishing

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.publishing:
            if not data.get("outcome"):
                self.add_error(
                    "outcome",
                    _(
                        "Choose whether the recommendation is accepted, partly accepted or not accepted."
                    ),
                )
            if not (data.get("text") or "").strip():
                self.add_error("text", _("Write the response."))
        return data


class JointResponseForm(GdsForm):
    prefix_name = "joint"
    outcome = forms.ChoiceField(
        label=_("Is the recommendation accepted?"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Choose whether the recommendation is accepted, partly accepted or not accepted."
            )
        },
    )
    text = _text(_("The joint response"), _("Write the joint response."), rows=10)


class ActionForm(GdsForm):
    prefix_name = "action"
    description = _text(_("Action"), _("Describe the action."), rows=3)
    owner = forms.CharField(
        label=_("Owner"),
        help_text=_("The post or team accountable, e.g. Head of Public Protection."),
        max_length=200,
        error_messages={"required": _("Say who owns the action.")},
    )
    target_on = forms.DateField(
        label=_("Target date"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the target date."),
            "invalid": _("Enter a real date."),
        },
    )


class ActionUpdateForm(GdsForm):
    """Status and target date of one action; a new target date needs a reason (the service says so)."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionPlanItem.Status.choices)
    target_on = forms.DateField(
        label=_("Target date"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the target date."),
            "invalid": _("Enter a real date."),
        },
    )
    reason = forms.CharField(
        label=_("Why is the target date changing? (needed only if it changes)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args: Any, action: ActionPlanItem, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"update-{action.pk}")
        kwargs.setdefault(
            "initial", {"status": action.status, "target_on": action.target_on}
        )
        super().__init__(*args, **kwargs)


class ProgressUpdateForm(GdsForm):
    prefix_name = "progress"
    text = _text(
        _("Progress update"),
        _("Write the progress update."),
        rows=6,
        help_text=_(
            "Published on the public tracker as soon as you post it, dated and under your "
            "organisation's name. It cannot be changed afterwards."
        ),
    )
    files = _files(_("Evidence files (optional)"))


class ImplementationForm(GdsForm):
    prefix_name = "implementation"
    summary = _text(
        _("What was implemented"),
        _("Describe what was implemented, with the evidence."),
        rows=8,
    )
    files = _files(_("Evidence of implementation (optional)"))


class ExtensionRequestForm(GdsForm):
    prefix_name = "extension"
    new_due_on = forms.DateField(
        label=_("New date you are asking for"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the new date you are asking for."),
            "invalid": _("Enter a real date."),
        },
    )
    reason = _text(_("Why more time is needed"), _("Say why more time is needed."))


class GrantExtensionForm(GdsForm):
    prefix_name = "grant"
    new_due_on = forms.DateField(
        label=_("New due date"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the new due date."),
            "invalid": _("Enter a real date."),
        },
    )
    reason = _text(
        _("Reason for granting"), _("Give the reason for the decision."), rows=3
    )


class RefuseExtensionForm(GdsForm):
    prefix_name = "refuse"
    reason = _text(
        _("Reason for refusing"), _("Give the reason for the decision."), rows=3
    )
