"""What a report looks like to its readers: statistics block and PDF bytes."""

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


def report_pdf_bytes(report: AnnualReport) -> bytes:
    """Return the PDF: exactly the archived bytes of an approved report, else a fresh render
    (with the 草稿 watermark unless the report is approved)."""
    from reports.pdf import render_report_pdf

    if report.status == AnnualReport.Status.APPROVED and report.pdf_file:
        with report.pdf_file.open("rb") as archived:
            return archived.read()
    return render_report_pdf(report, statistics_html=report_statistics_html(report))
