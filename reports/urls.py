from django.urls import path

from foreign_affairs.routing import object_urls
from reports import views
from reports.models import Submission, Training

app_name = "reports"

urlpatterns = [
    path("", views.AnnualReportListView.as_view(), name="annualreport_list"),
    path("<int:year>/", views.AnnualReportView.as_view(), name="annualreport"),
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
