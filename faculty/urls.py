from django.urls import path

from faculty import views
from faculty.models import Contract, ForeignTeacher, IdentityDocument, Incident, QualificationCheck
from foreign_affairs.routing import object_urls

app_name = "faculty"

urlpatterns = [
    *object_urls(
        Contract,
        prefix="contracts/",
        list_view=views.ContractListView,
        detail_view=views.ContractView,
        edit_view=views.ContractEditView,
    ),
    *object_urls(
        IdentityDocument,
        prefix="documents/",
        list_view=views.IdentityDocumentListView,
        detail_view=views.IdentityDocumentView,
        edit_view=views.IdentityDocumentEditView,
    ),
    *object_urls(
        QualificationCheck,
        prefix="checks/",
        list_view=views.QualificationCheckListView,
        detail_view=views.QualificationCheckView,
        edit_view=views.QualificationCheckEditView,
    ),
    *object_urls(
        Incident,
        prefix="incidents/",
        list_view=views.IncidentListView,
        detail_view=views.IncidentView,
        edit_view=views.IncidentEditView,
    ),
    path("import/", views.ForeignTeacherImportView.as_view(), name="foreignteacher_import"),
    *object_urls(
        ForeignTeacher,
        list_view=views.ForeignTeacherListView,
        detail_view=views.ForeignTeacherView,
        edit_view=views.ForeignTeacherEditView,
    ),
]
