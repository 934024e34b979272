from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from faculty import filters, forms, self_inspection, tables
from faculty.models import (
    EXPIRY_STATE_LABELS,
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
from foreign_affairs.privacy import mask, may_see_personal_data, personal_data_access_log
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


TEACHER_FIELD_GROUPS = [
    (
        generic.BASIC,
        (
            "family_name",
            "given_name",
            "chinese_name",
            "gender",
            "date_of_birth",
            "nationality",
            "native_language",
            "email",
            "phone",
        ),
    ),
    (
        _("Qualifications"),
        (
            "highest_degree",
            "degree_field",
            "degree_in_education_or_language",
            "has_tefl_certificate",
            "has_teaching_licence",
            "years_experience",
            "teaches_native_language",
            "has_guarantee_letter",
        ),
    ),
    (_("Employment and status"), ("status", "employment", "department", "subjects")),
    (generic.PEOPLE, ("manager", "assistants")),
]


class ForeignTeacherView(generic.ObjectView):
    queryset = ForeignTeacher.objects.select_related("manager").prefetch_related(*TEACHER_PREFETCH)
    template_name = "faculty/foreignteacher_detail.html"
    print_url_name = "faculty:foreignteacher_print"
    field_groups = TEACHER_FIELD_GROUPS
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


class ForeignTeacherPrintView(generic.ObjectPrintView):
    """A teacher's file on A4 paper: identity, contracts, documents with their validity, the
    checklist and the yearly checks; identifiers masked and logged as on the detail page."""

    queryset = ForeignTeacher.objects.select_related("manager").prefetch_related(
        *TEACHER_PREFETCH, "checks", "changes"
    )
    template_name = "print/teacher.html"
    field_groups = TEACHER_FIELD_GROUPS

    def get_context_data(self, **kwargs):
        teacher = self.object
        documents = print_documents(teacher, self.request)
        return super().get_context_data(
            checklist=teacher_checklist(teacher),
            contracts=teacher.contracts.all(),
            documents=documents,
            checks=teacher.checks.all(),
            changes=teacher.changes.all(),
            **kwargs,
        )


def print_documents(teacher, request) -> list[dict]:
    """Return a teacher's documents for the paper file: each number masked unless the user
    may see it, and each one shown unmasked written to the access log (as on its own page)."""
    unmasked = may_see_personal_data(request.user)
    rows = []
    for document in teacher.documents.all():
        number = document.number
        if number and unmasked:
            personal_data_access_log(
                user=request.user, obj=document, fields=["number"], path=request.path
            )
        elif number:
            number = mask(number)
        state = document.expiry_state
        rows.append(
            {
                "document": document,
                "number": number,
                "state": state,
                "state_label": EXPIRY_STATE_LABELS.get(state, ""),
            }
        )
    return rows


class ForeignTeacherEditView(generic.ObjectEditView):
    queryset = ForeignTeacher.objects.all()
    form_class = forms.ForeignTeacherForm


class ContractListView(generic.ObjectListView):
    queryset = Contract.objects.select_related("teacher")
    filterset_class = filters.ContractFilterSet
    table_class = tables.ContractTable

    def get_queryset(self):
        # Today's state, read per request, for the export (`ContractTable.export_values`).
        return super().get_queryset().annotate(state_today=Contract.state_expression())


class ContractView(generic.ObjectView):
    queryset = Contract.objects.select_related("teacher")


class ContractEditView(generic.ObjectEditView):
    queryset = Contract.objects.all()
    form_class = forms.ContractForm


class IdentityDocumentListView(generic.ObjectListView):
    queryset = IdentityDocument.objects.select_related("teacher")
    filterset_class = filters.IdentityDocumentFilterSet
    table_class = tables.IdentityDocumentTable

    def get_queryset(self):
        # Today's expiry state, for the export (`IdentityDocumentTable.export_values`).
        expression = IdentityDocument.expiry_state_expression()
        return super().get_queryset().annotate(expiry_state_today=expression)


class IdentityDocumentView(generic.ObjectView):
    queryset = IdentityDocument.objects.select_related("teacher")

    def get_chips(self):
        state = self.object.expiry_state  # from the expiry date, as of today
        return [{"value": state, "label": EXPIRY_STATE_LABELS[state]}] if state else []


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
