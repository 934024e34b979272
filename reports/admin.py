from django.contrib import admin

from foreign_affairs.admin import DomainAdmin, DomainStackedInline
from reports.models import AnnualReport, ReportPart, ReportSection, Submission, Training


class ReportPartInline(DomainStackedInline):
    model = ReportPart
    fields = (("order", "kind", "title"), "intro", "version")


class ReportSectionInline(DomainStackedInline):
    model = ReportSection
    fields = (("order", "title"), "body", "version")


@admin.register(AnnualReport)
class AnnualReportAdmin(DomainAdmin):
    list_display = ("year", "title", "status", "prepared_by", "approved_by", "approved_at")
    list_filter = ("status",)
    list_select_related = ("prepared_by", "approved_by")
    search_fields = ("title", "preface")
    autocomplete_fields = ("prepared_by", "approved_by")
    readonly_fields = (
        "status",
        "return_comment",
        "pdf_file",
        "pdf_sha256",
        *DomainAdmin.readonly_fields,
    )
    inlines = (ReportPartInline,)


@admin.register(ReportPart)
class ReportPartAdmin(DomainAdmin):
    list_display = ("title", "report", "kind", "order")
    list_filter = ("kind",)
    list_select_related = ("report",)
    search_fields = ("title", "intro", "report__title")
    inlines = (ReportSectionInline,)


@admin.register(ReportSection)
class ReportSectionAdmin(DomainAdmin):
    list_display = ("title", "part", "order")
    list_select_related = ("part",)
    search_fields = ("title", "body")


@admin.register(Submission)
class SubmissionAdmin(DomainAdmin):
    list_display = ("title", "authority", "kind", "due_on", "submitted_on", "report")
    list_filter = ("kind", "authority")
    list_select_related = ("report",)
    search_fields = ("title", "authority", "notes")
    date_hierarchy = "due_on"


@admin.register(Training)
class TrainingAdmin(DomainAdmin):
    list_display = ("title", "kind", "organiser", "date", "hours", "attendee_count")
    list_filter = ("kind",)
    search_fields = ("title", "organiser", "attendees")
    date_hierarchy = "date"
