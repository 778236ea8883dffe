from __future__ import annotations

from django.urls import path

from newsroom import views

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("berita-kerja/", views.item_list, name="items"),
    path("penugasan/baru/", views.assign, name="assign"),
    path("item/<str:code>/", views.item_detail, name="item"),
    path("item/<str:code>/komentar/", views.item_comment, name="item_comment"),
    path("item/<str:code>/koreksi/", views.item_reopen, name="item_reopen"),
    path(
        "item/<str:code>/kanal/<int:pk>/coba-lagi/",
        views.publication_retry,
        name="publication_retry",
    ),
    path("item/<str:code>/kanal/<int:pk>/tautan/", views.publication_link, name="publication_link"),
    path("item/<str:code>/<slug:action>/", views.item_action, name="item_action"),
]
