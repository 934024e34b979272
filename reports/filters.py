import django_filters
from django.utils.translation import gettext_lazy as _

from foreign_affairs.filters import SearchFilterSet, yes_no_filter
from reports.models import Submission, Training


class SubmissionFilterSet(SearchFilterSet):
    search_fields = ("title", "authority", "notes")
    year = django_filters.NumberFilter(field_name="due_on__year", label=_("year"))
    pending = yes_no_filter(
        field_name="submitted_on", lookup_expr="isnull", label=_("not yet submitted")
    )

    class Meta:
        model = Submission
        fields = ["q", "kind", "year", "pending"]


class TrainingFilterSet(SearchFilterSet):
    search_fields = ("title", "organiser", "attendees")
    year = django_filters.NumberFilter(field_name="date__year", label=_("year"))

    class Meta:
        model = Training
        fields = ["q", "kind", "year"]
