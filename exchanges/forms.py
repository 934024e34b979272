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
