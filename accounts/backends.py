"""How a signed-in person is loaded on each request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Django's ModelBackend, loading the user's organisation and roles in the same query as the
    user: nearly every page reads them (scoping, permissions, navigation), so it saves two
    queries on each request."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        users = model.with_roles(model._default_manager.select_related("organisation"))
        try:
            user = users.get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
