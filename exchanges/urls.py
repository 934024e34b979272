from django.urls import path

from exchanges import views
from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitPlanLine
from foreign_affairs.routing import object_urls
from foreign_affairs.views.workflow import workflow_urls

app_name = "exchanges"

urlpatterns = [
    *object_urls(
        ExchangeProject,
        prefix="projects/",
        list_view=views.ExchangeProjectListView,
        detail_view=views.ExchangeProjectView,
        edit_view=views.ExchangeProjectEditView,
    ),
    path("participants/import/", views.ParticipantImportView.as_view(), name="participant_import"),
    *object_urls(
        Participant,
        prefix="participants/",
        list_view=views.ParticipantListView,
        detail_view=views.ParticipantView,
        edit_view=views.ParticipantEditView,
    ),
    *object_urls(
        VisitPlanLine,
        prefix="plan/",
        list_view=views.VisitPlanLineListView,
        detail_view=views.VisitPlanLineView,
        edit_view=views.VisitPlanLineEditView,
    ),
    path("visits/findings/", views.VisitFindingsView.as_view(), name="visit_findings"),
    path("visits/abroad/", views.AbroadNowView.as_view(), name="visit_abroad"),
    *workflow_urls(Visit, prefix="visits/"),
    *workflow_urls(PassportCustody, prefix="passports/"),
    path("visits/<int:pk>/print/", views.VisitPrintView.as_view(), name="visit_print"),
    path(
        "visits/<int:pk>/approval-sheet/",
        views.VisitApprovalSheetView.as_view(),
        name="visit_approval_sheet",
    ),
    path(
        "visits/<int:pk>/approval-sheet.pdf",
        views.VisitApprovalSheetPdfView.as_view(),
        name="visit_approval_sheet_pdf",
    ),
    *object_urls(
        Visit,
        prefix="visits/",
        list_view=views.VisitListView,
        detail_view=views.VisitView,
        edit_view=views.VisitEditView,
    ),
    *object_urls(
        PassportCustody,
        prefix="passports/",
        list_view=views.PassportCustodyListView,
        detail_view=views.PassportCustodyView,
        edit_view=views.PassportCustodyEditView,
    ),
]
