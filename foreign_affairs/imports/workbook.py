"""Reading an uploaded workbook (or refusing it, saying why) and writing the template.

A hostile workbook is small on the wire and huge when read: millions of empty rows compress
to a few kilobytes, a dimension can claim all 16,384 columns, a part can define an entity
bomb. So the zip's directory is checked before anything is decompressed
(`foreign_affairs.safe_files.check_zip`), the first sheet is streamed (openpyxl's read-only
mode) with the row and column caps applied while reading, and every XML part is parsed
without entity expansion (openpyxl uses lxml with `resolve_entities=False` and, through
`defusedxml`, refuses entity declarations in the parts it streams). Every failure of the
parser becomes one clear message.
"""

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

import openpyxl
import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from foreign_affairs.imports.resources import ImportResource
from foreign_affairs.imports.widgets import cell_text, normalise
from foreign_affairs.safe_files import UnsafeArchive, ZipLimits, check_zip
from foreign_affairs.spreadsheets import safe_cell

logger = logging.getLogger(__name__)

MAX_ROWS = 5000  # records (non-blank rows) below the header
MAX_SHEET_ROWS = 10_000  # sheet rows read at most, blank ones included
MAX_COLUMNS = 100  # columns read; a resource has far fewer
# An .xlsx of 5000 rows unpacks to a few MB; its XML compresses 5 to 30 times.
XLSX_LIMITS = ZipLimits(
    max_entries=1000, max_uncompressed=100 * 1024 * 1024, max_ratio=200, ratio_checked_from=1024**2
)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """The first worksheet of an uploaded workbook, its headers mapped to fields."""

    dataset: tablib.Dataset
    row_numbers: list[int]
    headers: dict[str, str]  # field name → header as written in the workbook
    ignored: list[str]


def _not_xlsx() -> ValidationError:
    return ValidationError(
        _(
            "The file is not an Excel workbook (.xlsx). Save it in Excel as “Excel Workbook "
            "(*.xlsx)” and upload it again."
        ),
        code="not_xlsx",
    )


def _open_workbook(data: bytes):
    """Return the read-only workbook of `data`, its zip directory checked first.

    Raises ValidationError: an old .xls, not a zip or not a workbook ("not_xlsx"), or a zip
    declaring more than `XLSX_LIMITS` allow ("too_large").
    """
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ValidationError(
            _(
                "This is an old Excel 97–2003 (.xls) file. Open it in Excel, save it as "
                "“Excel Workbook (*.xlsx)” and upload that file."
            ),
            code="xls",
        )
    try:
        check_zip(data, XLSX_LIMITS)
    except UnsafeArchive as error:
        logger.info("Rejected an uploaded workbook: %s", error)
        if error.code != "too_large":
            raise _not_xlsx() from None
        raise ValidationError(
            _(
                "The workbook unpacks to far more data than an import holds (it may be damaged "
                "or hostile). Save it again in Excel as “Excel Workbook (*.xlsx)” and upload "
                "that file."
            ),
            code="too_large",
        ) from None
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
        workbook.worksheets[0]  # noqa: B018  (a workbook without sheets is not one)
    # openpyxl raises many kinds of errors on a damaged or foreign zip; all mean "not .xlsx".
    except Exception as error:  # noqa: BLE001
        logger.info("Rejected an uploaded workbook: %r", error)
        raise _not_xlsx() from None
    return workbook


def _sheet_rows(workbook) -> Iterator[tuple]:
    """Yield the first sheet's rows as value tuples, streamed, at most `MAX_SHEET_ROWS` + 1.

    Rows missing between two rows of the file come as blank rows (openpyxl fills them in);
    each row holds `MAX_COLUMNS` values, whatever the sheet's dimension claims. A parser error
    met while streaming (malformed XML, an entity declaration) raises ValidationError
    "not_xlsx".
    """
    rows = workbook.worksheets[0].iter_rows(
        min_row=1, max_row=MAX_SHEET_ROWS + 1, max_col=MAX_COLUMNS, values_only=True
    )
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # noqa: BLE001
            logger.info("Rejected an uploaded workbook: %r", error)
            raise _not_xlsx() from None
        yield row


def _map_headers(header_row, resource: ImportResource):
    names = resource.header_names()
    columns, ignored = {}, []
    for index, value in enumerate(header_row):
        header = cell_text(value)
        name = names.get(normalise(header).rstrip("*"))
        if not header:
            continue
        if name is None:
            ignored.append(header)
        elif name in columns:
            raise ValidationError(
                _("The columns “%(first)s” and “%(second)s” are the same field; keep one.")
                % {"first": columns[name][1], "second": header}
            )
        else:
            columns[name] = (index, header)
    missing = [c.label for c in resource.columns() if c.required and c.name not in columns]
    if missing:
        raise ValidationError(
            _(
                "Required columns are missing: %(columns)s. Row 1 must hold the column headers; "
                "download the template to see them."
            )
            % {"columns": "、".join(f"“{label}”" for label in missing)}
        )
    return columns, ignored


def read_workbook(data: bytes, resource: ImportResource) -> Sheet:
    """Return the first worksheet as a dataset, or raise ValidationError saying what is wrong.

    Reading stops as soon as a limit is passed: more than `MAX_ROWS` records ("too_many_rows")
    or any row below row `MAX_SHEET_ROWS`, blank or not ("too_many_sheet_rows"); so a
    workbook of millions of rows costs what its first 10,000 rows cost.
    """
    workbook = _open_workbook(data)
    try:
        return _read_rows(_sheet_rows(workbook), resource)
    finally:
        workbook.close()


def _read_rows(rows: Iterator[tuple], resource: ImportResource) -> Sheet:
    header = next(rows, None)
    if not header or not any(cell_text(value) for value in header):
        raise ValidationError(_("The workbook is empty: row 1 must hold the column headers."))
    columns, ignored = _map_headers(header, resource)
    dataset = tablib.Dataset(headers=list(columns))
    numbers = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS:
            raise ValidationError(
                _(
                    "The workbook has rows below row %(max)d (blank rows with formatting count "
                    "too); delete the rows below your data or split it into smaller workbooks."
                )
                % {"max": MAX_SHEET_ROWS},
                code="too_many_sheet_rows",
            )
        values = [row[index] if index < len(row) else None for index, _h in columns.values()]
        values = [value.strip() if isinstance(value, str) else value for value in values]
        if not any(cell_text(value) for value in values):
            continue  # blank lines between records are common and mean nothing
        if len(numbers) == MAX_ROWS:
            raise ValidationError(
                _("The workbook has more than %(max)d rows; split it into smaller workbooks.")
                % {"max": MAX_ROWS},
                code="too_many_rows",
            )
        dataset.append(values)
        numbers.append(number)
    if not numbers:
        raise ValidationError(_("The workbook has no data rows below the header row."))
    headers = {name: header for name, (_index, header) in columns.items()}
    return Sheet(dataset, numbers, headers, ignored)


def template_workbook(resource: ImportResource) -> bytes:
    """Return an .xlsx with just the header row (and a drop-down list on choice columns)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\\/?*\[\]:]", " ", str(resource._meta.model._meta.verbose_name_plural))
    columns = resource.columns()
    sheet.append([safe_cell(column.label) for column in columns])
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, len(column.label) * 2 + 4)
        choices = getattr(resource.fields[column.name].widget, "choices", None)
        formula = '"' + ",".join(str(label) for _code, label in choices or ()) + '"'
        if choices and len(formula) < 250:
            validation = DataValidation(type="list", formula1=formula, allow_blank=True)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
