from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.urls import path

from accounts import views

urlpatterns = [
    path("masuk/", views.ThrottledLoginView.as_view(), name="login"),
    path("keluar/", LogoutView.as_view(), name="logout"),
]
