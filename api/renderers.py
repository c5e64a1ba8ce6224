"""`text/csv` for the API's lists, as safe to open in a spreadsheet as the tracker's open data:
every cell goes through `recommendations.csv_export.neutralise`, so a cell that starts like a
formula (`=cmd|…`) is shown as text and never runs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from recommendations.csv_export import neutralise


def flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """One level of columns: a nested object's fields become `outer.inner`, a list one cell."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, prefix=f"{name}."))
        elif isinstance(value, list | tuple):
            flat[name] = "; ".join(str(item) for item in value)
        else:
            flat[name] = value
    return flat


def columns_of(serializer: serializers.Serializer, prefix: str = "") -> list[str]:
    """The header an empty list still gets: the serializer's fields, flattened like the rows."""
    names: list[str] = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            names += columns_of(field, prefix=f"{prefix}{name}.")
        else:
            names.append(f"{prefix}{name}")
    return names


class CSVRenderer(BaseRenderer):
    """A list (paginated or not) as one CSV row per item, with a header row; one object as one
    row. UTF-8 with a byte-order mark, as the tracker's CSV, so spreadsheets read Welsh names."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if isinstance(data, Mapping) and isinstance(data.get("results"), list):
            data = data["results"]
        items: Iterable[Mapping[str, Any]] = (
            [data] if isinstance(data, Mapping) else data
        )
        rows = [flatten(item) for item in items]
        header = list(rows[0]) if rows else self._header(renderer_context or {})
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([neutralise(name) for name in header])
        for row in rows:
            writer.writerow([neutralise(row.get(name)) for name in header])
        return ("\ufeff" + out.getvalue()).encode(self.charset)

    def _header(self, renderer_context: Mapping[str, Any]) -> list[str]:
        view = renderer_context.get("view")
        if view is None or not hasattr(view, "get_serializer"):
            return []
        return columns_of(view.get_serializer())
