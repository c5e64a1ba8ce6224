"""Filled in by the API work of issue 5."""

urlpatterns: list = []
