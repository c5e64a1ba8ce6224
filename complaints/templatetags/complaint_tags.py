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
