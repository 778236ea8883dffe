from __future__ import annotations

from django.urls import path

from notify import views
from notify.whatsapp.webhook import whatsapp_webhook

urlpatterns = [
    path("notifikasi/", views.notification_list, name="notifications"),
    path("notifikasi/bell/", views.bell, name="notifications_bell"),
    path("notifikasi/baca/", views.mark_read, name="notifications_read"),
    path("profil/", views.profile, name="profile"),
    path("webhooks/whatsapp", whatsapp_webhook, name="whatsapp_webhook"),
]
