import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitPlanLine
from foreign_affairs.tables import FindingsColumn, ObjectTable


class ExchangeProjectTable(ObjectTable):
    name = tables.Column(linkify=True)
    participant_count = tables.Column(verbose_name=_("participants"))
    column_models = {"participant_count": "exchanges.participant"}  # shown to who may view them

    class Meta(ObjectTable.Meta):
        model = ExchangeProject
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
        sequence = (*fields, "participant_count", "actions")


class ParticipantTable(ObjectTable):
    name = tables.Column(linkify=True)
    project = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Participant
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
        sequence = (*fields, "actions")


class VisitPlanLineTable(ObjectTable):
    description = tables.Column(linkify=True)
    destinations = tables.Column(
        verbose_name=_("countries/regions"), accessor="destination_names", orderable=False
    )
    visit_count = tables.Column(verbose_name=_("visits"))
    plan = tables.Column(verbose_name=_("annual plan"), accessor="plan_label", orderable=False)
    findings = FindingsColumn()

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
        sequence = ("year", "plan", *fields[1:], "visit_count", "findings", "actions")


class VisitTable(ObjectTable):
    title = tables.Column(linkify=True)
    destinations = tables.Column(
        verbose_name=_("countries/regions"), accessor="destination_names", orderable=False
    )
    findings = FindingsColumn()

    def bulk_findings(self, records):
        from exchanges.selectors import visits_findings

        return visits_findings(records)

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
        sequence = (*fields, "findings", "actions")


class PassportCustodyTable(ObjectTable):
    holder = tables.Column(linkify=True)
    findings = FindingsColumn()

    class Meta(ObjectTable.Meta):
        model = PassportCustody
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
        sequence = (*fields, "findings", "actions")
