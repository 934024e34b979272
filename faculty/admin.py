from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from faculty.models import (
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
    TeacherChange,
)
from foreign_affairs.admin import (
    DomainAdmin,
    DomainStackedInline,
    DomainTabularInline,
    country_filter,
)


class ContractInline(DomainTabularInline):
    model = Contract
    fields = ("position", "start_on", "end_on", "weekly_hours", "status", "signed_file", "version")


class IdentityDocumentInline(DomainTabularInline):
    model = IdentityDocument
    fields = ("kind", "permit_class", "number", "issued_on", "expires_on", "file", "version")


class QualificationCheckInline(DomainStackedInline):
    model = QualificationCheck
    fields = (
        ("year", "result", "checked_on", "reviewer"),
        ("degree_verified", "experience_verified", "certificate_verified"),
        ("health_verified", "criminal_record_verified"),
        "notes",
        "version",
    )
    autocomplete_fields = ("reviewer",)


@admin.register(ForeignTeacher)
class ForeignTeacherAdmin(DomainAdmin):
    list_display = (
        "__str__",
        "nationality",
        "employment",
        "status",
        "department",
    )
    list_filter = (
        "status",
        "employment",
        country_filter("nationality", _("nationality")),
    )
    search_fields = ("family_name", "given_name", "chinese_name", "email", "subjects")
    autocomplete_fields = ("assistants", "manager")
    inlines = (ContractInline, IdentityDocumentInline, QualificationCheckInline)


@admin.register(Contract)
class ContractAdmin(DomainAdmin):
    list_display = ("teacher", "position", "start_on", "end_on", "weekly_hours", "status")
    list_filter = ("status",)
    list_select_related = ("teacher",)
    search_fields = (
        "position",
        "teacher__family_name",
        "teacher__given_name",
        "teacher__chinese_name",
    )
    autocomplete_fields = ("teacher",)


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(DomainAdmin):
    list_display = ("teacher", "kind", "permit_class", "issued_on", "expires_on")
    list_filter = ("kind", "permit_class")
    list_select_related = ("teacher",)
    search_fields = ("teacher__family_name", "teacher__given_name", "teacher__chinese_name")
    autocomplete_fields = ("teacher",)


@admin.register(QualificationCheck)
class QualificationCheckAdmin(DomainAdmin):
    list_display = ("teacher", "year", "result", "reviewer", "checked_on")
    list_filter = ("year", "result")
    list_select_related = ("teacher", "reviewer")
    search_fields = ("teacher__family_name", "teacher__given_name", "teacher__chinese_name")
    autocomplete_fields = ("teacher", "reviewer")


@admin.register(Incident)
class IncidentAdmin(DomainAdmin):
    list_display = ("date", "teacher", "kind", "resolved_on")
    list_filter = ("kind",)
    list_select_related = ("teacher",)
    search_fields = (
        "description",
        "teacher__family_name",
        "teacher__given_name",
        "teacher__chinese_name",
    )
    autocomplete_fields = ("teacher",)


@admin.register(TeacherChange)
class TeacherChangeAdmin(DomainAdmin):
    list_display = ("teacher", "kind", "changed_on", "filed_on")
    list_filter = ("kind",)
    list_select_related = ("teacher",)
    search_fields = ("teacher__family_name", "teacher__given_name", "teacher__chinese_name")
    autocomplete_fields = ("teacher",)
