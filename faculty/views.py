from django.utils.translation import gettext_lazy as _

from faculty import filters, forms, tables
from faculty.models import Contract, ForeignTeacher, IdentityDocument, Incident, QualificationCheck
from faculty.resources import ForeignTeacherResource
from foreign_affairs.imports import ObjectImportView
from foreign_affairs.views import generic

TEACHER_PERSONAL_FIELDS = ("date_of_birth", "phone")


class ForeignTeacherListView(generic.ObjectListView):
    queryset = ForeignTeacher.objects.all()
    filterset_class = filters.ForeignTeacherFilterSet
    table_class = tables.ForeignTeacherTable
    import_url_name = "faculty:foreignteacher_import"


class ForeignTeacherImportView(ObjectImportView):
    queryset = ForeignTeacher.objects.all()
    resource_class = ForeignTeacherResource


class ForeignTeacherView(generic.ObjectView):
    queryset = ForeignTeacher.objects.select_related("manager")
    template_name = "faculty/foreignteacher_detail.html"
    personal_fields = TEACHER_PERSONAL_FIELDS
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


class ForeignTeacherEditView(generic.ObjectEditView):
    queryset = ForeignTeacher.objects.all()
    form_class = forms.ForeignTeacherForm
    personal_fields = TEACHER_PERSONAL_FIELDS


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
    personal_fields = ("number",)


class IdentityDocumentEditView(generic.ObjectEditView):
    queryset = IdentityDocument.objects.all()
    form_class = forms.IdentityDocumentForm
    personal_fields = ("number",)


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
