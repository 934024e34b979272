"""Deadlines of the reports app: submissions to higher authorities."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foreign_affairs.registry import Deadline, register_deadlines
from reports.models import AnnualReport, Submission


@register_deadlines
def submission_due(until):
    """Yield submissions not yet sent, due by `until`."""
    for submission in Submission.objects.filter(submitted_on=None, due_on__lte=until):
        yield Deadline(
            due_on=submission.due_on,
            title=f"{submission.title} → {submission.authority}",
            kind=_("submission due"),
            obj=submission,
            permission="reports.view_submission",
        )


@register_deadlines
def report_review(until):
    """Yield reports in review: leadership's to approve or return, `REPORT_REVIEW_DAYS` (an
    office convention, a setting) after they were submitted."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Max, OuterRef, Subquery

    from foreign_affairs.models import StateChange
    from foreign_affairs.workflow import leadership

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
    days = timedelta(days=settings.REPORT_REVIEW_DAYS)
    reports = AnnualReport.objects.filter(status=AnnualReport.Status.IN_REVIEW).annotate(
        submitted_at=Subquery(submitted)
    )
    leaders = None
    for report in reports:
        if report.submitted_at is None:
            continue
        due_on = timezone.localdate(report.submitted_at) + days
        if due_on > until:
            continue
        leaders = leaders if leaders is not None else tuple(leadership(report))
        yield Deadline(
            due_on=due_on,
            title=report.title,
            kind=_("report to review"),
            obj=report,
            permission="reports.approve_annualreport",
            responsible=leaders,
            stages=(0,),
        )
