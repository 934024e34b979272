"""Running an import in one transaction and reporting every row: status, values, errors."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django_countries.fields import CountryField
from import_export.results import RowResult

from foreign_affairs.imports.resources import ImportResource
from foreign_affairs.imports.widgets import cell_text
from foreign_affairs.imports.workbook import Sheet

logger = logging.getLogger(__name__)


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Row %(row)d, column “%(column)s”: %(message)s") % vars(self)
        return _("Row %(row)d: %(message)s") % vars(self)


@dataclass
class RowReport:
    number: int
    status: str  # "new", "update" or "error"
    cells: list[tuple[str, bool]]  # (text, has an error)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Preview:
    headers: list[str]
    rows: list[RowReport]
    general_errors: list[str]
    ignored: list[str]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def ok(self) -> bool:
        return not self.general_errors and not self.errors

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in ("new", "update", "error")}


def _q_fields(condition) -> list[str]:
    """Return the fields a constraint's Q condition mentions, in order."""
    names = []
    for child in condition.children:
        if isinstance(child, Q):
            names += _q_fields(child)
            continue
        lookup, value = child
        names.append(lookup.split("__")[0])
        if isinstance(value, F):
            names.append(value.name.split("__")[0])
    return names


def constraint_fields(model) -> dict[str, list[str]]:
    """Return {violation message: fields} of the model's constraints, to place their errors."""
    found = {}
    for constraint in model._meta.constraints:
        names = list(getattr(constraint, "fields", ()) or ())
        if isinstance(constraint, models.CheckConstraint):
            names += _q_fields(constraint.condition)
        found[str(constraint.violation_error_message)] = list(dict.fromkeys(names))
    return found


def _row_errors(number: int, row_result, sheet: Sheet, resource) -> list[RowError]:
    if row_result.validation_error is None:
        for error in row_result.errors:
            logger.warning("Import of row %d failed: %r", number, error.error)
        return [
            RowError(number, "", _("The row could not be saved: %(error)s") % {"error": e.error})
            for e in row_result.errors
        ]
    error = row_result.validation_error
    by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    placed = constraint_fields(resource._meta.model)
    found = []
    for name, messages_ in by_field.items():
        for message in messages_:
            if name in ("", NON_FIELD_ERRORS):
                # A rule over several fields: name the last of them the workbook has.
                candidates = [n for n in placed.get(message, []) if n in sheet.headers]
                name = candidates[-1] if candidates else ""
            column = sheet.headers.get(name) or (
                str(resource.model_field(name).verbose_name) if name else ""
            )
            found.append(RowError(number, column, message))
    return found


def display_value(instance, name: str) -> str:
    """Return a stored value as the portal shows it (学院 for "college", 中国澳门 for "MO")."""
    model_field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if model_field.choices and not isinstance(model_field, CountryField):
        return str(instance._get_FIELD_display(model_field))
    if isinstance(model_field, CountryField):
        return str(value.name) if value else ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return cell_text(value)


def build_preview(result, sheet: Sheet, resource: ImportResource) -> Preview:
    """Return every row of the workbook with its status and its errors, as the user sees them."""
    statuses = {RowResult.IMPORT_TYPE_NEW: "new", RowResult.IMPORT_TYPE_UPDATE: "update"}
    rows = []
    for number, values, row_result in zip(
        sheet.row_numbers, sheet.dataset, result.rows, strict=False
    ):
        errors = _row_errors(number, row_result, sheet, resource)
        bad = {error.column for error in errors}
        instance = None if errors else row_result.instance
        cells = [
            (
                display_value(instance, name) if instance else cell_text(value),
                sheet.headers[name] in bad,
            )
            for name, value in zip(sheet.dataset.headers, values, strict=True)
        ]
        status = "error" if errors else statuses.get(row_result.import_type, "error")
        rows.append(RowReport(number, status, cells, errors))
    general = [str(error.error) for error in result.base_errors]
    return Preview(list(sheet.headers.values()), rows, general, sheet.ignored)


def run_import(sheet: Sheet, resource_class, *, dry_run: bool) -> Preview:
    """Import the sheet in one transaction; roll all of it back on a dry run or any error."""
    resource = resource_class(row_numbers=sheet.row_numbers)
    with transaction.atomic():
        result = resource.import_data(
            sheet.dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        preview = build_preview(result, sheet, resource)
        if not preview.ok:
            transaction.set_rollback(True)
    return preview
