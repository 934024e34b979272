import django_filters
from django.utils.translation import gettext_lazy as _

from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitPlanLine
from foreign_affairs.filters import SearchFilterSet


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
        "members__name",
        "delegation",
        "institutions__name_zh",
        "institutions__name_en",
    )
    year = django_filters.NumberFilter(field_name="planned_start__year", label=_("year"))

    class Meta:
        model = Visit
        fields = ["q", "direction", "status", "trip_kind", "year"]


class PassportCustodyFilterSet(SearchFilterSet):
    search_fields = ("holder", "passport_number")  # the number only for who may see it

    class Meta:
        model = PassportCustody
        fields = ["q", "kind", "status"]
