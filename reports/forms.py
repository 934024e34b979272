from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foreign_affairs.forms import PortalForm, secure_fields
from reports.block_forms import blocks_field
from reports.models import AnnualReport, ReportPart, ReportSection, Submission, Training


class SubmissionForm(PortalForm):
    class Meta:
        model = Submission
        fields = (
            "title",
            "authority",
            "kind",
            "due_on",
            "submitted_on",
            "file",
            "report",
            "notes",
            "version",
        )


class TrainingForm(PortalForm):
    class Meta:
        model = Training
        fields = (
            "title",
            "kind",
            "organiser",
            "date",
            "hours",
            "attendees",
            "attendee_count",
            "version",
        )


class ReportForm(PortalForm):
    wide_fields = ("title", "preface")
    preface = blocks_field(AnnualReport, "preface")

    class Meta:
        model = AnnualReport
        fields = ("title", "preface", "confidentiality", "append_statistics", "version")


class ReportPartForm(PortalForm):
    wide_fields = ("title", "intro")
    intro = blocks_field(ReportPart, "intro")

    class Meta:
        model = ReportPart
        fields = ("title", "intro", "version")


class ReportSectionForm(PortalForm):
    wide_fields = ("title", "body")
    body = blocks_field(ReportSection, "body")

    class Meta:
        model = ReportSection
        fields = ("title", "body", "version")


class SectionAddForm(forms.Form):
    """The title of a new section (blank: "New section"); a bad one is refused, not saved."""

    title = forms.CharField(
        required=False, max_length=ReportSection._meta.get_field("title").max_length
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        secure_fields(self)


def _year_field():
    return forms.IntegerField(
        label=_("year"),
        min_value=2000,
        max_value=2100,
        initial=lambda: timezone.localdate().year,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class NewReportForm(forms.Form):
    year = _year_field()


class ReportImportForm(forms.Form):
    file = forms.FileField(
        label=_("report file"),
        help_text=_(
            "A Word file (.docx, or .doc, .wps, .rtf, .odt: converted with LibreOffice) or a "
            ".txt file (UTF-8 or GB18030)."
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".docx,.doc,.wps,.rtf,.odt,.txt"}
        ),
    )
    year = _year_field()
    replace = forms.BooleanField(
        label=_("replace the existing report of that year"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
