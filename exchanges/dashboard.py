"""The exchanges app's part of the dashboard: active projects and this year's visits."""

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.models import ExchangeProject, Visit
from foreign_affairs.registry import Count, TripSource, register_dashboard, register_trips


@register_dashboard
def exchanges_panel(user) -> dict:
    counts = []
    if user.has_perm("exchanges.view_exchangeproject"):
        active = ExchangeProject.objects.filter(status=ExchangeProject.Status.ACTIVE).count()
        counts.append(
            Count(
                _("Active projects"),
                active,
                reverse("exchanges:exchangeproject_list") + "?status=active",
            )
        )
    if user.has_perm("exchanges.view_visit"):
        year = timezone.localdate().year
        visits = Visit.objects.filter(planned_start__year=year).exclude(
            status=Visit.Status.CANCELLED
        )
        counts.append(
            Count(
                _("Visits this year"),
                visits.count(),
                reverse("exchanges:visit_list") + f"?year={year}",
            )
        )
    return {"counts": counts}


def visits_between(first, last):
    """Return the visits (not cancelled) whose days overlap [first, last], each annotated with
    `span_start` and `span_end` (actual dates, else planned), in order of departure."""
    return (
        Visit.objects.exclude(status=Visit.Status.CANCELLED)
        .annotate(
            span_start=Coalesce("actual_start", "planned_start"),
            span_end=Coalesce("actual_end", "planned_end", "actual_start", "planned_start"),
        )
        .filter(span_start__isnull=False, span_start__lte=last, span_end__gte=first)
        .order_by("span_start", "pk")
        .only("pk", "title", "direction", "status", "actual_start", "planned_start", "actual_end")
    )


register_trips(
    TripSource(
        permission="exchanges.view_visit",
        viewname="exchanges:visit",
        rows=visits_between,
        label=lambda visit: visit.get_direction_display(),
        tentative=lambda visit: visit.status in ("draft", "submitted", "office_review"),
    )
)
