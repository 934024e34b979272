from datetime import timedelta

from django.conf import settings

from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitPlanLine
from foreign_affairs.forms import PortalForm


class ExchangeProjectForm(PortalForm):
    class Meta:
        model = ExchangeProject
        fields = (
            "name",
            "kind",
            "partners",
            "agreement",
            "lead_department",
            "owner",
            "status",
            "status_reason",
            "start_on",
            "end_on",
            "yearly_quota",
            "goals",
            "outcomes",
            "version",
        )


class ParticipantForm(PortalForm):
    class Meta:
        model = Participant
        fields = (
            "project",
            "name",
            "kind",
            "department",
            "number",
            "direction",
            "status",
            "start_on",
            "end_on",
            "result",
            "version",
        )


class VisitPlanLineForm(PortalForm):
    class Meta:
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
            "version",
        )


class VisitForm(PortalForm):
    class Meta:
        model = Visit
        fields = (
            "direction",
            "title",
            "purpose",
            "status",
            "plan_line",
            "off_plan_reason",
            "leader",
            "members",
            "persons",
            "destinations",
            "institutions",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "approval_number",
            "approval_file",
            "cancel_reason",
            "report_submitted_on",
            "delegation",
            "nationality",
            "host_department",
            "version",
        )


class PassportCustodyForm(PortalForm):
    def clean(self):
        cleaned = super().clean()
        visit = cleaned.get("visit")
        back_home = visit and (visit.actual_end or visit.planned_end)
        if cleaned.get("handed_out_on") and not cleaned.get("due_back_on") and back_home:
            # The rule: an official passport is handed back within N days of the return.
            cleaned["due_back_on"] = back_home + timedelta(days=settings.PASSPORT_DUE_BACK_DAYS)
        return cleaned

    class Meta:
        model = PassportCustody
        fields = (
            "holder",
            "holder_user",
            "passport_number",
            "issued_on",
            "expires_on",
            "visit",
            "handed_out_on",
            "due_back_on",
            "returned_on",
            "version",
        )
