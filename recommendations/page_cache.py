"""The derived-content cache of the monitoring dashboard, the public tracker's front page and the
list of responses in the recipients' workspace.

They are worked out from many responses (all 50,000 at `make bench` scale for the first two) and
are the same for everyone who sees the same responses, so their content (the page's `content`
block, never the frame around it, which holds the user's name and CSRF token) is rendered once and
kept in the "derived" cache (config/settings.py) under a key of everything it was made from:

- the data version (`responses_version`, below),
- the language, and today's date in England (overdue, "time since publication"),
- the query string (filters, search, page), in full, since links on the page carry it over,
- and for the dashboard and the list the user's visibility scope (`visibility_scope`).

An entry is never stale: when the data changes, so does the version, and the old entries are
simply never asked for again (they age out of the cache).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts import permissions as perms
from accounts.models import Organisation
from recommendations.models import ProgressUpdate
from workflow import versions
from workflow.versions import cached_content

__all__ = ["cached_content", "responses_version", "visibility_scope", "visible_content"]

# What the pages print or filter by of an organisation: its names, slug and kind.
ORGANISATION_FIELDS = ("name", "short_name", "slug", "kind")


def responses_version(*, with_progress_updates: bool = False) -> str:
    """Changes whenever anything the dashboard, the tracker's front page or the list of
    responses shows could change.

    What they show: responses (state, due date, pending extension, issue, publication and
    verification times, published outcome and text), their recommendations (number, text), reports
    (title, publication date, published summary), complaints (reference, body) and organisations.

    - The head of the transition log (`versions.log_head`) covers every change of a response, since
      each is a transition or rides on one in the same transaction: publishing, starting work,
      reporting, verifying, sending back and reopening (`perform`); asking for an extension
      (`request_extension` logs it and marks the response), granting or refusing one (the due date
      and the mark move with the decision's entry); a joint response (its text and partner are
      written just before each partner's publication). Responses are issued only with a report's
      publication (`publish_report`, `record_historical_report`), itself a transition, which also
      fixes the recommendations, the report's title, date and published summary and the
      complaint's reference: none of them can change afterwards (the report is editable only
      before publication, and the admin is read-only for all of them). A draft response's outcome
      and text change without a log entry, but neither page shows a draft.
    - Organisations are reference data edited in place in the admin, without a log entry or a
      timestamp: a fingerprint of the fields shown (about a hundred rows).
    - Progress updates are posted without a log entry; only the tracker's search reads them, so
      they count only when `with_progress_updates` (append-only: their count and latest id).

    The user's visibility, the language and the date are in the key, not the version.
    """
    parts = [
        versions.log_head(),
        versions.fingerprint(Organisation.objects.all(), ORGANISATION_FIELDS),
    ]
    if with_progress_updates:
        parts.append(versions.appended(ProgressUpdate.objects.all()))
    return versions.combine(*parts)


def visibility_scope(user: Any) -> str:
    """Who sees the same responses as `user`: the branches of `ResponseQuerySet.visible_to`, in
    its order, with what each branch filters on. Users with equal scopes see exactly the same
    responses, so they may share a cached page."""
    if not perms.is_active_user(user):
        return "none"
    if perms.can_see_submitted_complaints(user):
        return "all"
    if perms.is_body_member(user):
        return f"body:{user.organisation_id}"
    if perms.is_recipient(user):
        return f"recipient:{user.organisation_id}"
    return "none"


def visible_content(
    page: str,
    user: Any,
    params: QueryDict,
    *,
    today: date,
    template: str,
    context: Callable[[Any, QueryDict, date], dict[str, Any]],
) -> SafeString:
    """A page's content block for what `user` may see of the responses, filtered by `params`:
    the same for everyone with the user's visibility scope, and kept until the data changes."""
    return cached_content(
        page,
        responses_version(),
        visibility_scope(user),
        params.urlencode(),
        today=today,
        render=lambda: render_to_string(template, context(user, params, today)),
    )
