from django.contrib import admin

from foreign_affairs.admin import DomainAdmin, DomainStackedInline
from reports.models import AnnualReport, ReportPart, ReportSection, Submission, Training


def _report_of(obj):
    if isinstance(obj, AnnualReport):
        return obj
    if isinstance(obj, ReportPart):
        return obj.report
    return obj.part.report if isinstance(obj, ReportSection) else None


class ApprovedReadOnlyMixin:
    """An approved report is read-only here too: its PDF is archived with its SHA-256."""

    def has_change_permission(self, request, obj=None):
        report = _report_of(obj) if obj is not None else None
        if report is not None and report.status == AnnualReport.Status.APPROVED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        report = _report_of(obj) if obj is not None else None
        if report is not None and report.status == AnnualReport.Status.APPROVED:
            return False
        return super().has_delete_permission(request, obj)


class ReportPartInline(ApprovedReadOnlyMixin, DomainStackedInline):
    model = ReportPart
    fields = (("order", "kind", "title"), "intro", "version")


class ReportSectionInline(ApprovedReadOnlyMixin, DomainStackedInline):
    model = ReportSection
    fields = (("order", "title"), "body", "version")


@admin.register(AnnualReport)
class AnnualReportAdmin(ApprovedReadOnlyMixin, DomainAdmin):
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
class ReportPartAdmin(ApprovedReadOnlyMixin, DomainAdmin):
    list_display = ("title", "report", "kind", "order")
    list_filter = ("kind",)
    list_select_related = ("report",)
    search_fields = ("title", "intro", "report__title")
    inlines = (ReportSectionInline,)


@admin.register(ReportSection)
class ReportSectionAdmin(ApprovedReadOnlyMixin, DomainAdmin):
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
