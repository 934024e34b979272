from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.importer import ReportImportError, report_import


class Command(BaseCommand):
    help = (
        "Import a yearly report from a .txt (UTF-8, UTF-8 with BOM or GB18030), .docx, or "
        ".doc/.wps/.rtf/.odt file (through LibreOffice): title, preface, parts (第一部分…), "
        "sections (一、…) and their blocks."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .txt, .docx, .doc, .wps, .rtf or .odt file")
        parser.add_argument("--year", type=int, required=True, help="the year the report is for")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the report of that year if there is one (not an approved one)",
        )
        parser.add_argument("--user", help="username recorded as the report's preparer")

    def handle(self, *args, file, year, replace=False, user=None, verbosity=1, **options):
        preparer = self._user(user) if user else None
        try:
            report = report_import(
                file=file, filename=file, year=year, user=preparer, replace=replace
            )
        except ReportImportError as error:
            raise CommandError("；".join(error.messages)) from error
        if str(year) not in report.title:
            self.stderr.write(
                _("Warning: the title does not mention %(year)s; check the year.") % {"year": year}
            )
        for notice in report.import_notices:
            self.stderr.write(notice)
        if verbosity > 0:
            self.stdout.write(self.style.SUCCESS(self._summary(report)))

    def _summary(self, report) -> str:
        parts = list(report.parts.prefetch_related("sections"))
        return _(
            "Imported “%(title)s” as the %(year)s report: %(parts)d parts, %(sections)d sections."
        ) % {
            "title": report.title,
            "year": report.year,
            "parts": len(parts),
            "sections": sum(len(part.sections.all()) for part in parts),
        }

    def _user(self, username: str):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(_("There is no user “%(user)s”.") % {"user": username}) from error
