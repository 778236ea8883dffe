from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom.media import attachment_file

# The admin signs in through /masuk/ like everybody, so its staff meet allauth's second step.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("channels.urls")),
    path("", include("newsroom.urls")),
    path("", include("images.urls")),
    path("", include("portal.urls")),
    path("laporan/", include("reports.urls")),
    path("", include("notify.urls")),
    path("api/v1/", include("api.urls")),
    path("sop/", include("sop.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Uploaded files, checked per request: posted images are public, drafts need a login.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", attachment_file, name="media"),
]

# The 500 page shows the request id (ops/requestid.py) and touches no database.
handler500 = "ops.views.server_error"
