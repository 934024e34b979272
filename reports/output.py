"""What a report looks like to its readers: statistics block and PDF bytes."""

import functools
import hashlib
from pathlib import Path

from django.core.cache import cache
from django.utils import translation

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

# The records a report's PDF is printed from (its parts and sections; the report's own fields
# are its `version`) and those its statistics count (reports.statistics, live until approval).
# tests/reports/test_draft_pdf_cache.py checks that the statistics read no other table.
REPORT_TEXT_KINDS = ("reports.reportpart", "reports.reportsection")
STATISTICS_KINDS = (
    "exchanges.exchangeproject",
    "exchanges.participant",
    "exchanges.visit",
    "exchanges.visitplanline",
    "faculty.contract",
    "faculty.foreignteacher",
    "faculty.incident",
    "faculty.qualificationcheck",
    "partners.agreement",
    "partners.institution",
    "partners.interaction",
    "reports.submission",
    "reports.training",
)
# What else shapes every PDF, fixed for a process: the code and templates that print it (a
# deploy that changes them is a new key), relative to the project root, and the settings read.
OUTPUT_SOURCES = (
    "reports",
    "foreign_affairs/charts.py",
    "foreign_affairs/numbering.py",
    "foreign_affairs/regions.py",
    "foreign_affairs/data",
    "templates/includes/bar_chart.svg",
)
OUTPUT_SETTINGS = (
    "SCHOOL_NAME",
    "BELT_AND_ROAD_COUNTRIES",
    "GREATER_BAY_AREA_CITIES",
    "HONG_KONG_MACAU_TAIWAN",
)


@functools.cache
def output_stamp() -> str:
    """Return a digest of what prints every report besides its records (`OUTPUT_SOURCES`,
    `OUTPUT_SETTINGS`, WeasyPrint's version): read once per process, 16 hex digits."""
    from importlib.metadata import version

    from django.conf import settings

    digest = hashlib.sha256(version("weasyprint").encode())
    root = Path(settings.BASE_DIR)
    for source in OUTPUT_SOURCES:
        path = root / source
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and "migrations" not in file.parts and file.suffix != ".pyc":
                digest.update(f"{file.relative_to(root)}\x00".encode())
                digest.update(file.read_bytes())
    for name in OUTPUT_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, None)!r}\x00".encode())
    return digest.hexdigest()[:16]


def _modified(path: Path) -> int:
    """Return the file's modification time in nanoseconds (-1 when it is gone)."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def draft_pdf_key(report: AnnualReport) -> str:
    """Return the cache key of the report's PDF as it would be rendered now.

    Built without reading the text or the statistics: the report's own version (every save
    bumps it, workflow steps included), the data generations of its parts and sections and,
    when it appends live statistics, of every kind they count (`foreign_affairs.dashboard`:
    bumped by each save, delete or relink of a record of the kind), the active language
    (the statistics name countries in it), the prepared fonts (path and modification time of
    each) and `output_stamp()`. One round trip to the cache, no query.

    Taken before the statistics are read: a change while the PDF renders bumps a generation,
    so that render is never served for the new data."""
    from foreign_affairs.dashboard import versions
    from reports.fonts import prepared_faces

    kinds = [*REPORT_TEXT_KINDS]
    live = not (report.status == AnnualReport.Status.APPROVED and report.statistics)
    if report.append_statistics and live:
        kinds += STATISTICS_KINDS
    fonts = [(str(face.path), _modified(face.path)) for face in prepared_faces()]
    parts = (
        report.pk,
        report.version,
        report.updated.isoformat() if report.updated else "",
        report.status,
        sorted(versions(kinds).items()),
        translation.get_language(),
        fonts,
        output_stamp(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"report-pdf:{report.pk}:{digest}"


def draft_pdf_bytes(report: AnnualReport) -> bytes:
    """Return the report's PDF rendered now, from the cache when nothing it shows changed.

    A report's PDF is rendered once per version of what it shows (`draft_pdf_key`: the
    report, its text, the records its statistics count, the fonts, the code) and served from
    the cache until one of them changes: an unchanged draft is a cache read, without the
    statistics' queries, the HTML or WeasyPrint (a quarter of a second and more)."""
    from reports.pdf import pdf_from_html, render_report_html

    key = draft_pdf_key(report)
    data = cache.get(key)
    if data is None:
        draft = report.status != AnnualReport.Status.APPROVED
        statistics = appendix_html(report)
        html = render_report_html(report, draft=draft, statistics_html=statistics)
        data = pdf_from_html(html)
        cache.set(key, data, DRAFT_PDF_SECONDS)
    return data
