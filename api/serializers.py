"""What the API shows of each object and what a caller may send.

Read serializers show what the pages show to someone who may see the object; write serializers
name only the fields a caller may set, so anything else sent (state, organisation, reference, dates,
authors, ids) is ignored. A response's outcome and text are shown only once published, or to the
recipient whose draft they are (`can_read_draft`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import permissions as perms
from accounts.models import Organisation, OrganisationKind
from complaints.models import Evidence, SuperComplaint
from complaints.services import DRAFT_FIELDS
from investigations.models import Investigation, ProgressReport, TeamMember
from investigations.services import REPORT_FIELDS
from recommendations.models import (
    RecipientKind,
    Recommendation,
    RecommendationResponse,
)


# --- Light references to related objects ----------------------------------------------------------
class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ComplaintRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(allow_null=True)
    title = serializers.CharField()


class RecommendationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()


# --- Organisations ---------------------------------------------------------------------------------
class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    police_force = OrganisationRefSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "slug",
            "kind",
            "kind_label",
            "is_territorial_force",
            "police_force",
            "designated_on",
            "designation_revoked_on",
        ]
        read_only_fields = fields


# --- Complaints ------------------------------------------------------------------------------------
class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file's description, as the complaint page lists it; never its contents."""

    file_name = serializers.CharField(source="original_name", read_only=True)
    kind = serializers.CharField(source="kind_label", read_only=True)
    size_bytes = serializers.IntegerField(source="size", read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "file_name",
            "kind",
            "content_type",
            "size_bytes",
            "uploaded_at",
        ]
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = ["id", "sent_on", "text"]
        read_only_fields = fields


class ComplaintInvestigationSerializer(serializers.ModelSerializer):
    """The investigation as the complaint page shows it to everyone who sees the complaint: its
    stage, and the report's title only once published."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    report_title = serializers.SerializerMethodField()

    class Meta:
        model = Investigation
        fields = [
            "id",
            "state",
            "state_label",
            "opened_at",
            "report_title",
            "report_published_on",
        ]
        read_only_fields = fields

    def get_report_title(self, investigation: Investigation) -> str | None:
        if investigation.report_published_on is None:
            return None
        return investigation.report_title


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint in a list: who made it, its state and its dates."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    organisation = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = SuperComplaint
        fields = [
            "id",
            "reference",
            "title",
            "state",
            "state_label",
            "organisation",
            "created_at",
            "updated_at",
            "received_at",
            "acknowledgement_due_on",
            "acknowledged_at",
            "decision_target_on",
            "decided_at",
            "withdrawn_at",
        ]
        read_only_fields = fields


class ComplaintDetailSerializer(ComplaintSerializer):
    """Everything the complaint page shows: the complaint as made (reg 4), its evidence files
    described, the decision, and the investigation with its progress reports. `version` goes back
    with an edit of the draft."""

    forces_concerned = OrganisationRefSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    repeats = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        help_text="The reference of the earlier complaint whose substance this one repeats.",
    )
    investigation = serializers.SerializerMethodField()
    progress_reports = serializers.SerializerMethodField()

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "version",
            *DRAFT_FIELDS,
            "forces_concerned",
            "evidence",
            "decision_reasons",
            "withdrawal_reason",
            "repeats",
            "material_change",
            "investigation",
            "progress_reports",
        ]
        read_only_fields = fields

    @extend_schema_field(ComplaintInvestigationSerializer(allow_null=True))
    def get_investigation(self, complaint: SuperComplaint) -> dict[str, Any] | None:
        investigation = getattr(complaint, "investigation", None)
        if investigation is None:
            return None
        return ComplaintInvestigationSerializer(investigation).data

    @extend_schema_field(ProgressReportSerializer(many=True))
    def get_progress_reports(self, complaint: SuperComplaint) -> list[dict[str, Any]]:
        investigation = getattr(complaint, "investigation", None)
        if investigation is None:
            return []
        return ProgressReportSerializer(
            investigation.progress_reports.all(), many=True
        ).data


class ComplaintDraftSerializer(serializers.ModelSerializer):
    """A new draft's content. Only these fields can be set; anything else sent is ignored."""

    forces_concerned = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Organisation.objects.of_kind(OrganisationKind.POLICE_FORCE),
        help_text="Ids of police forces (organisations of kind `police_force`).",
    )

    class Meta:
        model = SuperComplaint
        fields = [*DRAFT_FIELDS, "forces_concerned"]


class ComplaintDraftEditSerializer(ComplaintDraftSerializer):
    """An edit of the draft: the fields sent change, the others stay. `version` is the one the
    edit was based on; if someone else saved the draft since, nothing is saved (409)."""

    version = serializers.IntegerField(
        min_value=1,
        help_text="Required: the `version` of the draft the edit is based on.",
    )

    class Meta(ComplaintDraftSerializer.Meta):
        fields = [*ComplaintDraftSerializer.Meta.fields, "version"]


# --- Investigations --------------------------------------------------------------------------------
class TeamMemberSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    organisation = OrganisationRefSerializer(source="user.organisation", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["name", "organisation", "role", "role_label"]
        read_only_fields = fields

    def get_name(self, member: TeamMember) -> str:
        return member.user.get_full_name() or member.user.username


class InvestigationSerializer(serializers.ModelSerializer):
    """An investigation in a list: whose complaint, its stage and the report's publication."""

    complaint = ComplaintRefSerializer(read_only=True)
    organisation = OrganisationRefSerializer(
        source="complaint.organisation", read_only=True
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    # Plain text rather than the model's choices/URL types: both are empty when not applicable.
    paused_from = serializers.CharField(
        read_only=True, help_text="The stage it was paused from; empty unless paused."
    )
    report_url = serializers.CharField(
        read_only=True,
        help_text="Where a report published before this service is found; empty otherwise.",
    )

    class Meta:
        model = Investigation
        fields = [
            "id",
            "complaint",
            "organisation",
            "state",
            "state_label",
            "opened_at",
            "paused_from",
            "report_title",
            "report_published_on",
            "published_at",
            "report_url",
        ]
        read_only_fields = fields


class InvestigationDetailSerializer(InvestigationSerializer):
    """The investigation as its team and the monitors see it, with the report as drafted."""

    team = TeamMemberSerializer(many=True, read_only=True)

    class Meta(InvestigationSerializer.Meta):
        fields = [
            *InvestigationSerializer.Meta.fields,
            "pause_reason",
            "terms_of_reference",
            "team",
            "version",
            *(name for name in REPORT_FIELDS if name != "report_title"),
            "draft_updated_at",
        ]
        read_only_fields = fields


class ReportDraftEditSerializer(serializers.ModelSerializer):
    """An edit of the report's text while it is drafted, fact-checked or signed off. The fields
    sent change, the others stay; any change voids the sign-offs already given."""

    version = serializers.IntegerField(
        min_value=1,
        help_text="Required: the `version` of the report the edit is based on.",
    )

    class Meta:
        model = Investigation
        fields = [*REPORT_FIELDS, "version"]


# --- Recommendations -------------------------------------------------------------------------------
class RecommendationSerializer(serializers.ModelSerializer):
    complaint = ComplaintRefSerializer(source="investigation.complaint", read_only=True)
    recipient_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=RecipientKind.choices), read_only=True
    )
    named_recipients = OrganisationRefSerializer(many=True, read_only=True)
    is_published = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "investigation",
            "complaint",
            "number",
            "text",
            "due_on",
            "recipient_kinds",
            "named_recipients",
            "is_published",
        ]
        read_only_fields = fields

    def get_is_published(self, recommendation: Recommendation) -> bool:
        return recommendation.published_report_id is not None


# --- Responses to recommendations ------------------------------------------------------------------
@extend_schema_field(
    serializers.ChoiceField(
        choices=RecommendationResponse.Outcome.choices, allow_null=True
    )
)
class DraftGuardedOutcomeField(serializers.Field):
    """The outcome once published, or for the recipient drafting it; otherwise null."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, response: RecommendationResponse) -> str | None:
        if not self.parent.may_read_draft(response):
            return None
        return response.outcome or None


class RecommendationResponseSerializer(serializers.ModelSerializer):
    """One recipient's response to one recommendation. `outcome`, `outcome_label` and
    `response_text` are null until the response is published, except for the recipient itself,
    who also gets the `version` to send with an edit of its draft."""

    recommendation = RecommendationRefSerializer(read_only=True)
    investigation = serializers.IntegerField(
        source="recommendation.investigation_id", read_only=True
    )
    complaint = ComplaintRefSerializer(
        source="recommendation.investigation.complaint", read_only=True
    )
    organisation = OrganisationRefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    outcome = DraftGuardedOutcomeField()
    outcome_label = serializers.SerializerMethodField()
    response_text = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()

    class Meta:
        model = RecommendationResponse
        fields = [
            "id",
            "recommendation",
            "investigation",
            "complaint",
            "organisation",
            "state",
            "state_label",
            "issued_at",
            "due_on",
            "original_due_on",
            "extension_pending",
            "is_overdue",
            "joint_with",
            "outcome",
            "outcome_label",
            "response_text",
            "published_at",
            "work_started_at",
            "implementation_summary",
            "implementation_reported_at",
            "verified_at",
            "version",
        ]
        read_only_fields = fields

    def may_read_draft(self, response: RecommendationResponse) -> bool:
        return response.is_public or perms.can_read_draft(
            self.context["request"].user, response
        )

    def get_is_overdue(self, response: RecommendationResponse) -> bool:
        return response.is_overdue(self.context["today"])

    def get_outcome_label(self, response: RecommendationResponse) -> str | None:
        if not self.may_read_draft(response) or not response.outcome:
            return None
        return response.get_outcome_display()

    def get_response_text(self, response: RecommendationResponse) -> str | None:
        if not self.may_read_draft(response):
            return None
        return response.response_text

    def get_version(self, response: RecommendationResponse) -> int | None:
        if not perms.can_respond(self.context["request"].user, response):
            return None
        return response.version


class ResponseDraftEditSerializer(serializers.Serializer):
    """An edit of the recipient's draft response, before it is published. The fields sent change,
    the others stay."""

    outcome = serializers.ChoiceField(
        choices=RecommendationResponse.Outcome.choices,
        allow_blank=True,
        required=False,
    )
    response_text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, required=False
    )
    version = serializers.IntegerField(
        min_value=1,
        help_text="Required: the `version` of the draft the edit is based on.",
    )
