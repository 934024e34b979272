from faculty.models import (
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
    TeacherChange,
)
from foreign_affairs.filters import SearchFilterSet

TEACHER_SEARCH = ("teacher__family_name", "teacher__given_name", "teacher__chinese_name")


class ForeignTeacherFilterSet(SearchFilterSet):
    search_fields = ("family_name", "given_name", "chinese_name", "email", "subjects", "department")

    class Meta:
        model = ForeignTeacher
        fields = ["q", "status", "employment", "nationality"]


class ContractFilterSet(SearchFilterSet):
    search_fields = ("position", *TEACHER_SEARCH)

    class Meta:
        model = Contract
        fields = ["q", "status"]


class IdentityDocumentFilterSet(SearchFilterSet):
    search_fields = ("number", *TEACHER_SEARCH)  # the number only for who may see it

    class Meta:
        model = IdentityDocument
        fields = ["q", "kind", "permit_class"]


class QualificationCheckFilterSet(SearchFilterSet):
    search_fields = TEACHER_SEARCH

    class Meta:
        model = QualificationCheck
        fields = ["q", "year", "result"]


class IncidentFilterSet(SearchFilterSet):
    search_fields = ("description", "resolution", *TEACHER_SEARCH)

    class Meta:
        model = Incident
        fields = ["q", "kind"]


class TeacherChangeFilterSet(SearchFilterSet):
    search_fields = ("notes", *TEACHER_SEARCH)

    class Meta:
        model = TeacherChange
        fields = ["q", "kind"]
