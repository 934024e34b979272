import django_tables2 as tables

from foreign_affairs.tables import ObjectTable
from reports.models import Submission, Training


class SubmissionTable(ObjectTable):
    title = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Submission
        fields = ("title", "authority", "kind", "due_on", "submitted_on", "report")
        sequence = (*fields, "actions")
        row_attrs = {
            "class": lambda record: (
                "" if record.submitted_on or not record.is_overdue else "table-danger"
            )
        }


class TrainingTable(ObjectTable):
    title = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Training
        fields = ("title", "kind", "organiser", "date", "hours", "attendee_count")
        sequence = (*fields, "actions")
