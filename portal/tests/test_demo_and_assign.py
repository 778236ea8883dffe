"""The demo's posted news, and category/topics given at assignment (form, API, action)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.testing import issue_api_token
from newsroom import actions
from newsroom.actions import Assignment
from newsroom.errors import Invalid
from newsroom.models import Category, Item, Tag
from portal.demo import DEMO_ARTICLES
from portal.models import Article

pytestmark = pytest.mark.django_db

Office = dict[str, User]


def test_the_demo_posts_articles_with_categories_tags_regions_and_images() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert Article.objects.count() == len(DEMO_ARTICLES)
    home = Client().get(reverse("portal:home")).content.decode()
    for demo in DEMO_ARTICLES:
        assert demo.title in home
    assert len({a.item.region_code for a in Article.objects.select_related("item")}) >= 5
    assert Item.objects.filter(category__isnull=False).count() == len(DEMO_ARTICLES)
    assert Tag.objects.filter(slug="penyuluhan").exists()
    first = Article.objects.get(title=DEMO_ARTICLES[0].title)
    page = Client().get(reverse("portal:article", args=[first.slug])).content.decode()
    assert page.count("<picture>") == 2
    assert "posted 6 demo articles" in out.getvalue()


def test_assign_records_the_category_and_creates_new_topics(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    Category.objects.create(name="Ekonomi", slug="ekonomi")
    Tag.objects.create(name="Pertanian", slug="pertanian")

    item = actions.assign(
        office["kabid"],
        Assignment(**assignment_data, category="ekonomi", tags=["pertanian", " Pasar Murah ", ""]),
    )

    assert item.category is not None and item.category.slug == "ekonomi"
    assert sorted(item.tags.values_list("slug", flat=True)) == ["pasar-murah", "pertanian"]
    assert Tag.objects.count() == 2


def test_assign_refuses_an_unknown_category_and_too_many_topics(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    with pytest.raises(Invalid) as refused:
        actions.assign(
            office["kabid"],
            Assignment(**assignment_data, category="tidak-ada", tags=[f"t{n}" for n in range(11)]),
        )

    assert "kategori" in refused.value.errors["category"]
    assert "10 topik" in refused.value.errors["tags"]
    assert not Item.objects.exists() and not Tag.objects.exists()


def test_the_assignment_form_offers_categories_and_takes_topics(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    Category.objects.create(name="Kesehatan", slug="kesehatan")
    client = Client()
    client.force_login(office["kabid"])

    form = client.get(reverse("assign")).content.decode()
    assert 'value="kesehatan"' in form and 'name="tags"' in form

    data = {
        **{k: v for k, v in assignment_data.items() if k != "channels"},
        "activity_starts_at": assignment_data["activity_starts_at"].strftime("%Y-%m-%dT%H:%M"),
        "channels": ["website"],
        "category": "kesehatan",
        "tags": "imunisasi, posyandu",
    }
    response = client.post(reverse("assign"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get()
    assert item.category is not None and item.category.slug == "kesehatan"
    assert sorted(item.tags.values_list("name", flat=True)) == ["imunisasi", "posyandu"]


def test_the_api_takes_and_shows_category_and_topics(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    Category.objects.create(name="Pendidikan", slug="pendidikan")
    client = Client()
    client.force_login(office["kabid"])
    token = actions_token(client, office["kabid"])
    body = {
        "title": "Beasiswa Siswa",
        "kasi": "kasi",
        "activity": {
            "name": "Penyerahan Beasiswa",
            "starts_at": assignment_data["activity_starts_at"].isoformat(),
            "organizer": "Disdikbud",
        },
        "location": {"name": "Balai Keratun", "region_code": "18.71"},
        "category": "pendidikan",
        "tags": ["beasiswa"],
    }

    response = client.post(
        "/api/v1/items", body, content_type="application/json", headers={"authorization": token}
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["category"] == {"slug": "pendidikan", "name": "Pendidikan"}
    assert data["tags"] == [{"slug": "beasiswa", "name": "beasiswa"}]
    bad = client.post(
        "/api/v1/items",
        {**body, "category": "x"},
        content_type="application/json",
        headers={"authorization": token},
    )
    assert bad.status_code == 400 and "category" in bad.json()["errors"]


def actions_token(client: Client, user: User) -> str:
    return f"Bearer {issue_api_token(client, user.username)}"


def test_categories_and_topics_are_managed_in_the_admin() -> None:
    from django.contrib import admin

    assert admin.site.is_registered(Category) and admin.site.is_registered(Tag)
    category_admin = admin.site._registry[Category]
    assert category_admin.prepopulated_fields == {"slug": ("name",)}
