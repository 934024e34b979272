import django_filters
from django.utils.translation import gettext_lazy as _

from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitPlanLine
from foreign_affairs.filters import SearchFilterSet, yes_no_filter


class ExchangeProjectFilterSet(SearchFilterSet):
    search_fields = ("name", "lead_department", "partners__name_zh", "partners__name_en")

    class Meta:
        model = ExchangeProject
        fields = ["q", "status", "kind", "partners"]


class ParticipantFilterSet(SearchFilterSet):
    search_fields = ("name", "number", "department", "project__name")

    class Meta:
        model = Participant
        fields = ["q", "project", "kind", "direction", "status"]


class VisitPlanLineFilterSet(SearchFilterSet):
    search_fields = ("description", "department", "funding_source")

    class Meta:
        model = VisitPlanLine
        fields = ["q", "year", "purpose"]


class VisitFilterSet(SearchFilterSet):
    search_fields = (
        "title",
        "purpose",
        "leader",
        "members",
        "delegation",
        "institutions__name_zh",
        "institutions__name_en",
    )
    year = django_filters.NumberFilter(field_name="planned_start__year", label=_("year"))

    class Meta:
        model = Visit
        fields = ["q", "direction", "status", "year"]


class PassportCustodyFilterSet(SearchFilterSet):
    search_fields = ("holder",)
    out = yes_no_filter(
        field_name="returned_on", lookup_expr="isnull", label=_("handed out, not returned")
    )

    class Meta:
        model = PassportCustody
        fields = ["q", "out"]
