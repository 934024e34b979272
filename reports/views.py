from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import DetailView, FormView, ListView, View

from foreign_affairs.attachments import MissingFileError, missing_file_response
from foreign_affairs.history import history_changes
from foreign_affairs.views import generic
from foreign_affairs.views.workflow import workflow_context
from reports import filters, forms, output, services, tables
from reports.models import AnnualReport, ReportPart, ReportSection, Submission, Training


class ReportPermissionMixin(generic.ObjectPermissionMixin):
    """Report pages: the permission is `reports.<permission>` (view, change, submit, approve)."""

    queryset = AnnualReport.objects.all()
    permission = "view_annualreport"

    def get_permission_required(self) -> str:
        return f"reports.{self.permission}"

    def get_report(self) -> AnnualReport:
        return get_object_or_404(AnnualReport, year=self.kwargs["year"])


class AnnualReportListView(ReportPermissionMixin, ListView):
    """The reports by year, with status, approval and downloads; new report and import."""

    template_name = "reports/report_list.html"
    context_object_name = "reports"

    def get_queryset(self):
        return AnnualReport.objects.select_related("prepared_by", "approved_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            new_form=forms.NewReportForm(),
            import_form=forms.ReportImportForm(),
            **kwargs,
        )


class AnnualReportView(ReportPermissionMixin, DetailView):
    """One report: preview identical to the PDF, statistics, review actions, history."""

    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return get_object_or_404(
            AnnualReport.objects.select_related("prepared_by", "approved_by"),
            year=self.kwargs["year"],
        )

    def get_context_data(self, **kwargs):
        report = self.object
        user = self.request.user
        return super().get_context_data(
            statistics_html=output.report_statistics_html(report),
            history=history_changes(report),
            can_edit=user.has_perm("reports.change_annualreport")
            and report.status == AnnualReport.Status.DRAFT,
            **workflow_context(report, user, lookup=report.year),
            **kwargs,
        )


class ReportPreviewView(ReportPermissionMixin, View):
    """The report as the HTML the PDF is printed from (shown in a frame on the report page)."""

    @method_decorator(xframe_options_sameorigin)
    def get(self, request, year):
        from reports.pdf import render_report_html

        report = self.get_report()
        html = render_report_html(
            report,
            draft=report.status != AnnualReport.Status.APPROVED,
            statistics_html=output.appendix_html(report),
        )
        return HttpResponse(html)


class ReportPdfView(ReportPermissionMixin, View):
    """The PDF: exactly the archived bytes of an approved report, else rendered as a draft."""

    def get(self, request, year):
        from reports.pdf import report_filename

        report = self.get_report()
        try:
            data = output.report_pdf_bytes(report)
        except MissingFileError as error:
            return missing_file_response(request, error)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, report_filename(report))
        return response


class ReportDocxView(ReportPermissionMixin, View):
    """The report as a Word document (text only, no statistics) for the office to edit."""

    def get(self, request, year):
        from reports.docx_export import DOCX_CONTENT_TYPE, render_report_docx, report_docx_filename

        report = self.get_report()
        response = HttpResponse(render_report_docx(report), content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, report_docx_filename(report)
        )
        return response


class ReportStatisticsXlsxView(ReportPermissionMixin, View):
    """统计报表: one sheet per category an education authority asks for.

    The workbook lists records of these models by name: whoever downloads it needs the view
    permission of each of them as well as the report's (issue 10 item 2).
    """

    listed = (
        "faculty.view_foreignteacher",
        "exchanges.view_visit",
        "exchanges.view_visitmember",
        "exchanges.view_participant",
        "exchanges.view_exchangeproject",
        "partners.view_institution",
        "partners.view_agreement",
    )

    def has_permission(self) -> bool:
        return super().has_permission() and self.request.user.has_perms(self.listed)

    def get(self, request, year):
        from reports.xlsx import statistics_workbook

        report = self.get_report()
        response = HttpResponse(
            statistics_workbook(report.year),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{report.year}年外事统计报表.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response


class ReportCreateView(ReportPermissionMixin, FormView):
    """Create the draft of a new year's report from the live data."""

    permission = "add_annualreport"
    form_class = forms.NewReportForm
    http_method_names = ["post"]

    def form_valid(self, form):
        try:
            report = services.report_create_draft(
                year=form.cleaned_data["year"], user=self.request.user
            )
        except ValidationError as error:
            messages.error(self.request, "；".join(error.messages))
            return redirect("reports:annualreport_list")
        messages.success(self.request, _("Draft created from this year's records."))
        return redirect("reports:annualreport_edit", year=report.year)

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect("reports:annualreport_list")


class ReportImportView(ReportPermissionMixin, FormView):
    """Import a past report from a .txt (UTF-8/GB18030) or .docx file."""

    permission = "add_annualreport"
    form_class = forms.ReportImportForm
    template_name = "reports/report_import.html"

    def form_valid(self, form):
        from reports.importer import report_import

        upload = form.cleaned_data["file"]
        try:
            report = report_import(
                file=upload,
                filename=upload.name,
                year=form.cleaned_data["year"],
                user=self.request.user,
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        messages.success(self.request, _("Imported the report “%(report)s”.") % {"report": report})
        for notice in report.import_notices:
            messages.warning(self.request, notice)
        return redirect(report.get_absolute_url())


class ReportEditorMixin(ReportPermissionMixin):
    """Editor pages: office staff only, and only while the report is a draft."""

    permission = "change_annualreport"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("reports:annualreport", year=kwargs["year"])

    def get_report(self):
        report = super().get_report()
        services.report_ensure_editable(report)
        return report

    def get_part(self, pk) -> ReportPart:
        return get_object_or_404(ReportPart, pk=pk, report=self.get_report())

    def get_section(self, pk) -> ReportSection:
        return get_object_or_404(
            ReportSection.objects.select_related("part__report"),
            pk=pk,
            part__report=self.get_report(),
        )

    def edit_url(self, anchor: str = "") -> str:
        url = reverse("reports:annualreport_edit", args=[self.kwargs["year"]])
        return f"{url}#{anchor}" if anchor else url


class ReportEditView(ReportEditorMixin, View):
    """The editor: title, preface, parts and their sections (add, remove, reorder, edit)."""

    def get(self, request, year):
        report = self.get_report()
        return self.render(report, forms.ReportForm(instance=report))

    def post(self, request, year):
        report = self.get_report()
        form = forms.ReportForm(request.POST, instance=report)
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect(self.edit_url())
        return self.render(report, form)

    def render(self, report, form):
        parts = report.parts.prefetch_related("sections").order_by("order")
        context = {"report": report, "form": form, "parts": parts, "opts": AnnualReport._meta}
        return TemplateResponse(self.request, "reports/report_edit.html", context)


class EditorFormView(ReportEditorMixin, View):
    """Edit one part or section of a draft report in its own form."""

    form_class = None

    def get_object(self, pk):
        raise NotImplementedError

    def get(self, request, year, pk):
        obj = self.get_object(pk)
        return self.render(obj, self.form_class(instance=obj))

    def post(self, request, year, pk):
        obj = self.get_object(pk)
        form = self.form_class(request.POST, instance=obj)
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved “%(obj)s”.") % {"obj": obj})
            return redirect(self.edit_url(f"{obj._meta.model_name}-{obj.pk}"))
        return self.render(obj, form)

    def render(self, obj, form):
        context = {"report": self.get_report(), "object": obj, "form": form, "opts": obj._meta}
        return TemplateResponse(self.request, "reports/editor_form.html", context)


class PartEditView(EditorFormView):
    form_class = forms.ReportPartForm

    def get_object(self, pk):
        return self.get_part(pk)


class SectionEditView(EditorFormView):
    form_class = forms.ReportSectionForm

    def get_object(self, pk):
        return self.get_section(pk)


class SectionAddView(ReportEditorMixin, View):
    http_method_names = ["post"]

    def post(self, request, year, pk):
        form = forms.SectionAddForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("title", []):
                messages.error(request, error)
            return redirect(self.edit_url())
        title = form.cleaned_data["title"] or _("New section")
        section = services.section_add(part=self.get_part(pk), title=title)
        return redirect("reports:section_edit", year=year, pk=section.pk)


class SectionMoveView(ReportEditorMixin, View):
    http_method_names = ["post"]

    def post(self, request, year, pk, direction):
        if direction not in ("up", "down"):
            raise Http404
        section = self.get_section(pk)
        services.section_move(section=section, direction=direction)
        return redirect(self.edit_url(f"reportsection-{section.pk}"))


class SectionDeleteView(ReportEditorMixin, View):
    http_method_names = ["post"]

    def post(self, request, year, pk):
        section = self.get_section(pk)
        services.section_delete(section=section)
        messages.success(request, _("Removed the section “%(title)s”.") % {"title": section})
        return redirect(self.edit_url())


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
