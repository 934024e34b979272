import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from faculty.models import (
    EXPIRY_STATE_LABELS,
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
)
from foreign_affairs.tables import ObjectTable

EXPIRY_ROW_CLASSES = {"expired": "table-danger", "expiring": "table-warning"}


class ForeignTeacherTable(ObjectTable):
    name = tables.Column(accessor="__str__", linkify=True, order_by=("family_name", "given_name"))
    nationality = tables.Column(accessor="nationality__name", order_by="nationality")

    class Meta(ObjectTable.Meta):
        model = ForeignTeacher
        fields = (
            "nationality",
            "gender",
            "employment",
            "status",
            "department",
            "subjects",
            "highest_degree",
        )
        sequence = ("name", *fields, "actions")


class ContractTable(ObjectTable):
    position = tables.Column(linkify=True)
    teacher = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Contract
        fields = ("position", "teacher", "start_on", "end_on", "weekly_hours", "status")
        sequence = (*fields, "actions")


class IdentityDocumentTable(ObjectTable):
    kind = tables.Column(linkify=True)
    teacher = tables.Column(linkify=True)
    expiry_state = tables.Column(
        verbose_name=_("expiry state"), accessor="expiry_state", orderable=False
    )

    class Meta(ObjectTable.Meta):
        model = IdentityDocument
        fields = ("kind", "teacher", "permit_class", "issued_on", "expires_on")
        sequence = (*fields, "expiry_state", "actions")
        row_attrs = {"class": lambda record: EXPIRY_ROW_CLASSES.get(record.expiry_state, "")}

    def render_expiry_state(self, value):
        return EXPIRY_STATE_LABELS.get(value, "")


class QualificationCheckTable(ObjectTable):
    year = tables.Column(linkify=True)
    teacher = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = QualificationCheck
        fields = (
            "year",
            "teacher",
            "result",
            "degree_verified",
            "experience_verified",
            "certificate_verified",
            "health_verified",
            "criminal_record_verified",
            "checked_on",
        )
        sequence = (*fields, "actions")


class IncidentTable(ObjectTable):
    date = tables.DateColumn(linkify=True)
    teacher = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Incident
        fields = ("date", "teacher", "kind", "description", "resolved_on")
        sequence = (*fields, "actions")
