"""Shared table layer: the first column links to the record, the last holds its actions."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _


class ObjectTable(tables.Table):
    """A table of records: Bootstrap 5 look, an actions column left out of exports."""

    actions = tables.Column(
        accessor="pk",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end text-nowrap"}},
    )

    def render_actions(self, record):
        return format_html(
            '<a class="btn btn-outline-secondary btn-sm py-0" href="{}">{}</a>',
            record.get_absolute_url(),
            _("View"),
        )

    def as_values(self, exclude_columns=None):
        # Exports leave an empty cell empty: the "—" placeholder is for people, not Excel.
        for row in super().as_values(exclude_columns):
            yield ["" if cell == self.default else cell for cell in row]

    class Meta:
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-hover table-sm align-middle"}
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
