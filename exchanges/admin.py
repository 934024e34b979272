from django.contrib import admin
from django.db.models import Count

from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitPlanLine
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


@admin.register(Visit)
class VisitAdmin(DomainAdmin):
    list_display = (
        "title",
        "direction",
        "status",
        "planned_start",
        "planned_end",
        "persons",
        "destinations",
    )
    list_filter = ("direction", "status")
    search_fields = (
        "title",
        "purpose",
        "leader",
        "members",
        "delegation",
        "institutions__name_zh",
        "institutions__name_en",
    )
    autocomplete_fields = ("plan_line", "institutions")
    date_hierarchy = "planned_start"


@admin.register(PassportCustody)
class PassportCustodyAdmin(DomainAdmin):
    list_display = ("holder", "expires_on", "handed_out_on", "due_back_on", "returned_on")
    search_fields = ("holder", "passport_number")
    list_select_related = ("visit",)
    autocomplete_fields = ("holder_user", "visit")
