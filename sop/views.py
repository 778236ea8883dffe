"""The official SOP document, public like the office's other published procedures."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from sop import document as sop_document
from sop.models import SopVersion

STYLESHEET = "sop/document.css"


def _version(request: HttpRequest) -> SopVersion:
    """The version asked for by ``?version=<sha256>``, else the one in force."""
    sha256 = request.GET.get("version", "")
    if not sha256:
        return SopVersion.objects.current()
    version = SopVersion.objects.filter(sha256=sha256.lower()).first()
    if version is None:
        raise Http404(gettext("No such version of the SOP."))
    return version


def _context(version: SopVersion, doc: sop_document.Document) -> dict[str, object]:
    return {"version": version, "doc": doc, "sop": doc.sop, "identity": doc.sop.identity}


@require_safe
def document(request: HttpRequest) -> HttpResponse:
    version = _version(request)
    doc = sop_document.build(version.sop)
    return render(request, "sop/document.html", _context(version, doc) | {"pdf": False})


@require_safe
def document_pdf(request: HttpRequest) -> HttpResponse:
    from weasyprint import CSS, HTML  # imported here: loading it costs time every start

    version = _version(request)
    doc = sop_document.build(version.sop, paginate=True)
    html = render_to_string(
        "sop/document.html", _context(version, doc) | {"pdf": True}, request=request
    )
    stylesheet = finders.find(STYLESHEET)
    if not isinstance(stylesheet, str):
        raise ImproperlyConfigured(f"static file {STYLESHEET} not found")
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        stylesheets=[CSS(filename=stylesheet)]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"SOP-{version.slug}-v{version.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
