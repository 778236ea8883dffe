"""Export jobs' work: build the data of an Export's kind and write its file (XLSX or PDF)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reports import forms, metrics, monitoring, pdf, xlsx
from reports.models import Export

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ExportFile:
    name: str
    content: bytes


def _scaled(progress: Progress, share: float) -> Progress:
    """Report the data part's progress as the first ``share`` of the whole job."""
    return lambda percent: progress(int(percent * share))


def write(export: Export, progress: Progress) -> ExportFile:
    """The finished file of an export; ``progress`` hears the percentage done on the way."""
    f = forms.filter_from_params(export.params)
    stem = f"{f.start:%Y%m%d}-{f.end:%Y%m%d}"
    kind = Export.Kind(export.kind)
    if kind in (Export.Kind.REPORT_XLSX, Export.Kind.REPORT_PDF):
        report = metrics.report(f, on_progress=_scaled(progress, 0.8))
        if kind == Export.Kind.REPORT_XLSX:
            return ExportFile(f"laporan-sop-{stem}.xlsx", xlsx.report_xlsx(report))
        return ExportFile(f"laporan-sop-{stem}.pdf", pdf.report_pdf(report))
    form = monitoring.monitoring_form(f)
    progress(60)
    if kind == Export.Kind.MONITORING_XLSX:
        return ExportFile(f"monitoring-sop-{stem}.xlsx", xlsx.monitoring_xlsx(form))
    return ExportFile(f"monitoring-sop-{stem}.pdf", pdf.monitoring_pdf(form))
