from foreign_affairs.views import generic
from reports import filters, forms, tables
from reports.models import AnnualReport, Submission, Training


class AnnualReportListView(generic.ObjectListView):
    queryset = AnnualReport.objects.select_related("prepared_by", "approved_by")
    filterset_class = filters.AnnualReportFilterSet
    table_class = tables.AnnualReportTable


class AnnualReportView(generic.ObjectView):
    queryset = AnnualReport.objects.select_related("prepared_by", "approved_by")
    slug_field = "year"
    slug_url_kwarg = "year"


class SubmissionListView(generic.ObjectListView):
    queryset = Submission.objects.select_related("report")
    filterset_class = filters.SubmissionFilterSet
    table_class = tables.SubmissionTable


class SubmissionView(generic.ObjectView):
    queryset = Submission.objects.select_related("report")


class SubmissionEditView(generic.ObjectEditView):
    queryset = Submission.objects.all()
    form_class = forms.SubmissionForm


class TrainingListView(generic.ObjectListView):
    queryset = Training.objects.all()
    filterset_class = filters.TrainingFilterSet
    table_class = tables.TrainingTable


class TrainingView(generic.ObjectView):
    queryset = Training.objects.all()


class TrainingEditView(generic.ObjectEditView):
    queryset = Training.objects.all()
    form_class = forms.TrainingForm
