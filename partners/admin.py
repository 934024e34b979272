from django.contrib import admin
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from foreign_affairs.admin import (
    DomainAdmin,
    DomainStackedInline,
    DomainTabularInline,
    country_filter,
)
from partners.models import Agreement, Contact, Institution, Interaction


class ContactInline(DomainTabularInline):
    model = Contact
    fields = ("name", "title", "email", "phone", "wechat", "is_primary", "version")


class AgreementInline(DomainStackedInline):
    model = Agreement
    fields = (
        ("title", "kind", "status"),
        ("signed_on", "valid_from", "valid_until", "renewal"),
        ("quota_per_year", "approval_reference"),
        "version",
    )


@admin.register(Institution)
class InstitutionAdmin(DomainAdmin):
    list_display = (
        "name_zh",
        "name_en",
        "kind",
        "country",
        "city",
        "status",
        "last_interaction_on",
    )
    list_filter = ("status", "kind", country_filter("country", _("country/region")))
    search_fields = ("name_zh", "name_en", "short_name", "city")
    inlines = (ContactInline, AgreementInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(last_interaction=Max("interactions__date"))

    @admin.display(description=_("last interaction"), ordering="last_interaction")
    def last_interaction_on(self, obj):
        return obj.last_interaction


@admin.register(Contact)
class ContactAdmin(DomainAdmin):
    list_display = ("name", "institution", "title", "email", "phone", "is_primary")
    list_filter = ("is_primary",)
    list_select_related = ("institution",)
    search_fields = ("name", "email", "institution__name_zh", "institution__name_en")
    autocomplete_fields = ("institution",)


@admin.register(Agreement)
class AgreementAdmin(DomainAdmin):
    list_display = (
        "title",
        "institution",
        "kind",
        "status",
        "signed_on",
        "valid_until",
        "quota_per_year",
    )
    list_filter = ("status", "kind", "renewal")
    list_select_related = ("institution",)
    search_fields = ("title", "approval_reference", "institution__name_zh", "institution__name_en")
    autocomplete_fields = ("institution",)
    date_hierarchy = "signed_on"
    readonly_fields = ("signed_file_sha256", *DomainAdmin.readonly_fields)


@admin.register(Interaction)
class InteractionAdmin(DomainAdmin):
    list_display = ("date", "institution", "kind", "summary")
    list_filter = ("kind",)
    list_select_related = ("institution",)
    search_fields = ("summary", "participants", "institution__name_zh", "institution__name_en")
    autocomplete_fields = ("institution",)
    date_hierarchy = "date"
