"""What a report looks like to its readers: statistics block and PDF bytes."""

import hashlib

from django.core.cache import cache

from reports.models import AnnualReport


def report_statistics(report: AnnualReport) -> dict:
    """Return the report's statistics: frozen at approval, else computed from live data."""
    from reports.statistics import report_statistics as compute

    if report.status == AnnualReport.Status.APPROVED and report.statistics:
        return report.statistics
    return compute(report.year)


def report_statistics_html(report: AnnualReport) -> str:
    """Return the statistics block (tables and chart) shown on the page and in the PDF."""
    from reports.statistics import statistics_html

    return statistics_html(report_statistics(report))


def statistics_are_empty(stats: dict) -> bool:
    """True when every category of the statistics counts nothing (a year without records)."""

    def totals(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from totals(item)
        elif isinstance(value, list):
            for item in value:
                yield from totals(item)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield value

    return not any(totals(stats.get("categories", {})))


def appendix_html(report: AnnualReport, stats: dict | None = None) -> str:
    """The statistics appendix printed after the text (PDF, preview): empty when the report
    leaves it out (`append_statistics`, off for imported reports) or when it counts nothing."""
    from reports.statistics import statistics_html

    if not report.append_statistics:
        return ""
    stats = report_statistics(report) if stats is None else stats
    return "" if statistics_are_empty(stats) else statistics_html(stats)


def report_pdf_bytes(report: AnnualReport) -> bytes:
    """Return the PDF: exactly the archived bytes of an approved report, else a fresh render
    (with the 草稿 watermark unless the report is approved).

    Raises `foreign_affairs.attachments.MissingFileError` when the approved report's archive
    is missing from the storage: a new render could differ from what leadership approved."""
    from foreign_affairs.attachments import read_stored_file

    if report.status == AnnualReport.Status.APPROVED and report.pdf_file:
        return read_stored_file(report, "pdf_file")
    return draft_pdf_bytes(report)


DRAFT_PDF_SECONDS = 7 * 24 * 3600


def draft_pdf_bytes(report: AnnualReport) -> bytes:
    """Return the report's PDF rendered now, from the cache when nothing it shows changed.

    The cache key is the SHA-256 of the very HTML the PDF is printed from (text, title,
    status, watermark, the statistics appendix of live data) and of the prepared fonts: any
    change to what the PDF shows is a new key, an unchanged draft is served without WeasyPrint.
    Rendering the HTML costs milliseconds, the PDF a quarter of a second and more."""
    from reports.fonts import prepared_faces
    from reports.pdf import pdf_from_html, render_report_html

    draft = report.status != AnnualReport.Status.APPROVED
    statistics = appendix_html(report)
    html = render_report_html(report, draft=draft, statistics_html=statistics)
    fonts = "|".join(f"{face.path}:{face.path.stat().st_mtime_ns}" for face in prepared_faces())
    digest = hashlib.sha256(f"{html}\x00{fonts}".encode()).hexdigest()
    key = f"report-pdf:{report.pk}:{digest}"
    data = cache.get(key)
    if data is None:
        data = pdf_from_html(html)
        cache.set(key, data, DRAFT_PDF_SECONDS)
    return data
