from __future__ import annotations

from django.urls import path

from sop import views

app_name = "sop"
urlpatterns = [
    path("", views.document, name="document"),
    path("dokumen.pdf", views.document_pdf, name="document_pdf"),
]
