"""Cheap guards on the one path every state change must take."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts",
    "workflow",
    "complaints",
    "investigations",
    "recommendations",
    "config",
]
TRANSITIONS = [
    "submit",
    "acknowledge",
    "start_assessment",
    "decide_eligible",
    "decide_not_eligible",
    "withdraw",
    "start_evidence_gathering",
    "start_analysis",
    "start_drafting",
    "send_for_fact_check",
    "send_for_sign_off",
    "publish",
    "pause",
    "resume",
    "record_historical_report",
    "publish_response",
    "start_work",
    "report_implementation",
    "verify",
    "send_back",
    "reopen",
    "grant",
    "refuse",
]


def source_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_state_is_never_written_by_update():
    pattern = re.compile(r"update\([^)]*\bstate\s*=")
    offenders = [str(p) for p in source_files() if pattern.search(p.read_text())]

    assert offenders == []


def test_transitions_are_called_only_through_perform():
    pattern = re.compile(r"\.(" + "|".join(TRANSITIONS) + r")\(\s*by=")
    offenders = [
        str(p.relative_to(ROOT))
        for p in source_files()
        if p.name not in ("services.py", "transitions.py")
        and pattern.search(p.read_text())
    ]

    assert offenders == []


def test_every_state_transition_is_guarded():
    """A transition added to any model must join TRANSITIONS, so the guard above covers it."""
    from django.apps import apps
    from django_fsm import FSMField

    defined = {
        transition.name
        for model in apps.get_models()
        for field in model._meta.fields
        if isinstance(field, FSMField)
        for transition in field.get_all_transitions(model)
    }

    assert defined == set(TRANSITIONS)
