"""Reading an uploaded workbook (or refusing it, saying why) and writing the template."""

import logging
import re
import zipfile
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

logger = logging.getLogger(__name__)

MAX_ROWS = 5000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """The first worksheet of an uploaded workbook, its headers mapped to fields."""

    dataset: tablib.Dataset
    row_numbers: list[int]
    headers: dict[str, str]  # field name → header as written in the workbook
    ignored: list[str]


def _open_first_sheet(data: bytes):
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ValidationError(
            _(
                "This is an old Excel 97–2003 (.xls) file. Open it in Excel, save it as "
                "“Excel Workbook (*.xlsx)” and upload that file."
            )
        )
    not_xlsx = ValidationError(
        _(
            "The file is not an Excel workbook (.xlsx). Save it in Excel as “Excel Workbook "
            "(*.xlsx)” and upload it again."
        )
    )
    if not zipfile.is_zipfile(BytesIO(data)):
        raise not_xlsx
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    # openpyxl raises many kinds of errors on a damaged or foreign zip; all mean "not .xlsx".
    except Exception as error:  # noqa: BLE001
        logger.info("Rejected an uploaded workbook: %r", error)
        raise not_xlsx from None


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
    """Return the first worksheet as a dataset, or raise ValidationError saying what is wrong."""
    rows = _open_first_sheet(data)
    if not rows or not any(cell_text(value) for value in rows[0]):
        raise ValidationError(_("The workbook is empty: row 1 must hold the column headers."))
    columns, ignored = _map_headers(rows[0], resource)
    dataset = tablib.Dataset(headers=list(columns))
    numbers = []
    for number, row in enumerate(rows[1:], start=2):
        values = [row[index] if index < len(row) else None for index, _h in columns.values()]
        values = [value.strip() if isinstance(value, str) else value for value in values]
        if not any(cell_text(value) for value in values):
            continue  # blank lines between records are common and mean nothing
        if len(numbers) == MAX_ROWS:
            raise ValidationError(
                _("The workbook has more than %(max)d rows; split it into smaller workbooks.")
                % {"max": MAX_ROWS}
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
    sheet.append([column.label for column in columns])
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
