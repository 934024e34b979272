import functools
from collections.abc import Callable

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from exchanges.models import (
    ExchangeProject,
    Participant,
    PassportCustody,
    Visit,
    VisitPlanLine,
    plan_kind,
    plan_labels,
    stored_codes,
)
from foreign_affairs.collation import pinyin_order
from foreign_affairs.countries import country_names
from foreign_affairs.exports import InLanguage
from foreign_affairs.tables import FindingsColumn, ObjectTable


@functools.lru_cache(maxsize=16)
def destination_names_in(language: str | None) -> Callable[[str], str]:
    """For exports: the names of the destinations as stored ("AU,NZ") in `language`.

    Each stored value's names are kept from export to export (up to 4,096 values per
    language): they change only with the code, as the names do."""

    @functools.lru_cache(maxsize=4096)
    def names(value: str) -> str:
        return "、".join(country_names(language, stored_codes(value)))

    return names


@functools.lru_cache(maxsize=16)
def plan_label_in(language: str | None) -> Callable[[str], str]:
    """For exports: the annual plan of a trip to the destinations as stored, in `language`
    (kept from export to export, as `destination_names_in`)."""
    labels = plan_labels(language)

    @functools.lru_cache(maxsize=4096)
    def label(value: str) -> str:
        return labels[plan_kind(stored_codes(value))]

    return label


class ExchangeProjectTable(ObjectTable):
    priorities = {"status": 1, "status_reason": 3, "lead_department": 3, "yearly_quota": 3}
    text_columns = ("name", "status_reason", "lead_department")
    short_headers = {
        "yearly_quota": pgettext_lazy("short header", "Places"),
        "participant_count": pgettext_lazy("short header", "People"),
    }
    name = tables.Column(linkify=True)
    participant_count = tables.Column(verbose_name=_("participants"))
    column_models = {"participant_count": "exchanges.participant"}  # shown to who may view them

    def order_name(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "name")

    def order_lead_department(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "lead_department")

    class Meta(ObjectTable.Meta):
        model = ExchangeProject
        order_by = "name"  # in pinyin: order_name
        fields = (
            "name",
            "kind",
            "status",
            "status_reason",
            "lead_department",
            "start_on",
            "end_on",
            "yearly_quota",
        )
        sequence = (*fields, "participant_count")


class ParticipantTable(ObjectTable):
    priorities = {"status": 1, "department": 3, "number": 3, "end_on": 3, "result": 3}
    text_columns = ("name", "project", "department", "result")
    name = tables.Column(linkify=True)
    project = tables.Column(linkify=True)

    def order_name(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "name")

    def order_project(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "project__name", "name")

    def order_department(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "department")

    class Meta(ObjectTable.Meta):
        model = Participant
        order_by = "project"  # in pinyin: order_project
        fields = (
            "name",
            "project",
            "kind",
            "department",
            "number",
            "direction",
            "status",
            "start_on",
            "end_on",
            "result",
        )
        sequence = fields


class VisitPlanLineTable(ObjectTable):
    priorities = {"destinations": 1, "plan": 3, "purpose": 3, "funding_source": 3}
    priorities |= {"department": 3, "visit_count": 3}
    text_columns = ("description", "destinations", "funding_source", "department")
    short_headers = {
        "planned_month": pgettext_lazy("short header", "Month"),
        "visit_count": pgettext_lazy("short header", "Visits"),
    }
    description = tables.Column(linkify=True)
    destinations = tables.Column(
        verbose_name=_("countries/regions"), accessor="destination_names", orderable=False
    )
    visit_count = tables.Column(verbose_name=_("visits"))
    plan = tables.Column(verbose_name=_("annual plan"), accessor="plan_label", orderable=False)
    findings = FindingsColumn()
    # The codes as stored ("AU,NZ"), each distinct value named once (not a line made of it).
    export_values = {
        "destinations": (("destinations",), InLanguage(destination_names_in)),
        "plan": (("destinations",), InLanguage(plan_label_in)),
    }

    def order_description(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "description")

    def order_department(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "department")

    class Meta(ObjectTable.Meta):
        model = VisitPlanLine
        fields = (
            "year",
            "planned_month",
            "description",
            "destinations",
            "purpose",
            "days",
            "persons",
            "funding_source",
            "department",
        )
        # The description names the line: it comes first and links to it.
        sequence = ("description", "year", "plan", "planned_month", *fields[3:])
        sequence += ("visit_count", "findings")


class VisitTable(ObjectTable):
    priorities = {"status": 1, "trip_kind": 3, "planned_end": 3, "actual_start": 3}
    priorities |= {"actual_end": 3}
    text_columns = ("title", "destinations")
    short_headers = {
        "planned_start": pgettext_lazy("short header", "Planned start"),
        "planned_end": pgettext_lazy("short header", "Planned end"),
        "actual_start": pgettext_lazy("short header", "Actual start"),
        "actual_end": pgettext_lazy("short header", "Actual end"),
    }
    title = tables.Column(linkify=True)
    destinations = tables.Column(
        verbose_name=_("countries/regions"), accessor="destination_names", orderable=False
    )
    findings = FindingsColumn()
    export_values = {"destinations": (("destinations",), InLanguage(destination_names_in))}

    def bulk_findings(self, records):
        from exchanges.selectors import visits_findings

        return visits_findings(records)

    def order_title(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "title")

    def order_department(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "department")

    class Meta(ObjectTable.Meta):
        model = Visit
        fields = (
            "title",
            "direction",
            "status",
            "trip_kind",
            "destinations",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        )
        sequence = (*fields, "findings")


class PassportCustodyTable(ObjectTable):
    priorities = {"status": 1, "visit": 3, "handed_out_on": 3, "returned_on": 3}
    text_columns = ("holder", "visit")
    holder = tables.Column(linkify=True)
    findings = FindingsColumn()

    def order_holder(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "holder")

    class Meta(ObjectTable.Meta):
        model = PassportCustody
        order_by = "holder"  # in pinyin: order_holder
        fields = (
            "holder",
            "kind",
            "status",
            "expires_on",
            "visit",
            "handed_out_on",
            "due_back_on",
            "returned_on",
        )
        sequence = (*fields, "findings")
