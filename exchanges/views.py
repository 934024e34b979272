from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from exchanges import filters, forms, tables
from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitPlanLine
from exchanges.resources import ParticipantResource
from foreign_affairs.imports import ObjectImportView
from foreign_affairs.views import generic


class ExchangeProjectListView(generic.ObjectListView):
    queryset = ExchangeProject.objects.annotate(participant_count=Count("participants"))
    filterset_class = filters.ExchangeProjectFilterSet
    table_class = tables.ExchangeProjectTable


class ExchangeProjectView(generic.ObjectView):
    queryset = ExchangeProject.objects.select_related("agreement", "owner")
    tabs = [
        generic.Tab(
            "participants",
            _("Participants"),
            tables.ParticipantTable,
            lambda obj: obj.participants.select_related("project"),
            "exchanges:participant_add",
            "project",
        ),
    ]


class ExchangeProjectEditView(generic.ObjectEditView):
    queryset = ExchangeProject.objects.all()
    form_class = forms.ExchangeProjectForm
    # A liaison proposes; the office takes it from there (DESIGN §1).
    proposal_fields = (
        "name",
        "kind",
        "partners",
        "lead_department",
        "start_on",
        "end_on",
        "yearly_quota",
        "goals",
    )
    proposal_values = {"status": ExchangeProject.Status.PROPOSED}


class ParticipantListView(generic.ObjectListView):
    queryset = Participant.objects.select_related("project")
    filterset_class = filters.ParticipantFilterSet
    table_class = tables.ParticipantTable
    import_url_name = "exchanges:participant_import"


class ParticipantImportView(ObjectImportView):
    queryset = Participant.objects.all()
    resource_class = ParticipantResource


class ParticipantView(generic.ObjectView):
    queryset = Participant.objects.select_related("project")


class ParticipantEditView(generic.ObjectEditView):
    queryset = Participant.objects.all()
    form_class = forms.ParticipantForm


class VisitPlanLineListView(generic.ObjectListView):
    queryset = VisitPlanLine.objects.annotate(visit_count=Count("visits"))
    filterset_class = filters.VisitPlanLineFilterSet
    table_class = tables.VisitPlanLineTable


class VisitPlanLineView(generic.ObjectView):
    queryset = VisitPlanLine.objects.all()
    tabs = [
        generic.Tab(
            "visits",
            _("Visits"),
            tables.VisitTable,
            lambda obj: obj.visits.all(),
            "exchanges:visit_add",
            "plan_line",
        ),
    ]


class VisitPlanLineEditView(generic.ObjectEditView):
    queryset = VisitPlanLine.objects.all()
    form_class = forms.VisitPlanLineForm


class VisitListView(generic.ObjectListView):
    queryset = Visit.objects.all()
    filterset_class = filters.VisitFilterSet
    table_class = tables.VisitTable


class VisitView(generic.ObjectView):
    queryset = Visit.objects.select_related("plan_line")
    template_name = "exchanges/visit_detail.html"

    def get_fields(self):
        # An outbound visit has no host department; a delegation received has no plan line.
        other = Visit.INBOUND_FIELDS if self.object.is_outbound else Visit.OUTBOUND_FIELDS
        return [row for row in super().get_fields() if row["name"] not in other]


class VisitEditView(generic.ObjectEditView):
    queryset = Visit.objects.all()
    form_class = forms.VisitForm
    proposal_fields = (
        "direction",
        "title",
        "purpose",
        "plan_line",
        "off_plan_reason",
        "leader",
        "members",
        "persons",
        "destinations",
        "institutions",
        "planned_start",
        "planned_end",
        "delegation",
        "nationality",
        "host_department",
    )
    proposal_values = {"status": Visit.Status.DRAFT}


class PassportCustodyListView(generic.ObjectListView):
    queryset = PassportCustody.objects.select_related("visit")
    filterset_class = filters.PassportCustodyFilterSet
    table_class = tables.PassportCustodyTable


class PassportCustodyView(generic.ObjectView):
    queryset = PassportCustody.objects.select_related("visit", "holder_user")
    personal_fields = ("passport_number",)


class PassportCustodyEditView(generic.ObjectEditView):
    queryset = PassportCustody.objects.all()
    form_class = forms.PassportCustodyForm
    personal_fields = ("passport_number",)
