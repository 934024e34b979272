"""Deadlines of the reports app: submissions to higher authorities."""

from django.utils.translation import gettext_lazy as _

from foreign_affairs.registry import Deadline, register_deadlines
from reports.models import Submission


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
