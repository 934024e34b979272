"""List exports written from values queries: CSV streamed, .xlsx in openpyxl's write-only mode.

django-tables2's export renders every cell through its column machinery (an inspected
signature and often a template per cell): 3–6× slower than writing the same values (issue 12).
Here each column of the list's table is compiled once into the database paths it needs and a
converter, and the rows come from one `values_list` query streamed in chunks:

- a model field is read as it is; a text is made safe (`safe_cell`) only when it needs it;
- choices, booleans, countries and the labels of an enumeration map through a dict built once
  per column (a value that is not in it is written as it is);
- a foreign key is read through the related model's `label_fields` joined in the same query
  (its `__str__` is made of them: `label_from_values`), else through one query for the labels
  of the records shown;
- an annotation of the list's queryset (`with_state`, `last_interaction_on`) is a path too;
- a table declares what a computed column reads and how it is made, as
  `export_values = {"name": (("path", ...), function_or_choices)}`: the function is called
  once per distinct tuple of values (a dict memo; `InLanguage` makes it once per export in
  the active language), a `models.Choices` class maps its labels;
- a column that needs the record itself (a table's `value_<name>`) is computed from the
  records, fetched in one more query in the same order.

On PostgreSQL a CSV export is written by the database (`foreign_affairs.exports_pg`): the
same cells, made in SQL.

The number of queries is fixed: one for the rows, one per related column without
`label_fields`, one for the records when a column needs them. Every header and cell is what
`safe_cell` would make of it.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext

from foreign_affairs.privacy import mask, personal_fields
from foreign_affairs.spreadsheets import FORMULA_TRIGGERS, PLAIN_VALUES, safe_cell, safe_row
from foreign_affairs.views.generic import with_tie_breaker

CHUNK = 2000
CHUNK_BYTES = 256 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TRIGGERS = frozenset(FORMULA_TRIGGERS)


@dataclass
class ExportColumn:
    """One column of an export: its header, the values paths it reads, how to make the cell.

    `convert` receives the value of a single path, the tuple of values of several, or the
    record when `needs_record`; None writes a single path's value as it is. `text` marks a
    cell that may hold any text (made what `safe_cell` makes of it); `datetime` one whose aware
    datetimes are shown in local time."""

    name: str
    header: str
    paths: tuple[str, ...]
    convert: Callable | None = None
    needs_record: bool = False
    labels: "LabelMap | None" = None
    text: bool = False
    datetime: bool = False
    bulk: Callable | None = None  # queryset -> {pk: cell}, called once (`Bulk`)
    # The cell in SQL, from the F() of `paths`, for PostgreSQL's COPY (`exports_pg`): what
    # `convert` makes of them, where a model gives it (`label_expression`).
    sql: Callable | None = None


@dataclass(frozen=True)
class Bulk:
    """For `export_values`: a column computed for every exported row at once,
    `function(queryset) -> {pk: cell}` in a fixed number of queries (a rule engine's verdict)."""

    function: Callable


@dataclass(frozen=True)
class InLanguage:
    """For `export_values`: `function(language)` returns the function of a row's values in
    that language, made once per export in the active one. `get_language()` takes a few
    microseconds: called for each of a list's thousands of distinct values, it took most of
    their time."""

    function: Callable


class Labels(dict):
    """A dict of labels computed once per column; a value that is not in it stays itself."""

    def __missing__(self, key):
        return "" if key is None else key


class LabelMap:
    """The labels of the related records a foreign-key column shows, read in one query."""

    def __init__(self, related_model, queryset, path):
        self.related_model, self.queryset, self.path = related_model, queryset, path
        self.labels: dict | None = None

    def load(self):
        from foreign_affairs.views.generic import display_name  # people by their full name

        if self.labels is None:
            pks = self.queryset.order_by().values(self.path)
            self.labels = {
                obj.pk: display_name(obj)
                for obj in self.related_model._base_manager.filter(pk__in=pks)
            }
        return self.labels


def _memo(function, arity: int):
    """Call `function(value)` (or `function(*values)` for several paths) once per distinct
    value or tuple of values."""
    seen = {}

    def convert(values):
        try:
            return seen[values]
        except KeyError:
            result = seen[values] = function(*values) if arity > 1 else function(values)
            return result

    return convert


def _mapped(labels: dict):
    """A column's labels; a value that is not among them (a choice removed since, a value
    written past the forms) is written as it is, made safe like any text."""
    return Labels(labels).__getitem__


def _compile_field_path(model, accessor: str):
    """Return (values path, last field) when `accessor` names a concrete field, possibly
    across foreign keys; else None (a property, a method, an annotation)."""
    parts = accessor.replace(".", "__").split("__")
    current = model
    for index, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not getattr(field, "concrete", False) or field.many_to_many:
            return None
        last = index == len(parts) - 1
        if field.is_relation:
            if last:
                return "__".join(parts), field
            current = field.related_model
            continue
        if not last:
            # A field with attributes (django-countries' `country__name`): the code is read,
            # its label computed by the converter.
            if parts[index + 1 :] == ["name"] and hasattr(field, "countries"):
                return "__".join(parts[: index + 1]), field
            return None
        return "__".join(parts), field
    return None


def _declared_column(name, header, paths, how, sql=None) -> ExportColumn:
    paths = tuple(paths)
    if isinstance(how, InLanguage):
        how = how.function(get_language())
    if isinstance(how, Bulk):
        return ExportColumn(name, header, ("pk",), text=True, bulk=how.function)
    if isinstance(how, type) and issubclass(how, models.Choices):
        return ExportColumn(name, header, paths, _mapped(dict(_labels(how.choices))), text=True)
    if isinstance(how, dict):
        labels = {k: str(v) for k, v in how.items()}
        return ExportColumn(name, header, paths, _mapped(labels), text=True)
    return ExportColumn(name, header, paths, _memo(how, len(paths)), text=True, sql=sql)


def from_instance(model, fields: tuple[str, ...], attribute: str) -> Callable:
    """For `export_values`: the `attribute` (a property) of an unsaved `model` made of the
    values of `fields` — the model's own rule, called once per distinct values."""

    def value(*values):
        result = getattr(model(**dict(zip(fields, values, strict=True))), attribute)
        return yes_no(result) if isinstance(result, bool) else result

    return value


def yes_no(value) -> str:
    """是/否 for a boolean cell, "" for None."""
    return _boolean(value)


def _labels(choices):
    return [(key, str(label)) for key, label in choices]


def _field_column(name, header, path, field, queryset) -> ExportColumn:
    if field.is_relation:
        related = field.related_model
        label_fields = getattr(related, "label_fields", None)
        if label_fields:
            paths = tuple(f"{path}__{part}" for part in label_fields)
            if len(paths) == 1:
                return ExportColumn(name, header, paths, text=True)
            return ExportColumn(
                name,
                header,
                paths,
                _memo(related.label_from_values, len(paths)),
                text=True,
                sql=getattr(related, "label_expression", None),
            )
        labels = LabelMap(related, queryset, path)
        return ExportColumn(
            name,
            header,
            (path,),
            lambda v, m=labels: "" if v is None else m.load().get(v, ""),
            labels=labels,
            text=True,
        )
    if hasattr(field, "countries"):
        names = _mapped({k: str(n) for k, n in field.countries})
        return ExportColumn(name, header, (path,), names, text=True)
    if field.choices:
        labels = _mapped(dict(_labels(field.flatchoices)))
        return ExportColumn(name, header, (path,), labels, text=True)
    if isinstance(field, models.BooleanField):
        return ExportColumn(
            name, header, (path,), _mapped({True: gettext("Yes"), False: gettext("No")}), text=True
        )
    if isinstance(field, models.DateTimeField):
        return ExportColumn(name, header, (path,), datetime=True)
    text = isinstance(field, (models.CharField, models.TextField))
    return ExportColumn(name, header, (path,), text=text)


def export_columns(table, queryset, exclude=()) -> list[ExportColumn]:
    """Compile the exported columns of a bound django-tables2 `table` over `queryset`."""
    model = queryset.model
    declared = getattr(type(table), "export_values", {})
    annotations = queryset.query.annotations
    masked = set(personal_fields(model))
    columns = []
    for bound in table.columns:
        column = bound.column
        if column.exclude_from_export or bound.name in exclude:
            continue
        header = str(bound.verbose_name or bound.name)
        name = bound.name
        if name in declared:
            columns.append(_declared_column(name, header, *declared[name]))
            continue
        if hasattr(table, f"value_{name}") or hasattr(table, f"render_{name}"):
            columns.append(_record_column(table, name, header))
            continue
        accessor = str(column.accessor or name)
        if accessor in annotations:
            columns.append(ExportColumn(name, header, (accessor,), text=True))
            continue
        compiled = _compile_field_path(model, accessor)
        if compiled is None:
            columns.append(_record_column(table, name, header))
            continue
        path, field = compiled
        if name in masked or path in masked:
            columns.append(ExportColumn(name, header, (path,), mask, text=True))
        else:
            columns.append(_field_column(name, header, path, field, queryset))
    return columns


def _record_column(table, name, header) -> ExportColumn:
    getter = _record_getter(table, name)
    return ExportColumn(name, header, (), getter, needs_record=True, text=True)


def _record_getter(table, name):
    """A cell computed by django-tables2 from the record (only for columns that need it)."""
    from django_tables2.rows import BoundRow

    default = str(table.default)

    def value(record):
        cell = BoundRow(record, table=table).get_cell_value(name)
        if isinstance(cell, bool) or cell in ("True", "False"):  # a BooleanColumn's str()
            return _boolean(cell in (True, "True"))
        return "" if cell is None or cell == default else cell

    return value


def _boolean(value):
    if value is None:
        return ""
    return gettext("Yes") if value else gettext("No")


def _local_text(value):
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _local_naive(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def export_rows(columns: list[ExportColumn], queryset, datetimes=_local_naive) -> Iterator[list]:
    """Yield each row's cells, made safe, in the queryset's order (a datetime through
    `datetimes`; a date, a number or None as it is)."""
    # Each path is read once, however many columns read it (a trip's destinations name the
    # countries and the annual plan); the key only when a column reads it.
    paths: list[str] = []
    places: list[tuple[int, ...]] = []
    for column in columns:
        for path in column.paths:
            if path not in paths:
                paths.append(path)
        places.append(tuple(paths.index(path) for path in column.paths))
    for index, column in enumerate(columns):
        if column.labels is not None:
            column.labels.load()
        if column.bulk is not None:
            cells = column.bulk(queryset)  # a row it does not hold is written empty
            columns[index] = replace(column, convert=lambda pk, c=cells: c.get(pk, ""), bulk=None)
    make_row = _row_function(columns, places, datetimes)
    needs_records = any(column.needs_record for column in columns)
    # In the list's order, ties broken by the key as on its pages (newest first): one order
    # for the same rows, and the rows and the records (two queries) line up.
    queryset = with_tie_breaker(queryset)
    values = queryset.values_list(*(paths or ["pk"])).iterator(chunk_size=CHUNK)
    if not needs_records:
        for row in values:
            yield make_row(row, None)
        return
    records = queryset.iterator(chunk_size=CHUNK)
    for row in values:
        yield make_row(row, next(records))


def _row_function(columns, places, datetimes) -> Callable:
    """Compile `make_row(row, record) -> cells` for these columns, as `collections.namedtuple`
    compiles its class: one list display with every cell's expression inlined (a cell is
    read, converted where it must be, and a text made safe without a call unless it starts
    with a formula trigger or holds a character that is not printable). 10k rows of 8
    columns: a few ms instead of 80,000 calls."""
    namespace = {
        "S": safe_cell,
        "T": _TRIGGERS,
        "P": frozenset(PLAIN_VALUES) | {type(None)},
        "D": datetimes,
        "str": str,
    }
    cells = []
    for index, (column, place) in enumerate(zip(columns, places, strict=True)):
        if column.needs_record:
            value = "record"
        elif len(place) == 1:
            value = f"row[{place[0]}]"
        else:
            value = "(" + "".join(f"row[{i}], " for i in place) + ")"
        if column.convert is not None:
            namespace[f"c{index}"] = column.convert
            value = f"c{index}({value})"
        if column.text:
            value = (
                f"(v if (v := {value}).__class__ in P or (v.__class__ is str and "
                f"(not v or (v[0] not in T and v.isprintable()))) else S(v))"
            )
        elif column.datetime:
            value = f"D({value})"
        cells.append(value)
    source = "def make_row(row, record):\n    return [" + ", ".join(cells) + "]\n"
    exec(compile(source, "<foreign_affairs.exports row>", "exec"), namespace)  # noqa: S102
    return namespace["make_row"]


def csv_response(columns, queryset, filename: str) -> StreamingHttpResponse:
    """Stream the export as UTF-8 CSV with a BOM (Excel on a Chinese Windows reads GBK
    without one): its rows written by PostgreSQL (`exports_pg`, lines ending in LF) where it
    can, else `CHUNK` rows a piece by Python (CRLF)."""
    from foreign_affairs import exports_pg

    copy = exports_pg.copy_query(columns, with_tie_breaker(queryset))

    def pieces():
        buffer = io.StringIO()
        # The header ends as the rows do: a line feed after PostgreSQL's COPY, else the csv
        # module's CRLF (a line feed alone would leave a field holding a CR unquoted).
        writer = csv.writer(buffer, lineterminator="\n" if copy is not None else "\r\n")
        buffer.write(codecs.BOM_UTF8.decode())
        writer.writerow(safe_row(c.header for c in columns))
        if copy is not None:
            yield buffer.getvalue().encode()
            body = exports_pg.copy_csv(copy, queryset.db)
            for start in range(0, len(body), CHUNK_BYTES):
                yield body[start : start + CHUNK_BYTES]
            return
        batch = []
        for cells in export_rows(columns, queryset, datetimes=_local_text):
            batch.append(cells)
            if len(batch) == CHUNK:
                writer.writerows(batch)
                batch.clear()
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue()

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(columns, queryset, filename: str, title: str = "") -> HttpResponse:
    """Write the export as an .xlsx in openpyxl's write-only mode (rows are not kept)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    header = []
    for text in safe_row(column.header for column in columns):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for cells in export_rows(columns, queryset):
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return (title.strip() or "Sheet")[:31]
