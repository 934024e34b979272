import django_tables2 as tables

from faculty.models import Contract, ForeignTeacher, IdentityDocument, Incident, QualificationCheck
from foreign_affairs.tables import ObjectTable


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

    class Meta(ObjectTable.Meta):
        model = IdentityDocument
        fields = ("kind", "teacher", "permit_class", "issued_on", "expires_on")
        sequence = (*fields, "actions")


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
