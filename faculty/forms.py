from faculty.models import (
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
    TeacherChange,
)
from foreign_affairs.forms import PortalForm


class ForeignTeacherForm(PortalForm):
    class Meta:
        model = ForeignTeacher
        fields = (
            "family_name",
            "given_name",
            "chinese_name",
            "gender",
            "date_of_birth",
            "nationality",
            "email",
            "phone",
            "highest_degree",
            "degree_field",
            "degree_in_education_or_language",
            "has_tefl_certificate",
            "has_teaching_licence",
            "years_experience",
            "native_language",
            "teaches_native_language",
            "subjects",
            "department",
            "employment",
            "status",
            "has_guarantee_letter",
            "assistants",
            "manager",
            "notes",
            "version",
        )


class ContractForm(PortalForm):
    class Meta:
        model = Contract
        fields = (
            "teacher",
            "position",
            "start_on",
            "end_on",
            "weekly_hours",
            "status",
            "signed_file",
            "version",
        )


class IdentityDocumentForm(PortalForm):
    class Meta:
        model = IdentityDocument
        fields = (
            "teacher",
            "kind",
            "permit_class",
            "number",
            "issued_on",
            "expires_on",
            "file",
            "version",
        )


class QualificationCheckForm(PortalForm):
    class Meta:
        model = QualificationCheck
        fields = (
            "teacher",
            "year",
            "degree_verified",
            "experience_verified",
            "certificate_verified",
            "health_verified",
            "criminal_record_verified",
            "result",
            "reviewer",
            "checked_on",
            "notes",
            "version",
        )


class IncidentForm(PortalForm):
    class Meta:
        model = Incident
        fields = ("teacher", "date", "kind", "description", "resolution", "resolved_on", "version")


class TeacherChangeForm(PortalForm):
    class Meta:
        model = TeacherChange
        fields = ("teacher", "kind", "changed_on", "filed_on", "notes", "version")
