import json
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from foreign_affairs.compliance import all_findings

COLUMNS = ("model", "pk", "code", "severity", "message", "source")


def display_width(text: str) -> int:
    """Return how many terminal columns `text` takes (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def aligned(rows: list[dict]) -> list[str]:
    """Return the rows as lines of a table whose columns line up, a header line first."""
    table = [dict(zip(COLUMNS, COLUMNS, strict=True)), *rows]
    widths = {column: max(display_width(row[column]) for row in table) for column in COLUMNS}
    return [
        "  ".join(
            row[column] + " " * (widths[column] - display_width(row[column])) for column in COLUMNS
        ).rstrip()
        for row in table
    ]


def finding_rows() -> list[dict]:
    """Return one dict per finding of every record: what the table and the JSON show."""
    return [
        {
            "model": obj._meta.label,
            "pk": obj.pk,
            "record": str(obj),
            "code": finding.code,
            "severity": finding.severity,
            "message": finding.message,
            "source": str(finding.source),
        }
        for obj, finding in all_findings()
    ]


class Command(BaseCommand):
    help = "Print every current rule finding of every record, as a table or as JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print a JSON list of objects"
        )

    def handle(self, *args, as_json=False, **options):
        with translation.override(settings.LANGUAGE_CODE):  # the messages are in Chinese
            rows = finding_rows()
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        elif rows:
            self.stdout.write("\n".join(aligned([{**row, "pk": str(row["pk"])} for row in rows])))
        else:
            self.stdout.write("No findings.")
