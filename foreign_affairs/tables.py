"""Shared table layer: the first column links to the record, the last holds its actions."""

import django_tables2 as tables
from django.utils.html import format_html
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
