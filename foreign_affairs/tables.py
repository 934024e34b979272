"""Shared table layer: the first column links to the record, and the whole row with it.

Each column has a priority (`ObjectTable.priorities`): 1 is always shown, 2 from a tablet's
width (768 px), 3 from a laptop's (1280 px). A narrower screen hides the columns of lower
priority and shows them in a detail under the row, opened by the row's toggle
(templates/django_tables2/portal.html, static/css/lists.css).
"""

import functools
import types

import django_tables2 as tables
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
from django_tables2 import utils as tables2_utils
from django_tables2.columns.base import LinkTransform, library
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.rows import BoundRow

from foreign_affairs.privacy import mask, personal_fields
from foreign_affairs.roles import DOMAIN_APPS


def may_view(user, model) -> bool:
    """Return whether `user` may see records of `model` (`<app>.view_<model>`).

    Only the domain apps' models are checked: a user account named on a record (who
    proposed it) is shown to whoever sees the record.
    """
    opts = model._meta
    if opts.app_label not in DOMAIN_APPS:
        return True
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


def column_models(table_class, model=None) -> dict[str, list]:
    """Return, per column of `table_class`, the models whose records it shows.

    A column reaching through relations (`project`, `teacher__family_name`) shows the related
    models; a table names what its computed columns count in `column_models`
    (e.g. `{"participant_count": "exchanges.participant"}`).
    """
    model = model or getattr(getattr(table_class, "_meta", None), "model", None)
    columns = getattr(table_class, "base_columns", None)
    if model is None or columns is None:
        return {}
    found = {}
    for name, column in columns.items():
        shown = []
        current = model
        for part in str(column.accessor or name).replace(".", "__").split("__"):
            try:
                field = current._meta.get_field(part)
            except FieldDoesNotExist:
                break
            if not field.is_relation or field.related_model is None:
                break
            current = field.related_model
            shown.append(current)
        declared = getattr(table_class, "column_models", {}).get(name, ())
        shown += [apps.get_model(label) for label in (declared,) if isinstance(label, str)]
        shown += [apps.get_model(label) for label in declared if not isinstance(declared, str)]
        if shown:
            found[name] = shown
    return found


def hidden_columns(table_class, user, model=None) -> tuple[str, ...]:
    """Return the columns `user` may not see: they show records of a model they may not
    view. Lists, tabs and exports leave them out."""
    return tuple(
        name
        for name, models in column_models(table_class, model).items()
        if not all(may_view(user, related) for related in models)
    )


def _record_url(record):
    url = getattr(record, "get_absolute_url", None)
    return url() if url else None


# --- cells, rendered as django-tables2 renders them, with what is the same for every cell
# read once (issue 12: a 25-row page is a few hundred cells) ---------------------------------


@functools.lru_cache(maxsize=1024)
def _parameters(function, bound: bool) -> tuple[tuple[str, ...], str | None]:
    """Return (argument names, name of the `**` catch-all) of `function`, as django-tables2's
    `utils.signature` reads them (`bound`: called as a method, its first argument left out)."""
    names, catch_all = tables2_utils.signature(function)
    return (names[1:] if bound else names), catch_all


def call_with_appropriate(function, kwargs: dict):
    """django-tables2's `utils.call_with_appropriate`: call `function` with the arguments of
    `kwargs` it declares (None, uncalled, if it declares one `kwargs` lacks). A function's
    signature is read once, not once per cell: `inspect.signature` was most of a cell's cost."""
    plain = getattr(function, "__func__", function)
    if not isinstance(plain, types.FunctionType):
        return tables2_utils.call_with_appropriate(function, kwargs)
    names, catch_all = _parameters(plain, plain is not function)
    if not catch_all:
        kwargs = {name: kwargs[name] for name in names if name in kwargs}
        if len(kwargs) < len(names):
            return None
    return function(**kwargs)


def computed_values(attrs: dict, kwargs: dict) -> dict:
    """django-tables2's `utils.computed_values` (callables replaced by what they return, in
    nested dicts too), calling through `call_with_appropriate`."""
    result = {}
    for key, value in attrs.items():
        if callable(value):
            value = call_with_appropriate(value, kwargs)
        if isinstance(value, dict):
            value = computed_values(value, kwargs)
        result[key] = value
    return result


def _is_choice_display(function) -> bool:
    """Return whether `function` is Django's own `get_<field>_display` of a record (not a
    model's method of that name)."""
    return (
        isinstance(function, functools.partial)
        and getattr(function.func, "__func__", None) is models.Model._get_FIELD_display
    )


class PortalRow(BoundRow):
    """A row of an `ObjectTable`: django-tables2's `BoundRow`, its attributes and cells
    computed through `call_with_appropriate`, the label of a choice read once per table
    and value (Django's `get_<field>_display` rebuilds the field's choices, translating
    every label, at each call)."""

    def _get_and_render_with(self, bound_column, render_func, default):
        # django-tables2's BoundRow._get_and_render_with, with `_choice_label`.
        value = None
        accessor = tables.A(bound_column.accessor)
        column = bound_column.column
        penultimate, remainder = accessor.penultimate(self.record)
        if isinstance(penultimate, models.Model):
            try:
                field = accessor.get_field(self.record)
                display = getattr(penultimate, f"get_{remainder}_display", None)
                if getattr(field, "choices", ()) and display:
                    value = self._choice_label(penultimate, field, display)
                    remainder = None
            except FieldDoesNotExist:
                pass
        if remainder:
            try:
                value = accessor.resolve(self.record)
            except Exception:
                if isinstance(column, BaseLinkColumn) and column.text is not None:
                    return render_func(bound_column)
        many = isinstance(column, ManyToManyColumn)
        if value in column.empty_values or (many and not value.exists()):
            return default
        return render_func(bound_column, value)

    def _choice_label(self, record, field, display):
        if not _is_choice_display(display):
            return display()
        value = getattr(record, field.attname)
        if not isinstance(value, str | int | bool | None):
            return display()
        labels = self._table.__dict__.setdefault("_choice_labels", {})
        key = (field, type(value), value)
        if key not in labels:
            labels[key] = display()
        return labels[key]

    @property
    def attrs(self):
        table = self._table
        attrs = computed_values(table.row_attrs, {"table": table, "record": self._record})
        css = self.get_even_odd_css_class()
        attrs["class"] = f"{attrs['class']} {css}" if attrs.get("class") else css
        return tables2_utils.AttributeDict(attrs)

    def _call_render(self, bound_column, value=None):
        kwargs = self._optional_cell_arguments(bound_column, value)
        content = call_with_appropriate(bound_column.render, kwargs)
        link = bound_column.link
        return _linked(self._table, link, content, kwargs) if link else content


def _linked(table, link: LinkTransform, content, kwargs: dict):
    """Return `content` in the `<a>` of `link`, as `link(content, **kwargs)` writes it.

    The link's attributes other than `href`, when none is computed per cell, are written once
    per table (django-tables2 builds and escapes them again for every cell)."""
    static = table.__dict__.setdefault("_link_attrs", {})
    key = id(link)
    if key not in static:
        attrs = link.attrs or {}
        fixed = "href" not in attrs and not any(callable(value) for value in attrs.values())
        static[key] = tables2_utils.AttributeDict(attrs).as_html() if fixed else None
    attrs_html = static[key]
    if attrs_html is None:
        return link(content, **kwargs)
    href = link.compose_url(**kwargs)
    if href is None:
        return content
    space = " " if attrs_html else ""
    return mark_safe(
        f'<a {attrs_html}{space}href="{conditional_escape(href)}">{conditional_escape(content)}</a>'
    )


class RecordLink(LinkTransform):
    """The link of a row's first cell to the record's own page (`get_absolute_url`)."""

    def compose_url(self, **kwargs):
        return _record_url(kwargs["record"])


_VALUE_CONTEXT = Context(autoescape=True)


def _as_html(value) -> str:
    """Return `value` as `{{ value }}` writes it in a template (local time, localized,
    escaped unless safe)."""
    return render_value_in_context(value, _VALUE_CONTEXT)


@library.register
class DateColumn(tables.DateColumn):
    """django-tables2's date column, written without its template.

    The library's column renders `{{ value|date:"SHORT_DATE_FORMAT"|default:default }}`,
    compiling that template for every cell; this one writes the same text. Registered with
    django-tables2's column library, so a table's date fields get it (not its date-and-time
    fields: `DateTimeColumn` stays theirs); a table declaring a date column names it.
    """

    def __init__(self, format=None, short=True, *args, **kwargs):
        super().__init__(format, short, *args, **kwargs)
        self.date_format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value, bound_column):
        return _as_html(
            date_filter(template_localtime(value), self.date_format) or bound_column.default
        )


class MaskedColumn(tables.Column):
    """A personal field in a list or export: always masked (neither is logged per record)."""

    def render(self, value):
        return mask(value) or "—"

    def value(self, value):
        return mask(value)


class ObjectTable(tables.Table):
    """A table of records: Bootstrap 5 look, the row links to the record's page.

    A column of a field the model declares personal (`personal_fields`) is masked on the page
    and in the export, for every user: lists and exports are not logged per record.

    A table names, per column, its priority (1, 2 or 3; default 1 for the first column and 2
    for the others), a short header for a narrow column (the full name is its tooltip and
    the export's header), and the text columns that take the width left over and are cut with
    an ellipsis (default: the first column).
    """

    priorities: dict[str, int] = {}
    short_headers: dict = {}
    text_columns: tuple[str, ...] = ()

    def __init__(self, *args, extra_columns=None, **kwargs):
        model = getattr(self._meta, "model", None)
        masked = [
            (name, MaskedColumn(verbose_name=column.verbose_name, accessor=column.accessor))
            for name, column in type(self).base_columns.items()
            if model is not None and name in personal_fields(model)
        ]
        super().__init__(*args, extra_columns=[*masked, *(extra_columns or [])], **kwargs)
        first = next(iter(self.columns), None)
        self.link_column = first.name if first is not None else None
        if first is not None:
            # The first column links to the record itself, whatever it shows; CSS stretches
            # that link over the row.
            first.link = RecordLink(attrs={"class": "row-link"})

    def priority(self, name: str) -> int:
        """Return the priority of column `name` (1 always shown, 3 shown on wide screens)."""
        if name == self.link_column:
            return 1
        return self.priorities.get(name, 2)

    def get_column_class_names(self, classes_set, bound_column):
        classes = super().get_column_class_names(classes_set, bound_column)
        classes.add(f"prio-{self.priority(bound_column.name)}")
        if bound_column.name == self.link_column:
            classes.add("col-link")
        if bound_column.name in (self.text_columns or (self.link_column,)):
            classes.add("col-text")
        return classes

    @functools.cached_property
    def max_priority(self) -> int:
        """The largest priority number of the columns: up to which width a column is hidden."""
        return max((self.priority(column.name) for column in self.columns), default=1)

    def header_cells(self):
        """Yield (bound column, short header or "") for the header row."""
        for column in self.columns:
            yield column, self.short_headers.get(column.name, "")

    def row_cells(self):
        """Yield (row, detail id, cells, details, colspan) for the page shown: the row's `<td>`
        cells and its detail's `<div>`s (the columns of priority 2 and 3, which a narrow screen
        hides) as HTML, and the detail cell's colspan.

        Each cell is rendered once: the row and its detail share it. The HTML is what the
        template wrote with a loop over the cells (`<td {{ attrs }}>{{ cell }}</td>`, a cell
        converted as a template converts a value), written here: the template's loops over
        a page's few hundred cells cost about as much as rendering the cells (issue 12).
        """
        static_td = {}  # a column's td attributes, unless they depend on the cell
        details_open = {}  # a detail's item up to its value, for the columns it shows
        for column in self.columns:
            attrs = {**self.attrs, **column.column.attrs}
            td = attrs.get("td", attrs.get("cell", {}))
            if not any(callable(value) for value in td.values()):
                static_td[column.name] = column.attrs["td"].as_html()
            priority = self.priority(column.name)
            if priority > 1:
                details_open[column.name] = (
                    f'<div class="detail-{_as_html(priority)}"><dt>{_as_html(column.header)}</dt>'
                )
        for index, record in enumerate(self.paginated_rows.data):
            row = PortalRow(record, table=self)
            cells, details = [], []
            for column, cell in row.items():
                name = column.name
                td = static_td[name] if name in static_td else column.attrs["td"].as_html()
                cell = _as_html(cell)
                cells.append(f"<td {td}>{cell}</td>")
                if name in details_open:
                    details.append(f"{details_open[name]}<dd>{cell}</dd></div>")
            cells_html, details_html = mark_safe("".join(cells)), mark_safe("".join(details))
            yield row, f"row-{id(self):x}-{index}", cells_html, details_html, len(cells) + 1

    def as_values(self, exclude_columns=None):
        # Exports leave an empty cell empty: the "—" placeholder is for people, not Excel.
        for row in super().as_values(exclude_columns):
            yield ["" if cell == self.default else cell for cell in row]

    class Meta:
        template_name = "django_tables2/portal.html"
        attrs = {"class": "table table-hover table-sm align-middle list-table"}
        empty_text = _("No records.")


def findings_badges(findings) -> str:
    """Return an icon per severity with its count, the messages on hover ("" without any)."""
    parts = []
    for severity, css in (("blocking", "danger"), ("warning", "warning")):
        found = [f for f in findings if f.severity == severity]
        if found:
            parts.append(
                format_html(
                    '<span class="badge text-bg-{} me-1" title="{}">⚠ {}</span>',
                    css,
                    "\n".join(f.message for f in found),
                    len(found),
                )
            )
    return format_html_join("", "{}", ((part,) for part in parts))


class FindingsColumn(tables.Column):
    """The rule findings of a row, as icons with counts (left out of exports).

    A table whose rules read more than the row (other records) defines
    `bulk_findings(records) -> {pk: [Finding]}`, called once for the rows shown; otherwise
    each row's findings come from the row alone.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("findings"))
        super().__init__(
            accessor="pk", orderable=False, exclude_from_export=True, empty_values=(), **kwargs
        )

    def render(self, record, table):
        from foreign_affairs.compliance import findings

        if hasattr(table, "bulk_findings"):
            if not hasattr(table, "_findings"):
                rows = table.page.object_list if hasattr(table, "page") else table.rows
                table._findings = table.bulk_findings([row.record for row in rows])
            found = table._findings.get(record.pk, [])
        else:
            found = findings(record)
        return findings_badges(found) or "—"
