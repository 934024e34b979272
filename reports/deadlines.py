"""Deadlines of the reports app: submissions to higher authorities, reports in review."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField, Max, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from foreign_affairs.registry import DeadlineSource, register_deadlines
from reports.models import AnnualReport, Submission

register_deadlines(
    DeadlineSource(
        key="submission",
        label=_("submission due"),
        permission="reports.view_submission",
        queryset=lambda today: Submission.objects.filter(submitted_on=None),
        date_field="due_on",
        make=lambda submission, due_on: {"title": f"{submission.title} → {submission.authority}"},
        url_name="reports:submission",
        watches=("reports.submission",),
    )
)


def _reports_in_review(today):
    """Reports in review, with the day they were (last) submitted."""
    from foreign_affairs.models import StateChange

    submitted = (
        StateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(AnnualReport),
            object_id=OuterRef("pk"),
            transition="submit",
        )
        .order_by()
        .values("object_id")
        .annotate(last=Max("at"))
        .values("last")
    )
    return AnnualReport.objects.filter(status=AnnualReport.Status.IN_REVIEW).annotate(
        submitted_on=TruncDate(Subquery(submitted, output_field=DateTimeField()))
    )


def _review(report, due_on) -> dict:
    from foreign_affairs.workflow import leadership

    # Asked only by the reminders (a query), never by the pages.
    return {"title": report.title, "responsible": lambda: tuple(leadership(report))}


# Leadership's to approve or return, `REPORT_REVIEW_DAYS` (an office convention, a setting)
# after the report was submitted; a report waits for them however long it takes.
register_deadlines(
    DeadlineSource(
        key="report_review",
        label=_("report to review"),
        permission="reports.approve_annualreport",
        queryset=_reports_in_review,
        date_field="submitted_on",
        offset=lambda: settings.REPORT_REVIEW_DAYS,
        make=_review,
        url_name="reports:annualreport",
        url_arg="year",
        watches=("reports.annualreport", "foreign_affairs.statechange"),
        stages=(0,),
        keeps_overdue=True,
    )
)
