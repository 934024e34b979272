from foreign_affairs.forms import PortalForm
from reports.models import Submission, Training


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
