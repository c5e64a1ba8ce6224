from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import permissions as perms


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their work is; explain the service to anyone not signed in."""
    user = request.user
    if perms.is_body_member(user):
        return redirect("complaints:list")
    if perms.can_view_intake_queue(user):
        return redirect("complaints:intake")
    if perms.is_investigator(user):
        return redirect("investigations:dashboard")
    if perms.is_recipient(user) and not perms.can_see_submitted_complaints(user):
        return redirect("responses:list")
    if perms.can_see_submitted_complaints(user):
        return redirect("complaints:all")
    return render(request, "home.html")
