import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from foreign_affairs.tables import ObjectTable
from partners.models import Agreement, Contact, Institution, Interaction


class InstitutionTable(ObjectTable):
    name_zh = tables.Column(linkify=True)
    country = tables.Column(accessor="country__name", order_by="country")
    last_interaction_on = tables.DateColumn(verbose_name=_("last interaction"))

    class Meta(ObjectTable.Meta):
        model = Institution
        fields = ("name_zh", "name_en", "kind", "country", "city", "status", "since")
        sequence = (*fields, "last_interaction_on", "actions")


class AgreementTable(ObjectTable):
    title = tables.Column(linkify=True)
    institution = tables.Column(linkify=True)

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
    if record.status == Agreement.Status.IN_FORCE and record.is_expired:
        return "table-danger"
    return "table-warning" if record.is_expiring else ""


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
