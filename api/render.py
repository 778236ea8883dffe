"""Build the API's answers from rows: items (read with their history in a fixed few queries),
step runs with their times against the SOP's standard, and the SOP itself."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from django.db.models import OuterRef, Prefetch, Subquery

from accounts.models import Role, User
from api.outputs import (
    ActivityOut,
    ItemDetailOut,
    ItemSummaryOut,
    LocationOut,
    OnlineOut,
    PersonOut,
    PublicationOut,
    SopOut,
    SopRefOut,
    StepRunOut,
    TaskWaitingOut,
    TaxonOut,
    VersionOut,
)
from channels.models import Publication
from lib import clock
from newsroom.actions import action_label
from newsroom.models import Item, ItemQuerySet, StepRun, Version
from sop.definition import Sop


def visible_items(user: User) -> ItemQuerySet:
    """The items this user may read: everyone on the office's staff reads every item."""
    if user.role not in Role.values:
        return Item.objects.none()
    return Item.objects.all()


def summaries(user: User) -> ItemQuerySet:
    open_run = StepRun.objects.filter(item=OuterRef("pk"), finished_at__isnull=True)
    return (
        visible_items(user)
        .with_current()
        .annotate(current_assignee_username=Subquery(open_run.values("assignee__username")[:1]))
    )


def with_history(items: ItemQuerySet) -> ItemQuerySet:
    """Everything ``item_detail`` reads, fetched up front (no query per row)."""
    return items.select_related(
        "assigned_by", "kasi", "operator", "sop_version", "category"
    ).prefetch_related(
        "tags",
        Prefetch(
            "step_runs",
            queryset=StepRun.objects.select_related(
                "assignee", "actor", "on_behalf_of", "version", "return_reason"
            ),
        ),
        Prefetch("versions", queryset=Version.objects.select_related("author").order_by("number")),
        Prefetch("publications", queryset=Publication.objects.select_related("version")),
    )


def person(user: User) -> PersonOut:
    return PersonOut(username=user.username, name=user.display_name, role=user.role)


def maybe_person(user: User | None) -> PersonOut | None:
    return person(user) if user is not None else None


def step_run(run: StepRun) -> StepRunOut:
    duration = run.duration
    standard = run.standard
    return StepRunOut(
        step=run.step,
        action=run.action,
        assignee=person(run.assignee),
        actor=maybe_person(run.actor),
        on_behalf_of=maybe_person(run.on_behalf_of),
        started_at=run.started_at,
        finished_at=run.finished_at,
        outcome=run.outcome,
        note=run.note,
        version=run.version.number if run.version else None,
        duration_seconds=int(duration.total_seconds()) if duration is not None else None,
        business_seconds=run.business_seconds,
        standard_seconds=int(standard.total_seconds()),
        within_standard=duration <= standard if duration is not None else None,
        return_reason=run.return_reason.code if run.return_reason else None,
    )


def item_summary(item: Item) -> ItemSummaryOut:
    """One row of a listing; ``item`` comes from ``summaries()``."""
    step = getattr(item, "current_step", None)
    return ItemSummaryOut(
        code=item.code,
        title=item.title,
        state="active" if step is not None else "posted",
        step=step,
        action=getattr(item, "current_action", None),
        assignee=getattr(item, "current_assignee_username", None),
        since=getattr(item, "current_since", None),
        region_code=item.region_code,
        region_name=item.region_name,
        channels=list(item.channels),
        deadline=item.deadline,
        created_at=item.created_at,
    )


def item_detail(item: Item) -> ItemDetailOut:
    """The whole item; ``item`` comes from ``with_history()``."""
    runs = list(item.step_runs.all())
    current = next((r for r in runs if r.finished_at is None), None)
    publications = list(item.publications.all())
    return ItemDetailOut(
        code=item.code,
        title=item.title,
        state="active" if current is not None else "posted",
        step=current.step if current else None,
        action=current.action if current else None,
        action_label=action_label(current.action) if current else None,
        assignee=person(current.assignee) if current else None,
        since=current.started_at if current else None,
        activity=ActivityOut(
            name=item.activity_name,
            starts_at=item.activity_starts_at,
            organizer=item.activity_organizer,
        ),
        location=LocationOut(
            name=item.location_name,
            region_code=item.region_code,
            region_name=item.region_name,
            lat=float(item.latitude) if item.latitude is not None else None,
            lon=float(item.longitude) if item.longitude is not None else None,
        ),
        channels=list(item.channels),
        category=TaxonOut(slug=item.category.slug, name=item.category.name)
        if item.category is not None
        else None,
        tags=[TaxonOut(slug=t.slug, name=t.name) for t in item.tags.all()],
        deadline=item.deadline,
        direction=item.direction,
        assigned_by=person(item.assigned_by),
        kasi=person(item.kasi),
        operator=maybe_person(item.operator),
        sop=SopRefOut(
            slug=item.sop_version.slug,
            version=item.sop_version.version,
            sha256=item.sop_version.sha256,
        ),
        revision=item.revision,
        created_at=item.created_at,
        step_runs=[step_run(r) for r in runs],
        versions=[
            VersionOut(
                number=v.number,
                title=v.title,
                body=v.body,
                captions=v.captions,
                sha256=v.sha256,
                author=person(v.author),
                created_at=v.created_at,
            )
            for v in item.versions.all()
        ],
        publications=[
            PublicationOut(
                channel=p.channel,
                version=p.version.number,
                state=p.state,
                attempts=p.attempts,
                permalink=p.permalink,
                last_error=p.last_error,
                posted_at=p.posted_at,
                online=p.online,
                superseded_at=p.superseded_at,
                manual_takedown=p.manual_takedown,
                note=p.note,
            )
            for p in publications
        ],
        online=online(publications),
        # The links of what is posted now (a corrected post updated in place appears once).
        links=list(
            dict.fromkeys(
                p.permalink
                for p in publications
                if p.state == Publication.State.POSTED and p.superseded_at is None
            )
        ),
    )


def online(publications: list[Publication]) -> list[OnlineOut]:
    """Per channel, the versions on it now (an older one waits to be taken down)."""
    up = sorted((p for p in publications if p.online), key=lambda p: (p.channel, p.pk))
    newest = {p.channel: p.pk for p in up}
    return [
        OnlineOut(
            channel=p.channel,
            version=p.version.number,
            permalink=p.permalink,
            current=newest[p.channel] == p.pk,
            takedown=_takedown(p),
        )
        for p in up
    ]


def _takedown(publication: Publication) -> Literal["", "requested", "manual"]:
    if publication.manual_takedown:
        return "manual"
    return "requested" if publication.retract_requested_at else ""


def waiting_task(run: StepRun) -> TaskWaitingOut:
    elapsed = int((clock.now() - run.started_at).total_seconds())
    standard = int(run.standard.total_seconds())
    return TaskWaitingOut(
        code=run.item.code,
        title=run.item.title,
        step=run.step,
        action=run.action,
        action_label=action_label(run.action),
        since=run.started_at,
        elapsed_seconds=elapsed,
        standard_seconds=standard,
        overdue=elapsed > standard,
    )


def sop(definition: Sop, *, document_url: str, document_pdf_url: str) -> SopOut:
    # The definition is frozen dataclasses shaped like the schema; outcomes and tuples convert.
    return SopOut.model_validate(
        {
            **asdict(definition),
            "total_standard_minutes": definition.total_standard_minutes,
            "document_url": document_url,
            "document_pdf_url": document_pdf_url,
        }
    )
