from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from exchanges import approval_sheet, filters, forms, selectors, tables, workflows
from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitPlanLine
from exchanges.resources import ParticipantResource
from foreign_affairs.compliance import findings, findings_of
from foreign_affairs.imports import ObjectImportView
from foreign_affairs.models import StaleVersionError
from foreign_affairs.views import generic
from foreign_affairs.workflow import inbox_open, office


class ExchangeProjectListView(generic.ObjectListView):
    queryset = selectors.projects_with_participant_count()
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
    proposal_task = _("Review the proposed exchange project")


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
    queryset = selectors.plan_lines_with_visit_count()
    filterset_class = filters.VisitPlanLineFilterSet
    table_class = tables.VisitPlanLineTable


class VisitPlanLineView(generic.ObjectView):
    queryset = VisitPlanLine.objects.all()
    tabs = [
        generic.Tab(
            "visits",
            _("Visits"),
            tables.VisitTable,
            lambda obj: obj.visits.prefetch_related("members", "passports"),
            "exchanges:visit_add",
            "plan_line",
        ),
    ]


class VisitPlanLineEditView(generic.ObjectEditView):
    queryset = VisitPlanLine.objects.all()
    form_class = forms.VisitPlanLineForm


class VisitListView(generic.ObjectListView):
    queryset = Visit.objects.select_related("plan_line").prefetch_related("members", "passports")
    filterset_class = filters.VisitFilterSet
    table_class = tables.VisitTable


VISIT_FIELD_GROUPS = [
    (
        generic.BASIC,
        (
            "direction",
            "title",
            "trip_kind",
            "department",
            "funding_source",
            "plan_line",
            "off_plan_reason",
            "delegation",
            "nationality",
            "persons",
            "host_department",
            "purpose",
            "reception_plan",
            "outcome",
        ),
    ),
    (
        _("Itinerary"),
        (
            "destinations",
            "stopovers",
            "stopovers_airport_only",
            "institutions",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ),
    ),
    (
        generic.DATES,
        (
            "approval_number",
            "briefing_on",
            "pledge_signed_on",
            "report_submitted_on",
            "cancel_reason",
        ),
    ),
    (generic.DOCUMENTS, ("approval_file", "report_file", "report_summary")),
]


class VisitView(generic.ObjectView):
    queryset = Visit.objects.select_related("plan_line", "proposed_by").prefetch_related(
        "members", "passports"
    )
    template_name = "exchanges/visit_detail.html"
    hidden_fields = (*generic.ObjectView.hidden_fields, "status")  # the workflow panel shows it
    field_groups = VISIT_FIELD_GROUPS
    print_url_name = "exchanges:visit_print"

    def get_fields(self):
        # An outbound visit has no host department; a delegation received has no plan line.
        other = Visit.INBOUND_FIELDS if self.object.is_outbound else Visit.OUTBOUND_FIELDS
        return [row for row in super().get_fields() if row["name"] not in other]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can"]["change"] = not context["read_only"] and selectors.may_edit_visit(
            self.request.user, self.object
        )
        return context


class VisitPrintView(generic.ObjectPrintView, VisitView):
    """A visit on A4 paper: the delegation, the itinerary, the approval (批件), the plan line,
    the steps taken and the findings of the rules."""

    queryset = Visit.objects.select_related("plan_line", "proposed_by").prefetch_related(
        "members", "institutions"
    )
    template_name = "print/visit.html"


class VisitEditView(generic.ObjectEditView):
    """Add or change a visit and its members; a liaison edits their own draft only.

    The findings of the rules are shown live as the user types (`VisitFindingsView`).
    """

    queryset = Visit.objects.all()
    form_class = forms.VisitForm
    template_name = "exchanges/visit_edit.html"
    proposal_fields = (
        "direction",
        "title",
        "purpose",
        "trip_kind",
        "department",
        "funding_source",
        "plan_line",
        "off_plan_reason",
        "destinations",
        "stopovers",
        "stopovers_airport_only",
        "institutions",
        "planned_start",
        "planned_end",
        "delegation",
        "nationality",
        "persons",
        "host_department",
        "reception_plan",
        "version",
    )

    def has_permission(self) -> bool:
        if super().has_permission():
            return True
        # A liaison's own draft is theirs to change until it is submitted.
        visit = self.get_object() if self.kwargs.get("pk") else None
        return visit is not None and selectors.may_edit_visit(self.request.user, visit)

    # Recorded later, by the steps (departure, return) or once the group is briefed.
    LATER_FIELDS = ("actual_start", "actual_end", "briefing_on", "pledge_signed_on", "outcome")

    def is_proposal(self) -> bool:
        return not self.request.user.has_perm("exchanges.change_visit")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.object is None:
            for name in self.LATER_FIELDS:
                form.fields.pop(name, None)
        return form

    def get_context_data(self, **kwargs):
        if "members" not in kwargs:
            kwargs["members"] = self.get_members_formset()
        if self.object is not None and self.request.method == "GET":
            kwargs["initial_findings"] = findings(self.object)
        return super().get_context_data(
            outbound_fields=Visit.OUTBOUND_FIELDS, inbound_fields=Visit.INBOUND_FIELDS, **kwargs
        )

    def get_members_formset(self):
        data = (self.request.POST, self.request.FILES) if self.request.method == "POST" else ()
        return forms.VisitMemberFormSet(*data, instance=self.object or Visit(), prefix="members")

    def form_valid(self, form):
        members = forms.VisitMemberFormSet(
            self.request.POST, instance=form.instance, prefix="members"
        )
        if not members.is_valid():
            return self.render_to_response(self.get_context_data(form=form, members=members))
        adding = form.instance.pk is None
        if adding:
            form.instance.proposed_by = self.request.user
        try:
            with transaction.atomic():
                self.object = form.save()
                members.instance = self.object
                members.save()
                count = self.object.members.count()
                if self.object.is_outbound and count and count != self.object.persons:
                    self.object.persons = count  # an outbound group counts its members
                    self.object.save(update_fields=["persons"])
                workflows.passports_due_back(self.object, self.request.user)
                if adding and self.is_proposal() and not self.object.is_outbound:
                    # A delegation proposed by a department goes to the office at once (an
                    # outbound proposal stays the proposer's draft until they submit it).
                    inbox_open(
                        obj=self.object,
                        recipients=office(self.object),
                        task=_("Approve the visit received"),
                        actor=self.request.user,
                    )
        except StaleVersionError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form, members=members))
        messages.success(self.request, gettext("Saved “%(obj)s”.") % {"obj": self.object})
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(
            self.get_context_data(form=form, members=self.get_members_formset())
        )


class VisitFindingsView(generic.ObjectPermissionMixin, View):
    """POST the visit form as it is being typed; answer the rules' findings (an htmx panel)."""

    queryset = Visit.objects.all()
    action = "add"
    http_method_names = ["post"]

    def post(self, request):
        visit = Visit()
        pk = request.POST.get("visit_pk", "")
        if pk.isdigit() and len(pk) < 19:
            visit = Visit.objects.filter(pk=int(pk)).first() or Visit()
        form = forms.VisitForm(request.POST, instance=visit)
        form.is_valid()  # fills the instance with every field that is valid
        members = forms.VisitMemberFormSet(request.POST, instance=visit, prefix="members")
        rows = []
        if members.is_bound and members.management_form.is_valid():
            for member_form in members.forms:
                member_form.is_valid()
                if not member_form.cleaned_data.get("DELETE"):
                    rows.append(member_form.instance)
        facts = selectors.visit_facts(form.instance, rows)
        return TemplateResponse(
            request,
            "includes/findings.html",
            {"findings": findings_of(visit, facts), "show_empty": True},
        )


class AbroadNowView(generic.ObjectPermissionMixin, TemplateView):
    """Who is abroad right now: the members of every visit that departed and is not back."""

    queryset = Visit.objects.all()
    template_name = "exchanges/abroad.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(visits=selectors.abroad_now(), **kwargs)


class PassportCustodyListView(generic.ObjectListView):
    queryset = PassportCustody.objects.select_related("visit")
    filterset_class = filters.PassportCustodyFilterSet
    table_class = tables.PassportCustodyTable


class PassportCustodyView(generic.ObjectView):
    queryset = PassportCustody.objects.select_related("visit", "holder_user")
    hidden_fields = (*generic.ObjectView.hidden_fields, "status")  # the workflow panel shows it

    def get_chips(self):
        if self.object.is_overdue:  # from the due date, as of today
            return [{"value": "overdue", "label": gettext("Overdue")}]
        return []


class PassportCustodyEditView(generic.ObjectEditView):
    queryset = PassportCustody.objects.all()
    form_class = forms.PassportCustodyForm


class VisitApprovalSheetView(generic.ObjectPermissionMixin, View):
    """The 出访审批表 of an outbound visit, to print from the browser (404 for one received)."""

    queryset = Visit.objects.filter(direction=Visit.Direction.OUTBOUND).select_related("plan_line")

    def get(self, request, pk):
        return HttpResponse(approval_sheet.approval_sheet_html(self.get_object(pk)))

    def get_object(self, pk) -> Visit:
        return get_object_or_404(self.queryset, pk=pk)


class VisitApprovalSheetPdfView(VisitApprovalSheetView):
    """The 出访审批表 as PDF: 出访审批表-<title>.pdf."""

    def get(self, request, pk):
        visit = self.get_object(pk)
        pdf = approval_sheet.approval_sheet_pdf(visit)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, approval_sheet.approval_sheet_filename(visit)
        )
        return response
