import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitPlanLine
from foreign_affairs.tables import ObjectTable


class ExchangeProjectTable(ObjectTable):
    name = tables.Column(linkify=True)
    participant_count = tables.Column(verbose_name=_("participants"))

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
    destinations = tables.Column(accessor="destination_names", orderable=False)
    visit_count = tables.Column(verbose_name=_("visits"))

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
        sequence = (*fields, "visit_count", "actions")


def findings_badges(findings) -> str:
    """Return an icon per severity with its count, the messages on hover ("" without any)."""
    parts = []
    for severity, css in (("blocking", "danger"), ("warning", "warning")):
        found = [f for f in findings if f.severity == severity]
        if found:
            parts.append(
                format_html(
                    '<span class="badge text-bg-{} me-1" title="{}">⚠ {}</span>',
                    css,
                    "\n".join(f.message for f in found),
                    len(found),
                )
            )
    return mark_safe("".join(parts))  # noqa: S308 - built from format_html parts


class VisitTable(ObjectTable):
    title = tables.Column(linkify=True)
    destinations = tables.Column(accessor="destination_names", orderable=False)
    findings = tables.Column(
        verbose_name=_("findings"),
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
    )

    def render_findings(self, record):
        return findings_badges(getattr(self, "findings", {}).get(record.pk, [])) or "—"

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
    overdue = tables.BooleanColumn(verbose_name=_("overdue"), accessor="is_overdue", orderable=False)

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
        sequence = (*fields, "overdue", "actions")
