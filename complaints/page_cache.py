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

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.safestring import SafeString

from complaints.models import SuperComplaint
from workflow.versions import cached_content

CACHE_ALIAS = "records"


# One query for every part of the version that is not on the complaint's own row or the rows read
# with it. Plain SQL, the same on SQLite and PostgreSQL: everything is cast to text so the parts
# can share one UNION, and the values are parameters.
#
# - Rows that are only ever added, and evidence, added and removed only while drafting: their count
#   and latest id per table (the count changes with every committed addition or removal, the
#   latest id with any addition, so an equal pair means equal rows; ids are never handed out
#   twice, on SQLite too, as Django makes its keys AUTOINCREMENT).
# - The transition log: the complaint's latest entry (entries are chained under one lock, so they
#   commit in id order).
# - Reference data edited in place, without a timestamp: the rows themselves (the one-off bank
#   holidays the deadlines count, the organisations named, the people named in the timeline and
#   the views); hashed in Python.
# test_complaint_record_cache runs it on both databases, and fails if a change it must see is
# missed.
VERSION_SQL = """
SELECT 'evidence', CAST(COUNT(*) AS TEXT), CAST(MAX(id) AS TEXT), '', ''
  FROM complaints_evidence WHERE complaint_id = %(complaint)s
UNION ALL
SELECT 'forces', CAST(COUNT(*) AS TEXT), CAST(MAX(id) AS TEXT), '', ''
  FROM complaints_supercomplaint_forces_concerned WHERE supercomplaint_id = %(complaint)s
UNION ALL
SELECT 'views', CAST(COUNT(*) AS TEXT), CAST(MAX(id) AS TEXT), '', ''
  FROM complaints_eligibilityview WHERE complaint_id = %(complaint)s
UNION ALL
SELECT 'progress reports', CAST(COUNT(*) AS TEXT), CAST(MAX(id) AS TEXT), '', ''
  FROM investigations_progressreport WHERE investigation_id = %(investigation)s
UNION ALL
SELECT 'moved dates', CAST(COUNT(*) AS TEXT), CAST(MAX(id) AS TEXT), '', ''
  FROM workflow_duedatechange
  WHERE content_type_id = %(complaint_type)s AND object_id = %(complaint)s
UNION ALL
SELECT 'log', CAST(MAX(id) AS TEXT), '', '', ''
  FROM workflow_transitionlog
  WHERE content_type_id = %(complaint_type)s AND object_id = %(complaint)s
UNION ALL
SELECT 'holiday', CAST(id AS TEXT), CAST(day AS TEXT), name, ''
  FROM workflow_extraholiday
UNION ALL
SELECT 'organisation', CAST(id AS TEXT), name, short_name, kind
  FROM accounts_organisation
UNION ALL
SELECT 'person', CAST(id AS TEXT), first_name, last_name, username
  FROM accounts_user
  WHERE id IN (
      SELECT by_id FROM workflow_transitionlog
      WHERE content_type_id = %(complaint_type)s AND object_id = %(complaint)s
  ) OR id IN (
      SELECT recorded_by_id FROM complaints_eligibilityview WHERE complaint_id = %(complaint)s
  )
"""


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
            VERSION_SQL,
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
