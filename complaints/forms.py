"""Forms validate what people type and hand `cleaned_data` to the services; they never save."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind
from complaints.models import STATUTORY_TEST, EligibilityView, SuperComplaint
from complaints.services import DRAFT_FIELDS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # crispy-forms-gds styles only the widget classes it knows: without GOV.UK's class the
        # input has no visible focus (WCAG 2.4.7).
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"class": "govuk-file-upload"})
        )
        # Emptiness, size and type are the upload service's to judge, with its own messages.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class DraftForm(forms.ModelForm):
    """The designated body's draft. Nothing is required to save a draft; reg 4's requirements are
    checked when it is submitted, and listed on the check-your-answers page."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    evidence = MultipleFileField(
        label=_("Add evidence files"),
        required=False,
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV. Each file is attached as "
            "soon as you save, even if something else on the page needs correcting."
        ),
    )
    forces_concerned = forms.ModelMultipleChoiceField(
        label=_("Police forces concerned (recommended)"),
        queryset=Organisation.objects.of_kind(OrganisationKind.POLICE_FORCE).order_by(
            "name"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Select the forces whose policing the complaint is about, if it is not about all of them."
        ),
    )

    class Meta:
        model = SuperComplaint
        fields = [*DRAFT_FIELDS, "forces_concerned"]
        widgets = {
            "features": forms.Textarea(attrs={"rows": 6}),
            "harm_explanation": forms.Textarea(attrs={"rows": 8}),
            "harms": forms.Textarea(attrs={"rows": 4}),
            "affected_groups": forms.Textarea(attrs={"rows": 3}),
            "co_submitters": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "title": _("A short name people can use for the complaint."),
            "features": _(
                "Set out each feature, or combination of features, of policing you are complaining about."
            ),
            "harm_explanation": _("The statutory test is that %(test)s.")
            % {"test": STATUTORY_TEST},
            "contact_name": _(
                "A named individual at your organisation whom HMICFRS can contact (required)."
            ),
            "harms": _(
                "Recommended: the nature and scale of the harm, and who is most at risk."
            ),
            "affected_groups": _(
                "Recommended: groups of people affected, such as victims of a type of crime."
            ),
            "co_submitters": _(
                "Other organisations making the complaint with you, one per line."
            ),
            "on_behalf_of": _(
                "If you make the complaint on behalf of a group, such as a consortium, name it."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("version"),
            Fieldset(
                Field.text("title"),
                Field.textarea("features"),
                Field.textarea("harm_explanation"),
                legend=_("The complaint"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("evidence"),
                legend=_("Evidence"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("contact_name"),
                Field.text("contact_email", field_width=20),
                Field.text("contact_phone", field_width=20),
                legend=_("Contact person"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("harms"),
                Field.textarea("affected_groups"),
                Field.checkboxes("forces_concerned", small=True),
                Field.textarea("co_submitters"),
                Field.text("on_behalf_of"),
                legend=_("Recommended details"),
                legend_size=Size.MEDIUM,
            ),
        )


class ReasonForm(forms.Form):
    """The one field a transition may need: the reason, required where the action says so."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(
        self,
        *args: Any,
        required: bool = False,
        label: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if label:
            self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = _("Enter the reason.")


class EligibilityViewForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Your authority's view"),
        choices=EligibilityView.View.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether your authority finds the complaint eligible.")
        },
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": _("Enter the reasons for your authority's view.")},
        help_text=_(
            "Reg 6: eligible if it sets out the features, why they appear significantly to harm the public and "
            "the evidence, unless it merely repeats a complaint being or already investigated."
        ),
    )


class RepeatForm(forms.Form):
    earlier = forms.ModelChoiceField(
        label=_("Earlier super-complaint of the same substance"),
        queryset=SuperComplaint.objects.none(),
        required=False,
        empty_label=_("None: it does not repeat an earlier complaint"),
    )
    material_change = forms.CharField(
        label=_(
            "Material change of circumstances since the earlier complaint was investigated"
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )

    def __init__(self, *args: Any, complaint: SuperComplaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earlier"].queryset = (
            SuperComplaint.objects.filter(received_at__isnull=False)
            .exclude(pk=complaint.pk)
            .order_by("-received_at")
        )
