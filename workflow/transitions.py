"""The one path every state change takes: permission check, then in one transaction the transition,
the save and an append-only log row. E-mails are the caller's, queued with `transaction.on_commit`.

django-fsm-2 does not enforce a transition's `permission=` when the method is called, and its
`has_transition_perm` cannot tell "wrong state" from "not allowed"; hence `can_perform` and `perform`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from workflow import clock
from workflow.models import TransitionLog

LOST_RACE_MESSAGE = _(
    "Someone else changed this a moment ago. Nothing was saved: check the page and try again."
)
NOT_NOW_MESSAGE = _(
    "That action is no longer possible: this record has moved on since you opened the page."
)

__all__ = [
    "LOST_RACE_MESSAGE",
    "NOT_NOW_MESSAGE",
    "Action",
    "ConcurrentTransition",
    "TransitionNotAllowed",
    "actions_for",
    "can_perform",
    "condition",
    "perform",
]


def condition(
    why_not: str | Callable[[Any], str],
) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Mark a transition condition with the plain-words reason shown when it is not met."""

    def decorate(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
        check.why_not = why_not  # type: ignore[attr-defined]
        return check

    return decorate


def _meta(transition: Callable[..., Any]) -> Any:
    meta = getattr(transition, "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{transition!r} is not a state transition")
    return meta


def can_perform(transition: Callable[..., Any], user: Any) -> bool:
    """Whether `user` may ever take this action on this object, whatever its state and conditions."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    obj = transition.__self__
    meta = _meta(transition)
    fsm_transition = meta.get_transition(meta.field.get_state(obj))
    if fsm_transition is None:
        # Not available from this state: ask the permission of any of its definitions.
        fsm_transition = next(iter(meta.transitions.values()))
    return fsm_transition.has_perm(obj, user)


def _field_values(obj: models.Model) -> dict[str, Any]:
    return {
        field.name: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if not field.primary_key
    }


def perform(
    transition: Callable[..., Any], *, by: Any, reason: str = "", **kwargs: Any
) -> Any:
    """Take `transition` (a bound transition method) as user `by`.

    Raises PermissionDenied if the user may not; TransitionNotAllowed if the state or a condition
    forbids it now; ConcurrentTransition if someone else changed the object first. In every failure
    nothing is saved and nothing is logged.
    """
    obj = transition.__self__
    if not can_perform(transition, by):
        raise PermissionDenied
    meta = _meta(transition)
    with transaction.atomic():
        source = meta.field.get_state(obj)
        before = _field_values(obj)
        result = transition(by=by, reason=reason, **kwargs)
        # Only what the transition changed is written: a copy read earlier must not overwrite
        # someone else's edit of the other fields (the state itself is guarded by the mixin).
        changed = [
            name for name, value in _field_values(obj).items() if before[name] != value
        ]
        obj.save(update_fields=sorted({meta.field.name, *changed}))
        TransitionLog.record(
            obj,
            transition.__name__,
            source,
            meta.field.get_state(obj),
            by=by,
            reason=reason,
            at=clock.now(),
        )
    return result


@dataclass(frozen=True)
class Action:
    """A transition as a user sees it on a page: enabled, or shown with why it cannot be taken yet."""

    name: str
    label: str
    style: str
    needs_reason: bool
    reason_label: str
    blocked_because: tuple[str, ...] = field(default_factory=tuple)

    @property
    def enabled(self) -> bool:
        return not self.blocked_because


def actions_for(
    obj: models.Model, user: Any, *, state_field: str = "state"
) -> list[Action]:
    """The actions `user` may take on `obj` in its current state, in definition order.

    Actions the user may never take are left out altogether; those held back by a condition carry the
    reasons, in plain words, so the page can say what is still needed."""
    fsm_field = obj._meta.get_field(state_field)
    current = fsm_field.get_state(obj)
    actions: list[Action] = []
    for name, method in fsm_field.transitions[type(obj)].items():
        meta = method._django_fsm
        if not meta.has_transition(current):
            continue
        fsm_transition = meta.get_transition(current)
        if not can_perform(getattr(obj, name), user):
            continue
        blocked = tuple(
            str(check.why_not(obj) if callable(check.why_not) else check.why_not)
            for check in fsm_transition.conditions
            if not check(obj)
        )
        custom = fsm_transition.custom
        actions.append(
            Action(
                name=name,
                label=str(custom.get("label", name)),
                style=custom.get("button", "secondary"),
                needs_reason=bool(custom.get("needs_reason", False)),
                reason_label=str(custom.get("reason_label", _("Reason"))),
                blocked_because=blocked,
            )
        )
    return actions
