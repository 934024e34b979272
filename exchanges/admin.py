from django.contrib import admin
from django.db.models import Count

from exchanges.models import (
    ExchangeProject,
    Participant,
    PassportCustody,
    Visit,
    VisitMember,
    VisitPlanLine,
)
from exchanges.workflows import passports_due_back
from foreign_affairs.admin import DomainAdmin, DomainTabularInline


class ParticipantInline(DomainTabularInline):
    model = Participant
    fields = ("name", "kind", "department", "number", "direction", "status", "result", "version")


@admin.register(ExchangeProject)
class ExchangeProjectAdmin(DomainAdmin):
    list_display = ("name", "kind", "status", "lead_department", "start_on", "participant_count")
    list_filter = ("status", "kind")
    search_fields = ("name", "lead_department", "partners__name_zh", "partners__name_en")
    autocomplete_fields = ("partners", "agreement", "owner")
    inlines = (ParticipantInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(participants_total=Count("participants", distinct=True))
        )

    @admin.display(
        description=ParticipantInline.model._meta.verbose_name_plural, ordering="participants_total"
    )
    def participant_count(self, obj):
        return obj.participants_total


@admin.register(Participant)
class ParticipantAdmin(DomainAdmin):
    list_display = ("name", "project", "kind", "department", "direction", "status", "result")
    list_filter = ("status", "kind", "direction")
    list_select_related = ("project",)
    search_fields = ("name", "number", "department", "project__name")
    autocomplete_fields = ("project",)


@admin.register(VisitPlanLine)
class VisitPlanLineAdmin(DomainAdmin):
    list_display = (
        "year",
        "planned_month",
        "destinations",
        "purpose",
        "days",
        "persons",
        "department",
    )
    list_filter = ("year", "purpose")
    search_fields = ("description", "department", "funding_source")


class VisitMemberInline(DomainTabularInline):
    model = VisitMember
    fields = ("name", "role", "unit", "position", "is_unit_head", "is_main_leader", "version")
    autocomplete_fields = ()


@admin.register(Visit)
class VisitAdmin(DomainAdmin):
    """Visits: their status moves only through the workflow's steps on the portal's pages."""

    list_display = (
        "title",
        "direction",
        "status",
        "planned_start",
        "planned_end",
        "destinations",
    )
    list_filter = ("direction", "status", "trip_kind")
    search_fields = (
        "title",
        "purpose",
        "members__name",
        "delegation",
        "institutions__name_zh",
        "institutions__name_en",
    )
    autocomplete_fields = ("plan_line", "institutions")
    readonly_fields = (
        "status",
        "proposed_by",
        "approval_number",
        "approval_file",
        "cancel_reason",
        "report_file",
        "report_summary",
        "report_submitted_on",
        *DomainAdmin.readonly_fields,
    )
    date_hierarchy = "planned_start"
    inlines = (VisitMemberInline,)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        passports_due_back(form.instance, request.user)


@admin.register(PassportCustody)
class PassportCustodyAdmin(DomainAdmin):
    """Travel documents: handed out and taken back only through the workflow's steps."""

    list_display = ("holder", "kind", "status", "expires_on", "handed_out_on", "due_back_on")
    list_filter = ("kind", "status")
    search_fields = ("holder", "passport_number")
    list_select_related = ("visit",)
    autocomplete_fields = ("holder_user",)
    readonly_fields = (
        "status",
        "visit",
        "handed_out_on",
        "due_back_on",
        "returned_on",
        *DomainAdmin.readonly_fields,
    )


@admin.register(VisitMember)
class VisitMemberAdmin(DomainAdmin):
    list_display = ("name", "visit", "role", "unit", "position", "is_unit_head", "is_main_leader")
    list_filter = ("role", "is_unit_head", "is_main_leader")
    list_select_related = ("visit",)
    search_fields = ("name", "unit", "visit__title")
    autocomplete_fields = ("visit", "user")
