from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from faculty import filters, forms, self_inspection, tables
from faculty.models import (
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
    TeacherChange,
)
from faculty.resources import ForeignTeacherResource
from faculty.rules import teacher_checklist
from faculty.selectors import TEACHER_PREFETCH
from foreign_affairs.imports import ObjectImportView
from foreign_affairs.views import generic


class ForeignTeacherListView(generic.ObjectListView):
    queryset = ForeignTeacher.objects.prefetch_related(*TEACHER_PREFETCH)
    filterset_class = filters.ForeignTeacherFilterSet
    table_class = tables.ForeignTeacherTable
    import_url_name = "faculty:foreignteacher_import"
    template_name = "faculty/foreignteacher_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(this_year=timezone.localdate().year, **kwargs)


class ForeignTeacherImportView(ObjectImportView):
    queryset = ForeignTeacher.objects.all()
    resource_class = ForeignTeacherResource


class ForeignTeacherView(generic.ObjectView):
    queryset = ForeignTeacher.objects.select_related("manager").prefetch_related(*TEACHER_PREFETCH)
    template_name = "faculty/foreignteacher_detail.html"
    tabs = [
        generic.Tab(
            "contracts",
            _("Contracts"),
            tables.ContractTable,
            lambda obj: obj.contracts.select_related("teacher"),
            "faculty:contract_add",
            "teacher",
        ),
        generic.Tab(
            "documents",
            _("Identity documents"),
            tables.IdentityDocumentTable,
            lambda obj: obj.documents.select_related("teacher"),
            "faculty:identitydocument_add",
            "teacher",
        ),
        generic.Tab(
            "changes",
            _("Changes to file"),
            tables.TeacherChangeTable,
            lambda obj: obj.changes.select_related("teacher"),
            "faculty:teacherchange_add",
            "teacher",
        ),
        generic.Tab(
            "checks",
            _("Qualification checks"),
            tables.QualificationCheckTable,
            lambda obj: obj.checks.select_related("teacher"),
            "faculty:qualificationcheck_add",
            "teacher",
        ),
        generic.Tab(
            "incidents",
            _("Incidents"),
            tables.IncidentTable,
            lambda obj: obj.incidents.select_related("teacher"),
            "faculty:incident_add",
            "teacher",
        ),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(checklist=teacher_checklist(self.object), **kwargs)
        context["findings"] = []  # the checklist shows them, item by item
        return context


class ForeignTeacherEditView(generic.ObjectEditView):
    queryset = ForeignTeacher.objects.all()
    form_class = forms.ForeignTeacherForm


class ContractListView(generic.ObjectListView):
    queryset = Contract.objects.select_related("teacher")
    filterset_class = filters.ContractFilterSet
    table_class = tables.ContractTable


class ContractView(generic.ObjectView):
    queryset = Contract.objects.select_related("teacher")


class ContractEditView(generic.ObjectEditView):
    queryset = Contract.objects.all()
    form_class = forms.ContractForm


class IdentityDocumentListView(generic.ObjectListView):
    queryset = IdentityDocument.objects.select_related("teacher")
    filterset_class = filters.IdentityDocumentFilterSet
    table_class = tables.IdentityDocumentTable


class IdentityDocumentView(generic.ObjectView):
    queryset = IdentityDocument.objects.select_related("teacher")


class IdentityDocumentEditView(generic.ObjectEditView):
    queryset = IdentityDocument.objects.all()
    form_class = forms.IdentityDocumentForm


class QualificationCheckListView(generic.ObjectListView):
    queryset = QualificationCheck.objects.select_related("teacher")
    filterset_class = filters.QualificationCheckFilterSet
    table_class = tables.QualificationCheckTable


class QualificationCheckView(generic.ObjectView):
    queryset = QualificationCheck.objects.select_related("teacher", "reviewer")


class QualificationCheckEditView(generic.ObjectEditView):
    queryset = QualificationCheck.objects.all()
    form_class = forms.QualificationCheckForm


class IncidentListView(generic.ObjectListView):
    queryset = Incident.objects.select_related("teacher")
    filterset_class = filters.IncidentFilterSet
    table_class = tables.IncidentTable


class IncidentView(generic.ObjectView):
    queryset = Incident.objects.select_related("teacher")


class IncidentEditView(generic.ObjectEditView):
    queryset = Incident.objects.all()
    form_class = forms.IncidentForm


class TeacherChangeListView(generic.ObjectListView):
    queryset = TeacherChange.objects.select_related("teacher")
    filterset_class = filters.TeacherChangeFilterSet
    table_class = tables.TeacherChangeTable


class TeacherChangeView(generic.ObjectView):
    queryset = TeacherChange.objects.select_related("teacher")


class TeacherChangeEditView(generic.ObjectEditView):
    queryset = TeacherChange.objects.all()
    form_class = forms.TeacherChangeForm


class SelfInspectionView(generic.ObjectPermissionMixin, TemplateView):
    """The 年度自查 of foreign teachers: every teacher of the year, item by item."""

    queryset = ForeignTeacher.objects.all()
    template_name = "faculty/self_inspection.html"

    def get_context_data(self, **kwargs):
        year = self_inspection.inspection_year(kwargs.pop("year"))
        return super().get_context_data(**self_inspection.self_inspection_context(year), **kwargs)


class SelfInspectionPdfView(generic.ObjectPermissionMixin, View):
    """The 年度自查 as PDF, as the office sends it up."""

    queryset = ForeignTeacher.objects.all()

    def get(self, request, year):
        year = self_inspection.inspection_year(year)
        response = HttpResponse(self_inspection.self_inspection_pdf(year), "application/pdf")
        filename = self_inspection.self_inspection_filename(year)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
