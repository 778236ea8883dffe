"""The SOP report pages: dashboard, monitoring form and export jobs (all signed-in staff)."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from reports import charts, forms, metrics, monitoring, tables, tasks
from reports.models import Export

CHART_KEYS = ("steps", "shares", "returns", "channels")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "login_required runs first"
    return user


def _person_name(username: str) -> str:
    if not username:
        return ""
    user = User.objects.filter(username=username).first()
    return user.display_name if user else username


def _export_kinds(prefix: str) -> list[tuple[str, str]]:
    return [(kind.value, str(kind.label)) for kind in Export.Kind if kind.value.startswith(prefix)]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The SOP's numbers for a period, region and person: charts with the tables underneath."""
    form = forms.ReportFilterForm(request.GET, default=forms.this_month())
    valid = form.is_valid()
    f = form.report_filter() if valid else forms.this_month()
    report = metrics.report(f)
    chart_data = charts.chart_data(report)
    context = {
        **tables.table_context(report),
        "form": form,
        "chart_data": chart_data,
        # A chart with nothing to draw is left out; its table says so in words.
        "chart_keys": [key for key in CHART_KEYS if chart_data[key]["labels"]],
        "person_name": _person_name(f.username),
        "export_params": f.as_query(),
        "export_kinds": _export_kinds("report_"),
    }
    return render(request, "reports/dashboard.html", context, status=200 if valid else 400)


@login_required
@require_GET
def monitoring_form(request: HttpRequest) -> HttpResponse:
    """The monitoring form prefilled from the data (default: the last six months)."""
    form = forms.ReportFilterForm(request.GET, default=monitoring.default_filter())
    valid = form.is_valid()
    f = form.report_filter() if valid else monitoring.default_filter()
    context = {
        "form": form,
        "monitoring": monitoring.monitoring_form(f),
        "criteria": monitoring.EVALUATION_CRITERIA,
        "letterhead": tables.letterhead(),
        "export_params": f.as_query(),
        "export_kinds": _export_kinds("monitoring_"),
    }
    return render(request, "reports/monitoring.html", context, status=200 if valid else 400)


@login_required
@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    """Queue an export of the chosen report for the chosen filter; show its progress page."""
    form = forms.ReportFilterForm(request.POST, default=forms.this_month())
    kind = request.POST.get("kind", "")
    if kind not in Export.Kind.values or not form.is_valid():
        messages.error(request, _("The export could not be started: check the filter."))
        return redirect("reports:dashboard")
    params = {**form.report_filter().as_query(), "language": get_language()}
    export = Export.objects.create(kind=kind, params=params, requested_by=_user(request))
    transaction.on_commit(lambda: tasks.write_export(export.pk))
    return redirect("reports:export", code=export.code)


def _get_export(request: HttpRequest, code: str) -> Export:
    """The user's own export (another person's is not found)."""
    return get_object_or_404(Export, code=code, requested_by=_user(request))


@login_required
@require_GET
def export_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Progress of an export; htmx polls the status part until the download link appears."""
    export = _get_export(request, code)
    template = "reports/_export_status.html" if request.htmx else "reports/export.html"  # type: ignore[attr-defined]
    return render(request, template, {"export": export})


@login_required
@require_GET
def export_download(request: HttpRequest, code: str) -> FileResponse:
    export = _get_export(request, code)
    if export.state != Export.State.DONE or not export.file:
        raise Http404(_("This export is not ready."))
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=PurePath(export.file.name or "export").name,
    )
