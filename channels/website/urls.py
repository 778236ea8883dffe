from __future__ import annotations

from django.urls import path

from channels.website import views

app_name = "website"
urlpatterns = [path("berita/<slug:slug>/", views.article, name="article")]
