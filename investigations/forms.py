"""Forms of the investigation pages: they validate what people type and hand `cleaned_data` to the
services; they never save."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    DECISION_MAKING_AUTHORITIES,
    Organisation,
    OrganisationKind,
    User,
)
from investigations.models import (
    EvidenceItem,
    Investigation,
    Redaction,
    TeamMember,
)
from investigations.services import REPORT_FIELDS
from recommendations.models import NAMED_RECIPIENT_KINDS, RecipientKind


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.organisation.display_name})" if obj.organisation else name


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601 whatever the locale's date format, or the
    browser shows the field empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class GdsForm(forms.Form):
    """A form rendered by crispy-forms-gds inside the page's own <form> tag."""

    prefix_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.prefix_name or None)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _team_choices(investigation: Investigation) -> forms.ModelChoiceField:
    return PersonChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(
            pk__in=[m.user_id for m in investigation.team.all()]
        )
        .select_related("organisation")
        .order_by("first_name", "last_name"),
        error_messages={"required": _("Choose an owner from the team.")},
    )


class LeadForm(GdsForm):
    prefix_name = "lead"
    user = PersonChoiceField(
        label=_("Lead investigator"),
        queryset=User.objects.filter(
            is_active=True,
            organisation__kind__in=DECISION_MAKING_AUTHORITIES,
            role_grants__role="investigator",
        )
        .select_related("organisation")
        .order_by("organisation__name", "last_name"),
        error_messages={"required": _("Choose the lead investigator.")},
    )


class TeamMemberForm(GdsForm):
    prefix_name = "member"
    user = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(
            is_active=True,
            organisation__kind__in=DECISION_MAKING_AUTHORITIES,
            role_grants__role__in=["investigator", "approver"],
        )
        .distinct()
        .select_related("organisation")
        .order_by("organisation__name", "last_name"),
        error_messages={"required": _("Choose a person to add.")},
    )
    role = forms.ChoiceField(
        label=_("Role on the team"),
        choices=[
            (TeamMember.Role.INVESTIGATOR, TeamMember.Role.INVESTIGATOR.label),
            (TeamMember.Role.APPROVER, TeamMember.Role.APPROVER.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the person's role on the team.")},
    )


class TermsOfReferenceForm(GdsForm):
    prefix_name = "tor"
    terms_of_reference = forms.CharField(
        label=_("Terms of reference"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": _("Enter the terms of reference.")},
    )


class ThemeForm(GdsForm):
    prefix_name = "theme"
    title = forms.CharField(
        label=_("Investigative theme"),
        max_length=200,
        error_messages={"required": _("Enter the theme.")},
    )
    description = forms.CharField(
        label=_("Aims and method (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class EvidenceItemForm(GdsForm):
    prefix_name = "item"
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceItem.Kind.choices)
    title = forms.CharField(
        label=_("Description"),
        max_length=300,
        error_messages={"required": _("Describe the evidence.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation (for a data request or visit, the force concerned)"),
        queryset=Organisation.objects.exclude(
            kind=OrganisationKind.DESIGNATED_BODY
        ).order_by("name"),
        required=False,
    )
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput)
    notes = forms.CharField(
        label=_("Notes (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _team_choices(investigation)


class EvidenceStatusForm(GdsForm):
    status = forms.ChoiceField(label=_("Status"), choices=EvidenceItem.Status.choices)


class AttachmentForm(GdsForm):
    file = forms.FileField(
        label=_("Attach a file"),
        allow_empty_file=True,
        error_messages={"required": _("Choose a file to attach.")},
    )


class TaskForm(GdsForm):
    prefix_name = "task"
    title = forms.CharField(
        label=_("Task"),
        max_length=300,
        error_messages={"required": _("Describe the task.")},
    )
    due_on = forms.DateField(
        label=_("Due"),
        widget=DateInput,
        error_messages={"required": _("Enter the date the task is due.")},
    )

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _team_choices(investigation)


class ProgressReportForm(GdsForm):
    prefix_name = "progress"
    text = forms.CharField(
        label=_("Progress report to the designated body"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_(
            "The body sees this on its complaint page and is e-mailed a copy. Say what has been done, "
            "what is next and when the report is expected."
        ),
        error_messages={"required": _("Write the progress report.")},
    )


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Investigation
        fields = list(REPORT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 8})
            for name in REPORT_FIELDS
            if name != "report_title"
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.fields["report_title"].error_messages["required"] = _(
            "Enter the report's title."
        )
        for name in REPORT_FIELDS:
            self.fields[name].required = False


class RecommendationForm(GdsForm):
    prefix_name = "rec"
    text = forms.CharField(
        label=_("Recommendation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": _("Enter the recommendation.")},
    )
    recipient_kinds = forms.MultipleChoiceField(
        label=_("To every organisation of a kind"),
        choices=RecipientKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    named_recipients = forms.ModelMultipleChoiceField(
        label=_("To named organisations"),
        queryset=Organisation.objects.of_kind(*NAMED_RECIPIENT_KINDS).order_by(
            "kind", "name"
        ),
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    due_on = forms.DateField(
        label=_("To be done by (optional)"), required=False, widget=DateInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("recipient_kinds") and not data.get("named_recipients"):
            self.add_error(
                "recipient_kinds",
                _("Address the recommendation to at least one recipient."),
            )
        return data


class ActionForm(GdsForm):
    prefix_name = "action"
    body = forms.ModelChoiceField(
        label=_("For"),
        queryset=Organisation.objects.of_kind(
            OrganisationKind.COLLEGE, OrganisationKind.HMICFRS
        ),
        error_messages={"required": _("Choose who the action is for.")},
    )
    text = forms.CharField(
        label=_("Action"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": _("Enter the action.")},
    )
    due_on = forms.DateField(
        label=_("Due (optional)"), required=False, widget=DateInput
    )


class RedactionForm(GdsForm):
    prefix_name = "redaction"
    section = forms.ChoiceField(
        label=_("Section"),
        choices=[
            ("summary", _("Summary")),
            ("steps_taken", _("Steps taken")),
            ("findings", _("Findings")),
            ("conclusions", _("Conclusions")),
            ("further_action", _("Further action")),
        ],
    )
    passage = forms.CharField(
        label=_("Passage to withhold, copied exactly"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        error_messages={"required": _("Copy the passage to withhold.")},
    )
    ground = forms.ChoiceField(
        label=_("Ground (regulation 8(3))"),
        choices=Redaction.Ground.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the ground for withholding it.")},
    )
    explanation = forms.CharField(
        label=_("Why the ground applies"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Explain why the ground applies.")},
    )


class FactCheckRequestForm(GdsForm):
    prefix_name = "factcheck"
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.exclude(
            kind=OrganisationKind.DESIGNATED_BODY
        ).order_by("name"),
        error_messages={"required": _("Choose the organisation.")},
    )
    due_on = forms.DateField(
        label=_("Comments due"),
        widget=DateInput,
        error_messages={"required": _("Enter the date comments are due.")},
    )


class FactCheckCommentForm(GdsForm):
    text = forms.CharField(
        label=_("Comments received"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        error_messages={"required": _("Enter the comments.")},
    )
