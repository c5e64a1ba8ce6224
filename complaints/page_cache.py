"""The record on a complaint's page (its main column: dates, decision, investigation, progress
reports, the complaint itself, the authorities' views and the timeline) is the same for everyone
who may see the complaint, but for two links that depend on who looks. It is rendered once and
kept in the "records" cache (config/settings.py) under `record_version`, a version of everything it
shows, with those two links, the language and today's date (`workflow.versions.cached_content`).

Who may see the complaint is checked on every request before the cache is read; the column beside
the record (what the person can do, with their forms and CSRF token) is never cached.

An entry is never stale: the version changes with any change to what the record shows, whichever
way it is made (a service, the admin, a migration), so old entries are simply never asked for again.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.safestring import SafeString

from accounts.models import Organisation, User
from complaints.models import EligibilityView, Evidence, SuperComplaint
from workflow.models import DueDateChange, ExtraHoliday, TransitionLog
from workflow.versions import cached_content

CACHE_ALIAS = "records"


@functools.cache
def _version_sql() -> str:
    """One query for every part of the version that is not on the complaint's own row or the rows
    read with it. Table and column names come from the models (never from a request); the values
    are parameters. Everything is cast to text so the parts can share one UNION on SQLite and
    PostgreSQL.

    - Rows that are only ever added, and evidence, added and removed only while drafting: their
      count and latest id per table (the count changes with every committed addition or removal,
      the latest id with any addition, so an equal pair means equal rows; ids are never handed out
      twice, on SQLite too, as Django makes its keys AUTOINCREMENT).
    - The transition log: the complaint's latest entry (entries are chained under one lock, so
      they commit in id order).
    - Reference data edited in place, without a timestamp: the rows themselves (the one-off bank
      holidays the deadlines count, the organisations named, the people named in the timeline
      and the views); hashed in Python.
    """
    quote = connection.ops.quote_name
    forces = SuperComplaint._meta.get_field("forces_concerned").remote_field.through
    progress_reports = SuperComplaint._meta.get_field(
        "investigation"
    ).related_model._meta.get_field("progress_reports")
    report = progress_reports.related_model

    def table(model: Any) -> str:
        return quote(model._meta.db_table)

    def column(model: Any, field: str) -> str:
        return quote(model._meta.get_field(field).column)

    def key(model: Any) -> str:
        return quote(model._meta.pk.column)

    def added(model: Any, where: str) -> str:
        return (
            f"SELECT '{model._meta.label}', CAST(COUNT(*) AS TEXT), CAST(MAX({key(model)}) AS TEXT), "
            "'', '' "
            f"FROM {table(model)} WHERE {where}"
        )

    log = table(TransitionLog)
    log_subject = (
        f"{column(TransitionLog, 'content_type')} = %(complaint_type)s "
        f"AND {column(TransitionLog, 'object_id')} = %(complaint)s"
    )
    views_of_complaint = f"{column(EligibilityView, 'complaint')} = %(complaint)s"
    people = (
        f"{key(User)} IN (SELECT {column(TransitionLog, 'by')} FROM {log} WHERE {log_subject}) "
        f"OR {key(User)} IN (SELECT {column(EligibilityView, 'recorded_by')} "
        f"FROM {table(EligibilityView)} WHERE {views_of_complaint})"
    )
    parts = [
        added(Evidence, f"{column(Evidence, 'complaint')} = %(complaint)s"),
        added(
            forces,
            f"{quote(forces._meta.get_field('supercomplaint').column)} = %(complaint)s",
        ),
        added(EligibilityView, views_of_complaint),
        added(report, f"{column(report, 'investigation')} = %(investigation)s"),
        added(
            DueDateChange,
            f"{column(DueDateChange, 'content_type')} = %(complaint_type)s "
            f"AND {column(DueDateChange, 'object_id')} = %(complaint)s",
        ),
        f"SELECT 'log', CAST(MAX({key(TransitionLog)}) AS TEXT), '', '', '' "
        f"FROM {log} WHERE {log_subject}",
        f"SELECT 'holiday', CAST({key(ExtraHoliday)} AS TEXT), CAST({column(ExtraHoliday, 'day')} AS TEXT), "
        f"{column(ExtraHoliday, 'name')}, '' FROM {table(ExtraHoliday)}",
        f"SELECT 'organisation', CAST({key(Organisation)} AS TEXT), {column(Organisation, 'name')}, "
        f"{column(Organisation, 'short_name')}, {column(Organisation, 'kind')} "
        f"FROM {table(Organisation)}",
        f"SELECT 'person', CAST({key(User)} AS TEXT), {column(User, 'first_name')}, "
        f"{column(User, 'last_name')}, {column(User, 'username')} "
        f"FROM {table(User)} WHERE {people}",
    ]
    return " UNION ALL ".join(parts)


def _row(obj: Any) -> tuple[Any, ...]:
    return tuple(field.value_from_object(obj) for field in obj._meta.concrete_fields)


def record_version(complaint: SuperComplaint) -> str:
    """A version of everything the record shows: the rows read with the complaint (its own, its
    body's, its investigation's and the repeated complaint's), then one query for the rest."""
    investigation = getattr(complaint, "investigation", None)
    digest = hashlib.sha256()
    for obj in (complaint, complaint.organisation, investigation, complaint.repeats):
        digest.update(repr(_row(obj) if obj is not None else None).encode())
    with connection.cursor() as cursor:
        cursor.execute(
            _version_sql(),  # nosec B608: names from the models, values as parameters
            {
                "complaint": complaint.pk,
                "complaint_type": ContentType.objects.get_for_model(SuperComplaint).pk,
                "investigation": investigation.pk if investigation else 0,
            },
        )
        rows = cursor.fetchall()
    for row in sorted(rows, key=repr):
        digest.update(repr(row).encode())
    return digest.hexdigest()[:32]


def record(
    complaint: SuperComplaint,
    *,
    today: date,
    can_open_investigation: bool,
    can_edit: bool,
    render: Callable[[], SafeString],
) -> SafeString:
    """The complaint's record, rendered by `render()` once per version, links and day."""
    return cached_content(
        "complaint-record",
        str(complaint.pk),
        record_version(complaint),
        f"investigation-link:{can_open_investigation}",
        f"edit-links:{can_edit}",
        today=today,
        render=render,
        alias=CACHE_ALIAS,
    )
