import django_filters
from django.utils.translation import gettext_lazy as _

from foreign_affairs.filters import SearchFilterSet, yes_no_filter
from partners.models import Agreement, Contact, Institution, Interaction


class InstitutionFilterSet(SearchFilterSet):
    search_fields = ("name_zh", "name_en", "short_name", "city")

    class Meta:
        model = Institution
        fields = ["q", "status", "kind", "country"]


class AgreementFilterSet(SearchFilterSet):
    search_fields = ("title", "approval_reference", "institution__name_zh", "institution__name_en")
    expiring = yes_no_filter(
        label=_("expiring within 90 days"),
        method="filter_expiring",
    )

    class Meta:
        model = Agreement
        fields = ["q", "status", "kind", "institution", "expiring"]

    def filter_expiring(self, queryset, name, value):
        from partners.selectors import agreements_expiring

        if value is None:
            return queryset
        expiring = agreements_expiring()
        return queryset.filter(pk__in=expiring) if value else queryset.exclude(pk__in=expiring)


class ContactFilterSet(SearchFilterSet):
    search_fields = ("name", "email", "title", "institution__name_zh", "institution__name_en")
    is_primary = yes_no_filter(label=_("primary contact"))

    class Meta:
        model = Contact
        fields = ["q", "institution", "is_primary"]


class InteractionFilterSet(SearchFilterSet):
    search_fields = ("summary", "participants", "institution__name_zh", "institution__name_en")
    year = django_filters.NumberFilter(field_name="date__year", label=_("year"))

    class Meta:
        model = Interaction
        fields = ["q", "kind", "institution", "year"]
