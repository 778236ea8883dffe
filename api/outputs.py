"""What the API answers: response schemas for people, the SOP, items and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] | None = None


class TokenOut(Schema):
    token: str


class PersonOut(Schema):
    username: str
    name: str
    role: str


# --- the SOP ---------------------------------------------------------------------------------


class ApproverOut(Schema):
    title: str
    name: str
    rank: str
    nip: str


class IdentityOut(Schema):
    title: str
    unit: str
    government: str
    issuer: str
    address: str
    number: str
    date_made: str
    date_revised: str
    date_effective: str
    approved_by: ApproverOut | None
    legal_basis: list[str]
    qualifications: list[str]
    related_procedures: list[str]
    equipment: list[str]
    warning: str
    recording: list[str]


class RoleOut(Schema):
    key: str
    name: str
    title: str


class OutcomeOut(Schema):
    key: str
    label: str
    goto: int


class TaskOut(Schema):
    action: str
    actor: str
    question: str
    outcomes: list[OutcomeOut]


class StepOut(Schema):
    number: int
    activity: str
    actor: str
    requirements: list[str]
    standard_minutes: int
    output: str
    tasks: list[TaskOut]
    next: int | None
    remarks: str


class SopOut(Schema):
    slug: str
    version: str
    sha256: str
    identity: IdentityOut
    roles: list[RoleOut]
    steps: list[StepOut]
    total_standard_minutes: int
    document_url: str
    document_pdf_url: str


# --- items -----------------------------------------------------------------------------------


class TaskWaitingOut(Schema):
    code: str
    title: str
    step: int
    action: str
    action_label: str
    since: datetime
    elapsed_seconds: int
    standard_seconds: int
    overdue: bool


class ItemSummaryOut(Schema):
    code: str
    title: str
    state: Literal["active", "posted"]
    step: int | None
    action: str | None
    assignee: str | None
    since: datetime | None
    region_code: str
    region_name: str
    channels: list[str]
    deadline: datetime | None
    created_at: datetime


class ItemPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ItemSummaryOut]


class ActivityOut(Schema):
    name: str
    starts_at: datetime
    organizer: str


class LocationOut(Schema):
    name: str
    region_code: str
    region_name: str
    lat: float | None
    lon: float | None


class StepRunOut(Schema):
    step: int
    action: str
    assignee: PersonOut
    actor: PersonOut | None
    on_behalf_of: PersonOut | None
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    note: str
    version: int | None
    duration_seconds: int | None
    business_seconds: int | None
    standard_seconds: int
    within_standard: bool | None
    return_reason: str | None


class VersionOut(Schema):
    number: int
    title: str
    body: str
    captions: dict[str, str]
    sha256: str
    author: PersonOut
    created_at: datetime


class PublicationOut(Schema):
    channel: str
    version: int
    state: str
    attempts: int
    permalink: str
    last_error: str
    posted_at: datetime | None
    online: bool = Field(description="This version is on the platform now")
    superseded_at: datetime | None = Field(
        description="When a newer version took this one's place (updated in place, replaced, "
        "or left to a person to take down)"
    )
    manual_takedown: bool = Field(description="A person must take this post down by hand")
    note: str = Field(description="What else the last act did (e.g. photos deleted with a post)")


class OnlineOut(Schema):
    """A version of the item that is on a channel now."""

    channel: str
    version: int
    permalink: str
    current: bool = Field(description="The newest posted version (else an older one still up)")
    takedown: Literal["", "requested", "manual"] = Field(
        description="Being taken down by Warta, or waiting for a person to take it down"
    )


class SopRefOut(Schema):
    slug: str
    version: str
    sha256: str


class TaxonOut(Schema):
    """A portal category or topic."""

    slug: str
    name: str


class ItemDetailOut(Schema):
    code: str
    title: str
    state: Literal["active", "posted"]
    step: int | None
    action: str | None
    action_label: str | None
    assignee: PersonOut | None
    since: datetime | None
    activity: ActivityOut
    location: LocationOut
    channels: list[str]
    category: TaxonOut | None = None
    tags: list[TaxonOut] = []
    deadline: datetime | None
    direction: str
    assigned_by: PersonOut
    kasi: PersonOut
    operator: PersonOut | None
    sop: SopRefOut
    revision: int
    created_at: datetime
    step_runs: list[StepRunOut]
    versions: list[VersionOut]
    publications: list[PublicationOut]
    online: list[OnlineOut] = Field(description="Per channel, which version is on it now")
    links: list[str]
