from __future__ import annotations

from django.urls import path

from images import views

app_name = "images"
urlpatterns = [path("gambar/<str:name>", views.rendition, name="rendition")]
