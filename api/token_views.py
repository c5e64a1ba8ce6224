"""The signed-in user's API tokens: create one (its secret shown once), see them, revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from api.models import ApiToken
from investigations.forms import GdsForm


class TokenForm(GdsForm):
    prefix_name = "token"
    name = forms.CharField(
        label=gettext_lazy("What will use this token?"),
        max_length=100,
        help_text=gettext_lazy(
            "For example “Force performance dashboard”. The token acts as you, with your "
            "organisation and roles."
        ),
        error_messages={"required": gettext_lazy("Say what will use this token.")},
    )


def _page(
    request: HttpRequest, form: TokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "secret": secret},
        status=status,
    )
    # The one page that ever shows a token's secret must never be kept by a cache.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TokenForm(request.POST)
        if not form.is_valid():
            return _page(request, form, status=400)
        _token, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
        return _page(request, TokenForm(), secret=secret)
    return _page(request, TokenForm())


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    token.revoke()
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
