"""The staff UI: phone-first pages over the action layer.

Views parse the request and call ``newsroom.actions``; they never change a model themselves.
The action layer's errors become answers a person can act on: NotAllowed → 403 page with its
sentence, Conflict → the item page again with the sentence (409), Invalid → the form again with
the messages at their fields (400). Nothing is written in those cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.delegation import acts_for
from accounts.models import User
from channels import actions as channel_actions
from channels import registry
from channels.models import Publication
from images import renditions, social
from images.renditions import Rendition
from lib import clock
from newsroom import actions, forms
from newsroom.errors import Conflict, Invalid, NotAllowed
from newsroom.models import Attachment, Item, StepRun, Version
from newsroom.queries import waiting_for
from sop.models import SopVersion

ITEMS_PER_PAGE = 20


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "login_required runs first"
    return user


def _get_item(code: str) -> Item:
    return get_object_or_404(
        Item.objects.select_related("assigned_by", "kasi", "operator"), code=code
    )


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "403.html", {"exception": message}, status=403)


# --- my tasks ---------------------------------------------------------------------------------


@login_required
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    """What waits for me: every item whose open step is mine, the longest-waiting first."""
    user = _user(request)
    # An acting official (Plt/Plh) also holds the tasks of the head they stand in for.
    return render(request, "newsroom/tasks.html", {"runs": waiting_for(user)})


# --- the item list ----------------------------------------------------------------------------


def _step_choices() -> list[tuple[str, str]]:
    sop = SopVersion.objects.current().sop
    return [
        (str(step.number), f"{step.number} · {actions.action_label(step.tasks[0].action)}")
        for step in sop.steps
    ]


def _filtered(items: Any, data: dict[str, Any]) -> Any:
    """Apply the list's filters (``items`` is annotated by ``with_current()``; typed Any because
    the type checker does not know the annotations)."""
    if step := data.get("step"):
        items = (
            items.filter(current_step__isnull=True)
            if step == "done"
            else items.filter(current_step=int(step))
        )
    if region := data.get("region"):
        items = items.filter(region_code=region)
    if start := data.get("date_from"):
        items = items.filter(created_at__date__gte=start)
    if end := data.get("date_to"):
        items = items.filter(created_at__date__lte=end)
    if username := data.get("person"):
        items = items.filter(
            Q(assigned_by__username=username)
            | Q(kasi__username=username)
            | Q(operator__username=username)
        )
    return items


@login_required
@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    """All items, filtered by step, region, period and person; 20 to a page."""
    form = forms.ItemFilterForm(request.GET or None, steps=_step_choices())
    items = Item.objects.with_current()
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        items = _filtered(items, form.cleaned_data)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    # current_assignee_id is an annotation of with_current().
    assignee_ids: list[int] = [getattr(item, "current_assignee_id", 0) or 0 for item in page]
    assignees = {u.pk: u for u in User.objects.filter(pk__in=assignee_ids)}
    rows = [(item, assignees.get(pk)) for item, pk in zip(page, assignee_ids, strict=True)]
    return render(
        request,
        "newsroom/item_list.html",
        {"form": form, "page": page, "rows": rows},
        status=status,
    )


# --- step 1: assign ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """The Kabid's assignment form; step 1 is timed from the moment it was opened."""
    user = _user(request)
    if not actions.may_assign(user):
        return forbidden(
            request, _("Only a Kabid PLIP (or their acting official) may assign news items.")
        )
    if request.method == "GET":
        form = forms.AssignForm(
            initial={"opened": forms.opened_stamp(user), "channels": ["website"]}
        )
        return render(request, "newsroom/assign.html", {"form": form})
    form = forms.AssignForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = actions.assign(user, form.assignment(user))
        except NotAllowed as exc:
            return forbidden(request, exc.message)
        except Invalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(
                request,
                _("Assignment sent to %(kasi)s.") % {"kasi": item.kasi.display_name},
            )
            return redirect("item", code=item.code)
    return render(request, "newsroom/assign.html", {"form": form}, status=400)


# --- the item page ----------------------------------------------------------------------------


def available_actions(item: Item, run: StepRun | None, user: User) -> list[str]:
    """The acts this user may do on the item now: the open step's, if it is theirs (or they act
    for its assignee), and a revision by the operator after verification (while the item waits
    for hand-over or posting)."""
    if run is None or (run.action == "post" and run.version_id is not None):
        return []  # finished, or posting under way: only the channels are left to answer
    available = [run.action] if acts_for(user, run.assignee) else []
    if run.action in ("handover", "post") and item.operator and acts_for(user, item.operator):
        available.append("submit")
    return available


def _blank_form(action: str, item: Item, current: Version | None) -> forms.StyledForm:
    initial: dict[str, Any] = {}
    if action == "direct" and item.operator:
        initial = {"operator": item.operator.username}
    elif action == "submit" and current is None:
        initial = {"title": item.title}
    elif action == "submit" and current is not None:
        captions = {f"caption_{kind}": text for kind, text in current.captions.items()}
        initial = {"title": current.title, "body": forms.editable_body(current.body), **captions}
    elif action == "post":
        initial = {"channels": item.channels}
        if item.scheduled_at is not None and item.scheduled_at > clock.now():
            initial["at"] = item.scheduled_at  # chosen at hand-over
    return ACTS[action].form(initial=initial, item=item)


# Which publications the operator may send again, or close with a link posted by hand.
RETRYABLE = {Publication.State.FAILED, Publication.State.RETRY, Publication.State.UNKNOWN}
UNLINKABLE = {Publication.State.POSTED, Publication.State.SENDING, Publication.State.RETRACTED}


@dataclass(frozen=True)
class PublicationRow:
    publication: Publication
    can_retry: bool
    can_link: bool
    link_form: forms.StyledForm


def render_item(
    request: HttpRequest,
    item: Item,
    *,
    bound: dict[str, forms.StyledForm] | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    bound = bound or {}
    runs = list(
        item.step_runs.select_related(
            "assignee", "actor", "on_behalf_of", "version", "return_reason"
        )
    )
    run = next((r for r in runs if r.finished_at is None), None)
    versions = list(
        item.versions.select_related("author").prefetch_related("images").order_by("-number")
    )
    current = versions[0] if versions else None
    available = available_actions(item, run, user)
    action_forms = {a: bound.get(a) or _blank_form(a, item, current) for a in available}
    primary = run.action if run is not None and run.action in available else None
    publications = list(Publication.objects.filter(item=item).select_related("version"))
    website_posted = any(
        p.channel == "website" and p.state == Publication.State.POSTED for p in publications
    )
    people = [p for p in (item.assigned_by, item.kasi, item.operator) if p is not None]
    involved = any(acts_for(user, person) for person in people)
    is_operator = item.operator is not None and acts_for(user, item.operator)
    publication_rows = [
        PublicationRow(
            publication=p,
            can_retry=is_operator and p.state in RETRYABLE,
            can_link=is_operator and p.state not in UNLINKABLE,
            link_form=bound.get(f"link-{p.pk}") or forms.ManualLinkForm(),
        )
        for p in publications
    ]
    previews = _channel_previews(item, current) if current is not None and run is not None else []
    # What the operator must fix, when the draft just came back from correction or verification.
    finished = [r for r in runs if r.finished_at is not None]
    returned = (
        finished[-1] if finished and finished[-1].outcome == StepRun.Outcome.RETURNED else None
    )
    context = {
        "item": item,
        "run": run,
        "runs": runs,
        "current": current,
        "earlier": versions[1:],
        "previews": previews,
        "returned": returned if run is not None and run.action == "submit" else None,
        "available": available,
        "action_forms": action_forms,
        "primary": primary,
        "documents": item.attachments.filter(kind=Attachment.Kind.DOCUMENT),
        "publications": publication_rows,
        "website_posted": website_posted,
        "comments": item.comments.select_related("author"),
        "comment_form": bound.get("comment") or (forms.CommentForm() if involved else None),
        "reopen_form": bound.get("reopen")
        or (
            forms.ReopenForm()
            if run is None and website_posted and actions.may_reopen(user, item)
            else None
        ),
        "reopened_note": run.note if run is not None and run.action == "submit" else "",
        "conflict": conflict,
        # Also shown after a POST to an action URL: switching language returns to the item.
        "language_next": reverse("item", args=[item.code]),
    }
    return render(request, "newsroom/item.html", context, status=status)


@dataclass(frozen=True)
class ChannelPreview:
    label: str
    text: str
    truncated_at: int | None
    problems: list[str]
    images: list[Rendition]
    images_pending: int = 0  # images whose renditions the worker has not made yet

    @property
    def kept(self) -> str:
        """The text as the channel shows it (all of it unless the channel cuts it)."""
        return self.text if self.truncated_at is None else self.text[: self.truncated_at]

    @property
    def cut(self) -> str:
        """What the channel leaves out (shown struck through in the preview)."""
        return "" if self.truncated_at is None else self.text[self.truncated_at :]


def _channel_previews(item: Item, version: Version) -> list[ChannelPreview]:
    """How the version will look on each target channel, and what would stop it posting."""
    previews = []
    all_images = list(version.images.order_by("pk"))
    images = [image for image in all_images if renditions.ready(image)]
    for kind in item.channels:
        if kind not in registry.kinds():
            continue
        channel = registry.connector(kind)
        preview = channel.render(version)
        previews.append(
            ChannelPreview(
                str(channel.label),
                preview.text,
                preview.truncated_at,
                channel.validate(version),
                social.preview_renditions(kind, images),
                len(all_images) - len(images),
            )
        )
    return previews


@login_required
@require_GET
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = _get_item(code)
    if getattr(request, "htmx", False):
        # htmx asks every 30 s for the step's timers only (header and action bar).
        run = item.open_run()
        # The bar (and so its timer) is on the page only for whoever may act now.
        bar = run is not None and run.action in available_actions(item, run, _user(request))
        context = {"item": item, "run": run, "oob": bar}
        response = render(request, "newsroom/_live_timers.html", context)
    else:
        response = render_item(request, item)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- steps 2 to 7 and comments ----------------------------------------------------------------


@dataclass(frozen=True)
class Act:
    """How one SOP act is read from its form and handed to the action layer."""

    form: type[forms.StyledForm]
    perform: Callable[[User, Item, Any], str]  # returns the confirmation shown afterwards


def _direct(user: User, item: Item, form: forms.DirectForm) -> str:
    data = form.cleaned_data
    actions.direct(user, item, operator=data["operator"], direction=data["direction"])
    return _("Direction sent to the operator.")


def _submit(user: User, item: Item, form: forms.SubmitForm) -> str:
    data = form.cleaned_data
    version = actions.submit(
        user,
        item,
        title=data["title"],
        body=data["body"],
        captions=form.captions(),
        images=form.images(),
        kept_settings=form.kept_settings(),
    )
    return _("Version %(number)d sent for correction.") % {"number": version.number}


def _review(user: User, item: Item, form: forms.DecisionForm) -> str:
    choice = form.cleaned_data["decision"]
    forward = choice == "approve_forward"
    decision = "approve" if forward else choice
    data = form.cleaned_data
    actions.review(
        user,
        item,
        decision=decision,
        note=data["note"],
        forward=forward,
        reason=data["reason"],
    )
    if forward:
        return _("Approved and submitted for verification.")
    if decision == "approve":
        return _("Approved. Submit it for verification next.")
    return _("Returned to the operator with your note.")


def _forward(user: User, item: Item, form: forms.NoteForm) -> str:
    actions.forward(user, item, note=form.cleaned_data["note"])
    return _("Submitted for verification.")


def _verify(user: User, item: Item, form: forms.DecisionForm) -> str:
    data = form.cleaned_data
    decision = data["decision"]
    actions.verify(user, item, decision=decision, note=data["note"], reason=data["reason"])
    if decision == "approve":
        return _("Verified. The Kasi hands it over to the operator for posting.")
    return _("Returned to the operator with your note.")


def _local_time(at: datetime) -> str:
    return date_format(timezone.localtime(at), "DATETIME_FORMAT")


def _handover(user: User, item: Item, form: forms.HandoverForm) -> str:
    at = form.cleaned_data.get("at")
    actions.handover(user, item, note=form.cleaned_data["note"], at=at)
    if at is not None:
        return _("Handed over to the operator, to be posted on %(when)s.") % {
            "when": _local_time(at)
        }
    return _("Handed over to the operator.")


def _post(user: User, item: Item, form: forms.PostForm) -> str:
    publications = actions.post(
        user, item, channels=list(form.cleaned_data["channels"]), at=form.cleaned_data.get("at")
    )
    if all(p.state == Publication.State.POSTED for p in publications):
        return _("Posted.")
    scheduled = next((p.scheduled_at for p in publications if p.scheduled_at), None)
    if scheduled is not None:
        return _("Scheduled: every channel posts on %(when)s.") % {"when": _local_time(scheduled)}
    return _("Posting has started; the channels are being updated.")


ACTS: dict[str, Act] = {
    "direct": Act(forms.DirectForm, _direct),
    "submit": Act(forms.SubmitForm, _submit),
    "review": Act(forms.DecisionForm, _review),
    "forward": Act(forms.NoteForm, _forward),
    "verify": Act(forms.DecisionForm, _verify),
    "handover": Act(forms.HandoverForm, _handover),
    "post": Act(forms.PostForm, _post),
}


@login_required
@require_POST
def item_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Do one SOP act on the item through its form, then show the item again."""
    act = ACTS.get(action)
    if act is None:
        raise Http404
    user = _user(request)
    item = _get_item(code)
    form = act.form(request.POST, request.FILES, item=item)
    if form.is_valid():
        try:
            done = act.perform(user, item, form)
        except NotAllowed as exc:
            return forbidden(request, exc.message)
        except Conflict as exc:
            item.refresh_from_db()
            return render_item(request, item, conflict=exc.message, status=409)
        except Invalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, done)
            return redirect("item", code=item.code)
    return render_item(request, item, bound={action: form}, status=400)


@login_required
@require_POST
def item_comment(request: HttpRequest, code: str) -> HttpResponse:
    item = _get_item(code)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            actions.comment(_user(request), item, body=form.cleaned_data["body"])
        except NotAllowed as exc:
            return forbidden(request, exc.message)
        except Invalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Comment added."))
            return redirect(f"{reverse('item', args=[item.code])}#komentar")
    return render_item(request, item, bound={"comment": form}, status=400)


@login_required
@require_POST
def item_reopen(request: HttpRequest, code: str) -> HttpResponse:
    """A posted item goes back to its operator for a correction (steps 3 to 7 again)."""
    item = _get_item(code)
    form = forms.ReopenForm(request.POST)
    if form.is_valid():
        try:
            actions.reopen(_user(request), item, note=form.cleaned_data["note"])
        except NotAllowed as exc:
            return forbidden(request, exc.message)
        except Conflict as exc:
            item.refresh_from_db()
            return render_item(request, item, conflict=exc.message, status=409)
        except Invalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Reopened: the operator corrects the item."))
            return redirect("item", code=item.code)
    return render_item(request, item, bound={"reopen": form}, status=400)


# --- a channel's post: try again, or record a link posted by hand -----------------------------


def _publication(code: str, pk: int) -> Publication:
    return get_object_or_404(
        Publication.objects.select_related("item", "item__operator"), pk=pk, item__code=code
    )


def _channel_name(publication: Publication) -> str:
    kind = publication.channel
    return registry.label(kind) if kind in registry.kinds() else kind


@login_required
@require_POST
def publication_retry(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """ "Coba lagi": the operator sends a failed or waiting post again."""
    publication = _publication(code, pk)
    try:
        channel_actions.retry_publication(_user(request), publication)
    except NotAllowed as exc:
        return forbidden(request, exc.message)
    except Conflict as exc:
        return render_item(request, _get_item(code), conflict=exc.message, status=409)
    messages.success(
        request,
        _("Posting to %(channel)s is being tried again.") % {"channel": _channel_name(publication)},
    )
    return redirect(f"{reverse('item', args=[code])}#kanal")


@login_required
@require_POST
def publication_link(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """ "Catat tautan manual": the post was made by hand; its link closes the channel."""
    publication = _publication(code, pk)
    form = forms.ManualLinkForm(request.POST)
    if form.is_valid():
        try:
            channel_actions.record_manual_link(
                _user(request), publication, form.cleaned_data["url"]
            )
        except NotAllowed as exc:
            return forbidden(request, exc.message)
        except Conflict as exc:
            return render_item(request, _get_item(code), conflict=exc.message, status=409)
        except Invalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(
                request,
                _("The link of the post on %(channel)s was recorded.")
                % {"channel": _channel_name(publication)},
            )
            return redirect(f"{reverse('item', args=[code])}#kanal")
    return render_item(request, _get_item(code), bound={f"link-{pk}": form}, status=400)
