"""What the page layout needs to know about the signed-in user: which links to show in the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import permissions as perms


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    links: list[tuple[str, str]] = []
    if user is not None and perms.is_active_user(user):
        if perms.is_body_member(user):
            links.append((_("Your super-complaints"), reverse("complaints:list")))
        if perms.can_view_intake_queue(user):
            links.append((_("Intake queue"), reverse("complaints:intake")))
        if perms.can_see_submitted_complaints(user):
            links.append((_("All super-complaints"), reverse("complaints:all")))
        if perms.is_authority_staff(user) or perms.is_monitor(user):
            links.append((_("Investigations"), reverse("investigations:dashboard")))
        if perms.is_recipient(user) or perms.can_see_submitted_complaints(user):
            label = _("Your responses") if perms.is_recipient(user) else _("Responses")
            links.append((label, reverse("responses:list")))
        if perms.can_monitor_responses(user):
            links.append((_("Monitoring"), reverse("monitoring:dashboard")))
    links.append((_("Published reports"), reverse("public:list")))
    links.append((_("Recommendation tracker"), reverse("tracker:index")))
    current = request.path if request is not None else ""
    return {
        "nav_links": [(label, url, current.startswith(url)) for label, url in links]
    }
