"""Shared table layer: the first column links to the record, the last holds its actions."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class ObjectTable(tables.Table):
    """A table of records: Bootstrap 5 look, an actions column left out of exports."""

    actions = tables.TemplateColumn(
        template_name="generic/actions_column.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end text-nowrap"}},
    )

    def as_values(self, exclude_columns=None):
        # Exports leave an empty cell empty: the "—" placeholder is for people, not Excel.
        for row in super().as_values(exclude_columns):
            yield ["" if cell == self.default else cell for cell in row]

    class Meta:
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-hover table-sm align-middle"}
        empty_text = _("No records.")
