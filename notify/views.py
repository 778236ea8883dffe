"""The bell (unread count, polled by htmx), the notification list, and the profile page."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from notify import actions, registry
from notify.forms import ProfileForm
from notify.models import Notification, profile_of

PER_PAGE = 30
# A row id as a form sends it: ASCII digits that fit 64 bits ("²".isdigit() is true, and an
# id beyond 64 bits overflows the query).
ROW_ID = re.compile(r"[0-9]{1,18}")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "login_required runs first"
    return user


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The unread count, as a small fragment the header polls."""
    unread = Notification.objects.filter(user=_user(request), read_at__isnull=True).count()
    response = render(request, "notify/_bell.html", {"unread": unread})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=_user(request))
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notify/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of them as read; then follow ``next`` if given."""
    chosen = request.POST.get("id", "")
    if not chosen:
        actions.mark_read(_user(request))
    elif ROW_ID.fullmatch(chosen):
        actions.mark_read(_user(request), int(chosen))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The person's WhatsApp number and which notifiers they want."""
    user = _user(request)
    stored = profile_of(user)
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            actions.update_profile(
                user, whatsapp=form.cleaned_data["whatsapp"], preferences=form.preferences()
            )
            messages.success(request, _("Your notification settings were saved."))
            return redirect("profile")
        status = 400
    else:
        initial: dict[str, object] = {"whatsapp": stored.whatsapp}
        initial.update({f"prefer_{k}": stored.wants(k) for k in registry.optional_kinds()})
        form = ProfileForm(initial=initial, user=user)
        status = 200
    return render(request, "notify/profile.html", {"form": form}, status=status)
