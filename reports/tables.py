import django_tables2 as tables
from django.utils.translation import pgettext_lazy

from foreign_affairs.collation import pinyin_order
from foreign_affairs.tables import ObjectTable
from reports.models import Submission, Training


class SubmissionTable(ObjectTable):
    priorities = {"due_on": 1, "kind": 3, "report": 3}
    text_columns = ("title", "authority", "report")
    title = tables.Column(linkify=True)

    def order_title(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "title")

    def order_authority(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "authority")

    class Meta(ObjectTable.Meta):
        model = Submission
        fields = ("title", "authority", "kind", "due_on", "submitted_on", "report")
        sequence = fields
        row_attrs = {
            "class": lambda record: (
                "" if record.submitted_on or not record.is_overdue else "table-danger"
            )
        }


class TrainingTable(ObjectTable):
    priorities = {"date": 1, "hours": 3, "attendee_count": 3}
    text_columns = ("title", "organiser")
    short_headers = {"attendee_count": pgettext_lazy("short header", "Attendees")}
    title = tables.Column(linkify=True)

    def order_title(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "title")

    def order_organiser(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "organiser")

    class Meta(ObjectTable.Meta):
        model = Training
        fields = ("title", "kind", "organiser", "date", "hours", "attendee_count")
        sequence = fields
