from django import forms, template

register = template.Library()

TAG_CLASSES = {
    "draft": "govuk-tag--grey",
    "submitted": "govuk-tag--blue",
    "acknowledged": "govuk-tag--light-blue",
    "under_assessment": "govuk-tag--yellow",
    "eligible": "govuk-tag--green",
    "not_eligible": "govuk-tag--red",
    "withdrawn": "govuk-tag--grey",
    # Investigation stages
    "scoping": "govuk-tag--light-blue",
    "evidence_gathering": "govuk-tag--blue",
    "analysis": "govuk-tag--purple",
    "drafting": "govuk-tag--yellow",
    "fact_checking": "govuk-tag--orange",
    "sign_off": "govuk-tag--pink",
    "published": "govuk-tag--green",
    "paused": "govuk-tag--grey",
    # Recommendation responses
    "awaiting_response": "govuk-tag--yellow",
    "response_published": "govuk-tag--blue",
    "in_progress": "govuk-tag--light-blue",
    "implementation_reported": "govuk-tag--purple",
    "verified": "govuk-tag--green",
    # Extension requests
    "pending": "govuk-tag--yellow",
    "granted": "govuk-tag--green",
    "refused": "govuk-tag--red",
}


@register.simple_tag
def state_tag_class(state: str) -> str:
    return TAG_CLASSES.get(state, "")


@register.filter
def error_anchor(field: forms.BoundField) -> str:
    """Where an error summary link should go: the first option of a group, else the input."""
    if isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return f"id_{field.html_name}_1"
    return field.id_for_label or field.auto_id


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key)


@register.filter
def make_list_of(item: object) -> list:
    return [item]


@register.filter
def is_overdue(obj: object, today: object) -> bool:
    """`{% if task|is_overdue:today %}`: whatever has an `is_overdue(today)` method."""
    return bool(obj.is_overdue(today))  # type: ignore[attr-defined]


@register.filter
def days_in_stage(investigation: object, today: object) -> int:
    return investigation.days_in_stage(today)  # type: ignore[attr-defined]


@register.filter
def report_sections(investigation: object) -> list[tuple[str, str]]:
    """The report's text sections as (heading, text), in the report's order."""
    names = ("summary", "steps_taken", "findings", "conclusions", "further_action")
    meta = investigation._meta  # type: ignore[attr-defined]
    return [
        (
            str(meta.get_field(name).verbose_name).capitalize(),
            getattr(investigation, name),
        )
        for name in names
    ]
