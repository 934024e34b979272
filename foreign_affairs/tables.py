"""Shared table layer: the first column links to the record, and the whole row with it.

Each column has a priority (`ObjectTable.priorities`): 1 is always shown, 2 from a tablet's
width (768 px), 3 from a laptop's (1280 px). A narrower screen hides the columns of lower
priority and shows them in a detail under the row, opened by the row's toggle
(templates/django_tables2/portal.html, static/css/lists.css).
"""

import django_tables2 as tables
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_tables2.columns.base import LinkTransform

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
            first.link = LinkTransform(url=_record_url, attrs={"class": "row-link"})

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

    @property
    def max_priority(self) -> int:
        """The largest priority number of the columns: up to which width a column is hidden."""
        return max((self.priority(column.name) for column in self.columns), default=1)

    def header_cells(self):
        """Yield (bound column, short header or "") for the header row."""
        for column in self.columns:
            yield column, self.short_headers.get(column.name, "")

    def row_cells(self):
        """Yield (row, detail id, [(column, td attributes, cell, priority)]) for the page shown.

        Each cell is rendered once: the row and its detail (the hidden columns) share it.
        """
        for index, row in enumerate(self.paginated_rows):
            cells = [
                (column, column.attrs["td"].as_html(), cell, self.priority(column.name))
                for column, cell in row.items()
            ]
            yield row, f"row-{id(self):x}-{index}", cells

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
