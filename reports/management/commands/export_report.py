from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from foreign_affairs.attachments import MissingFileError, read_stored_file
from reports.models import AnnualReport
from reports.pdf import render_report_pdf, report_filename

SUFFIXES = (".pdf", ".docx")


class Command(BaseCommand):
    help = (
        "Write the PDF of a yearly report: an approved report's archived file, "
        "otherwise rendered now (a draft carries the 草稿 watermark); with -o FILE.docx, "
        "the report as a Word document to edit (text only, no statistics)."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "-o",
            "--output",
            help=(
                "the file to write, .pdf or .docx by its suffix "
                "(default: the report's title .pdf in this folder)"
            ),
        )
        parser.add_argument(
            "--no-statistics",
            action="store_true",
            help="leave out the statistics tables (only when rendering)",
        )

    def handle(self, *args, year, output=None, no_statistics=False, verbosity=1, **options):
        suffix = Path(output).suffix.lower() if output else ".pdf"
        if suffix not in SUFFIXES:
            raise CommandError(
                _("Cannot write %(path)s: the file name must end in .pdf or .docx.")
                % {"path": output}
            )
        report = AnnualReport.objects.filter(year=year).first()
        if report is None:
            raise CommandError(_("There is no report for %(year)s.") % {"year": year})
        if suffix == ".docx":
            from reports.docx_export import render_report_docx

            data = render_report_docx(report)
        else:
            data = _archived(report)
            if data is None:
                statistics = "" if no_statistics else _statistics_html(report)
                data = render_report_pdf(report, statistics_html=statistics)
        path = Path(output or report_filename(report))
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from error
        if verbosity > 0:
            message = _("Wrote %(path)s (%(size)d KB).") % {"path": path, "size": len(data) // 1024}
            self.stdout.write(self.style.SUCCESS(message))


def _archived(report: AnnualReport) -> bytes | None:
    """The approved report's archived PDF: what leadership approved, byte for byte."""
    if report.status != AnnualReport.Status.APPROVED or not report.pdf_file:
        return None
    try:
        return read_stored_file(report, "pdf_file")
    except MissingFileError as error:
        raise CommandError(
            _(
                "The archived PDF of the approved report (%(path)s) is missing from the file "
                "storage; restore the media folder from the backup (manage.py check_files lists "
                "every missing file)."
            )
            % {"path": error.name}
        ) from error


def _statistics_html(report: AnnualReport) -> str:
    from reports.output import appendix_html

    return appendix_html(report)
