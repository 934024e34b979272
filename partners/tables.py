import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from foreign_affairs.tables import ObjectTable
from partners.models import Agreement, Contact, Institution, Interaction


class InstitutionTable(ObjectTable):
    name_zh = tables.Column(linkify=True)
    country = tables.Column(accessor="country__name", order_by="country")
    region = tables.Column(verbose_name=_("region"), accessor="region_kind__label", orderable=False)
    belt_and_road = tables.BooleanColumn(
        verbose_name=pgettext_lazy("column", "Belt and Road"),
        accessor="is_belt_and_road",
        orderable=False,
    )
    greater_bay_area = tables.BooleanColumn(
        verbose_name=pgettext_lazy("column", "Greater Bay Area"),
        accessor="is_greater_bay_area",
        orderable=False,
    )
    last_interaction_on = tables.DateColumn(verbose_name=_("last interaction"))

    class Meta(ObjectTable.Meta):
        model = Institution
        fields = ("name_zh", "name_en", "kind", "country", "city", "status", "since")
        sequence = (
            *fields[:5],
            "region",
            "belt_and_road",
            "greater_bay_area",
            *fields[5:],
            "last_interaction_on",
            "actions",
        )


class AgreementTable(ObjectTable):
    title = tables.Column(linkify=True)
    institution = tables.Column(linkify=True)
    status = tables.Column(verbose_name=_("status"), accessor="state", order_by=("state",))

    def render_status(self, record):
        return record.get_state_display()

    def value_status(self, record):
        return record.get_state_display()

    class Meta(ObjectTable.Meta):
        model = Agreement
        fields = (
            "title",
            "institution",
            "kind",
            "status",
            "signed_on",
            "valid_until",
            "quota_per_year",
        )
        sequence = (*fields, "actions")
        row_attrs = {"class": lambda record: _agreement_row_class(record)}


def _agreement_row_class(record) -> str:
    if record.state == Agreement.State.EXPIRED:
        return "table-danger"
    return "table-warning" if record.state == Agreement.State.EXPIRING else ""


class ContactTable(ObjectTable):
    name = tables.Column(linkify=True)
    institution = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Contact
        fields = ("name", "institution", "title", "email", "phone", "wechat", "is_primary")
        sequence = (*fields, "actions")


class InteractionTable(ObjectTable):
    date = tables.DateColumn(linkify=True)
    institution = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Interaction
        fields = ("date", "institution", "kind", "summary", "participants")
        sequence = (*fields, "actions")
