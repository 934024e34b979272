from django.urls import path

from faculty import views
from faculty.models import (
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
    TeacherChange,
)
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
    *object_urls(
        TeacherChange,
        prefix="changes/",
        list_view=views.TeacherChangeListView,
        detail_view=views.TeacherChangeView,
        edit_view=views.TeacherChangeEditView,
    ),
    path("import/", views.ForeignTeacherImportView.as_view(), name="foreignteacher_import"),
    path(
        "self-inspection/<int:year>/",
        views.SelfInspectionView.as_view(),
        name="self_inspection",
    ),
    path(
        "self-inspection/<int:year>/pdf/",
        views.SelfInspectionPdfView.as_view(),
        name="self_inspection_pdf",
    ),
    path("<int:pk>/print/", views.ForeignTeacherPrintView.as_view(), name="foreignteacher_print"),
    *object_urls(
        ForeignTeacher,
        list_view=views.ForeignTeacherListView,
        detail_view=views.ForeignTeacherView,
        edit_view=views.ForeignTeacherEditView,
    ),
]
