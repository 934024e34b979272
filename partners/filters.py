import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foreign_affairs import regions
from foreign_affairs.filters import SearchFilterSet, yes_no_filter
from partners.models import Agreement, Contact, Institution, Interaction


class InstitutionFilterSet(SearchFilterSet):
    search_fields = ("name_zh", "name_en", "short_name", "city")
    region = django_filters.ChoiceFilter(
        label=_("region"),
        choices=regions.RegionKind.choices,
        method="filter_region",
    )
    belt_and_road = yes_no_filter(label=_("Belt and Road country"), method="filter_belt_and_road")
    greater_bay_area = yes_no_filter(label=_("Greater Bay Area"), method="filter_greater_bay_area")

    class Meta:
        model = Institution
        fields = ["q", "status", "kind", "country", "region", "belt_and_road", "greater_bay_area"]

    def filter_region(self, queryset, name, value):
        hmt = Q(country__in=regions.hong_kong_macau_taiwan())
        conditions = {
            regions.RegionKind.MAINLAND: Q(country="CN"),
            regions.RegionKind.HMT: hmt,
            regions.RegionKind.FOREIGN: ~Q(country="CN") & ~hmt,
        }
        return queryset.filter(conditions[regions.RegionKind(value)])

    def filter_belt_and_road(self, queryset, name, value):
        return _yes_no(queryset, value, Q(country__in=regions.belt_and_road_countries()))

    def filter_greater_bay_area(self, queryset, name, value):
        cities = regions.city_regex(regions.greater_bay_area_cities())
        condition = Q(country__in=regions.GREATER_BAY_AREA_REGIONS) | Q(
            country="CN", city__iregex=cities
        )
        return _yes_no(queryset, value, condition)


def _yes_no(queryset, value, condition: Q):
    """Filter by `condition` for yes, by its negation for no, not at all for "all"."""
    if value is None:
        return queryset
    return queryset.filter(condition) if value else queryset.exclude(condition)


class AgreementFilterSet(SearchFilterSet):
    search_fields = ("title", "approval_reference", "institution__name_zh", "institution__name_en")
    # The state by today's date (the parameter keeps its old name: bookmarks still work).
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=Agreement.State.choices,
        method="filter_state",
    )
    expiring = yes_no_filter(
        label=_("expiring within 90 days"),
        method="filter_expiring",
    )

    class Meta:
        model = Agreement
        fields = ["q", "status", "kind", "institution", "expiring"]

    def filter_state(self, queryset, name, value):
        """The state by today's date; "in force" includes those expiring (as the dashboard)."""
        if value == Agreement.State.IN_FORCE:
            return queryset.filter(pk__in=Agreement.objects.in_force().values("pk"))
        return queryset.filter(state=value)

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
