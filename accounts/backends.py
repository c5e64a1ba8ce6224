"""How a signed-in person is loaded on each request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Django's ModelBackend, loading the user's organisation in the same query as the user:
    nearly every page reads it (scoping, navigation), so it saves a query on each request."""

    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()._default_manager.select_related("organisation")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
