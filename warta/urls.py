from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom.media import attachment_file

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("channels.urls")),
    path("", include("newsroom.urls")),
    path("", include("channels.website.urls")),
    path("laporan/", include("reports.urls")),
    path("", include("notify.urls")),
    path("api/v1/", include("api.urls")),
    path("sop/", include("sop.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Uploaded files, checked per request: posted images are public, drafts need a login.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", attachment_file, name="media"),
]
