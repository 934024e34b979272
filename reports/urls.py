from django.urls import path

from foreign_affairs.routing import object_urls
from foreign_affairs.views.workflow import workflow_urls
from reports import views
from reports.models import AnnualReport, Submission, Training

app_name = "reports"

urlpatterns = [
    path("", views.AnnualReportListView.as_view(), name="annualreport_list"),
    path("new/", views.ReportCreateView.as_view(), name="annualreport_add"),
    path("import/", views.ReportImportView.as_view(), name="annualreport_import"),
    path("<int:year>/", views.AnnualReportView.as_view(), name="annualreport"),
    path("<int:year>/preview/", views.ReportPreviewView.as_view(), name="annualreport_preview"),
    path("<int:year>/pdf/", views.ReportPdfView.as_view(), name="annualreport_pdf"),
    path("<int:year>/docx/", views.ReportDocxView.as_view(), name="annualreport_docx"),
    path(
        "<int:year>/statistics.xlsx",
        views.ReportStatisticsXlsxView.as_view(),
        name="annualreport_statistics",
    ),
    path("<int:year>/edit/", views.ReportEditView.as_view(), name="annualreport_edit"),
    *workflow_urls(AnnualReport, lookup="year"),
    path("<int:year>/parts/<int:pk>/", views.PartEditView.as_view(), name="part_edit"),
    path(
        "<int:year>/parts/<int:pk>/add-section/",
        views.SectionAddView.as_view(),
        name="section_add",
    ),
    path("<int:year>/sections/<int:pk>/", views.SectionEditView.as_view(), name="section_edit"),
    path(
        "<int:year>/sections/<int:pk>/move/<str:direction>/",
        views.SectionMoveView.as_view(),
        name="section_move",
    ),
    path(
        "<int:year>/sections/<int:pk>/delete/",
        views.SectionDeleteView.as_view(),
        name="section_delete",
    ),
    *object_urls(
        Submission,
        prefix="submissions/",
        list_view=views.SubmissionListView,
        detail_view=views.SubmissionView,
        edit_view=views.SubmissionEditView,
    ),
    *object_urls(
        Training,
        prefix="trainings/",
        list_view=views.TrainingListView,
        detail_view=views.TrainingView,
        edit_view=views.TrainingEditView,
    ),
]
