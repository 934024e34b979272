"""Every cell the portal writes to a spreadsheet or a CSV file goes through `safe_cell`.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` as a formula, also when
it comes from a CSV file: a project named `=HYPERLINK("http://x","点此")` proposed by anyone
would become a live link in the office's export ("CSV injection", "formula injection").
Following the OWASP advice (https://owasp.org/www-community/attacks/CSV_Injection), a text
starting with one of those characters, a tab (0x09) or a carriage return (0x0D) — here also a
line feed and the full-width forms ＝＋－＠ that some spreadsheet programs accept — is written
with a leading single quote, so it shows as the text it is. Numbers, dates and booleans stay
what they are: a negative amount is still a number in the cell.

The writers: the list exports `?export=xlsx|csv` (`foreign_affairs.exports`, from
`foreign_affairs.views.generic.ObjectListView`), `SafeTableExport` for any django-tables2
export, the 统计报表 (`reports.xlsx`) and the import template (`foreign_affairs.imports.workbook`).
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django_tables2.export import TableExport
from tablib import Dataset

# Leading characters that make a spreadsheet program read a cell as a formula (OWASP), plus
# the line feed and the full-width forms.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# The C0 controls an .xlsx (XML 1.0) cannot hold; openpyxl refuses a string with any of them.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PLAIN_VALUES = (bool, int, float, Decimal, date, datetime, time, timedelta)


def safe_cell(value):
    """Return `value` as it may be written to a cell of an .xlsx or a CSV file.

    None, numbers, dates, times and booleans are returned unchanged; anything else becomes a
    string without the control characters XML forbids, with a `'` in front when it starts
    with one of `FORMULA_TRIGGERS`.
    """
    if value is None or isinstance(value, PLAIN_VALUES):
        return value
    text = ILLEGAL_CHARACTERS.sub("", str(value))  # lazy translations and objects too
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_row(values: Iterable) -> list:
    """Return the values of one row, each through `safe_cell`."""
    return [safe_cell(value) for value in values]


class SafeTableExport(TableExport):
    """django-tables2's export (xlsx, csv) with every header and cell through `safe_cell`."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        raw = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        dataset = Dataset(title=raw.title)
        dataset.headers = safe_row(raw.headers or [])
        for row in raw:
            dataset.append(safe_row(row))
        return dataset
