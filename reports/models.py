"""The yearly report (parts and sections), submissions to authorities, and trainings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foreign_affairs.attachments import AttachmentField
from foreign_affairs.models import VersionedModel
from foreign_affairs.workflow import WorkflowLockedMixin


def default_report_title(year: int) -> str:
    """Return the standard title: "{school}{year}年外事工作总结及{year+1}年工作计划"."""
    return f"{settings.SCHOOL_NAME}{year}年外事工作总结及{year + 1}年工作计划"


class AnnualReport(WorkflowLockedMixin, VersionedModel):
    """The yearly work summary and next-year plan (年度外事工作总结及工作计划).

    Its status moves only through `reports.workflows.REPORT_WORKFLOW`; once approved it is
    read-only, with its parts and sections, on every path (`WorkflowLockedMixin`).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        APPROVED = "approved", _("approved")

    class Confidentiality(models.TextChoices):
        NONE = "", _("none")
        INTERNAL = "internal", _("internal (内部资料)")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    preface = models.TextField(_("preface"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
    )
    return_comment = models.TextField(_("comment on return"), blank=True, editable=False)
    confidentiality = models.CharField(
        _("confidentiality marking"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.NONE,
        blank=True,
    )
    append_statistics = models.BooleanField(
        _("append the statistics"),
        default=True,
        help_text=_(
            "Print the statistics of the year's records after the text. Off for imported "
            "reports; a year without records never prints them."
        ),
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    statistics = models.JSONField(_("statistics snapshot"), null=True, blank=True, editable=False)
    pdf_file = models.FileField(_("archived PDF"), upload_to="reports/", blank=True, editable=False)
    pdf_sha256 = models.CharField(
        _("SHA-256 of the PDF"), max_length=64, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        permissions = [
            ("submit_annualreport", _("Can submit an annual report for review")),
            ("approve_annualreport", _("Can approve an annual report")),
            ("return_annualreport", _("Can return an annual report for changes")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                name="report_one_per_year",
                violation_error_message=_("There is already a report for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="report_year_plausible",
                violation_error_message=_("Enter a year between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="report_approved_has_date",
                violation_error_message=_("An approved report records when it was approved."),
            ),
        ]

    label_fields = ("title",)  # how a list export names it (foreign_affairs.exports)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:annualreport", args=[self.year])


class ReportPart(WorkflowLockedMixin, VersionedModel):
    """A part of the report: the summary of the year or the plan of the next."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", _("work summary")
        PLAN = "plan", _("work plan")

    report = models.ForeignKey(
        AnnualReport,
        on_delete=models.CASCADE,
        related_name="parts",
        verbose_name=_("report"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("report part")
        verbose_name_plural = _("report parts")
        ordering = ["report", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "order"],
                name="part_unique_order",
                violation_error_message=_("Two parts of a report cannot have the same order."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.report.get_absolute_url()

    workflow_root_path = "report"  # read-only with its report (WorkflowLockedMixin)


class ReportSection(WorkflowLockedMixin, VersionedModel):
    """A numbered section (一、二、…) of a report part; the number is generated, not typed."""

    part = models.ForeignKey(
        ReportPart,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("part"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "Blocks separated by blank lines: paragraphs (start one with （一）, 1. or （1） "
            "for a lead-in), tables, salutation, attachments, signature and date."
        ),
    )

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["part", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["part", "order"],
                name="section_unique_order",
                violation_error_message=_("Two sections of a part cannot have the same order."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.part.get_absolute_url()

    workflow_root_path = "part__report"  # read-only with its report


class Submission(VersionedModel):
    """A document the office reports to a higher authority (报送), with its due date."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", _("work summary")
        PLAN = "plan", _("work plan")
        STATISTICS = "statistics", _("statistics")
        VISIT_PLAN = "visit_plan", _("visit plan")
        INFORMATION = "information", _("information report")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=200)
    authority = models.CharField(
        _("authority"), max_length=100, help_text=_("e.g. 省教育厅, 市外办")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    file = AttachmentField(_("file"), folder="submissions")
    report = models.ForeignKey(
        AnnualReport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("report"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-due_on", "title"]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_on and not self.submitted_on and self.due_on < timezone.localdate())


class Training(VersionedModel):
    """A foreign-affairs training or discipline education the office's staff attended."""

    class Kind(models.TextChoices):
        BUSINESS = "business", _("foreign-affairs business training")
        DISCIPLINE = "discipline", _("confidentiality and discipline education")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUSINESS)
    organiser = models.CharField(
        _("organiser"), max_length=100, blank=True, help_text=_("e.g. 省外办")
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    attendees = models.TextField(_("attendees"), blank=True, help_text=_("One name per line."))
    attendee_count = models.PositiveSmallIntegerField(_("number of attendees"), default=1)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0),
                name="training_hours_not_negative",
                violation_error_message=_("Hours cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.title
