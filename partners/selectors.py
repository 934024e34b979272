"""Reads of the partners app that are more than a filter."""

from datetime import timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import EXPIRING_WITHIN_DAYS, Agreement, Institution


def agreements_expiring(*, days: int = EXPIRING_WITHIN_DAYS) -> QuerySet[Agreement]:
    """Return agreements in force whose validity ends within `days` from today."""
    today = timezone.localdate()
    return Agreement.objects.filter(
        status=Agreement.Status.IN_FORCE,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=days),
    )


def institutions_with_activity() -> QuerySet[Institution]:
    """Return institutions annotated with the date of their last interaction."""
    return Institution.objects.annotate(last_interaction_on=Max("interactions__date"))


def institution_timeline(institution: Institution, limit: int = 100) -> list[dict]:
    """Return the institution's dated events, newest first: interactions, agreements, projects.

    Projects and visits are reached through their reverse relations, so this app does not
    import the apps that build on it.
    """
    events = [
        {"date": item.date, "kind": item.get_kind_display(), "text": item.summary, "obj": item}
        for item in institution.interactions.all()
    ]
    events += [
        {"date": item.signed_on, "kind": _("agreement signed"), "text": item.title, "obj": item}
        for item in institution.agreements.exclude(signed_on=None)
    ]
    events += [
        {"date": item.start_on, "kind": _("project started"), "text": item.name, "obj": item}
        for item in institution.projects.exclude(start_on=None)
    ]
    events += [
        {
            "date": item.actual_start or item.planned_start,
            "kind": item.get_direction_display(),
            "text": item.title,
            "obj": item,
        }
        for item in institution.visits.all()
        if item.actual_start or item.planned_start
    ]
    return sorted(events, key=lambda event: event["date"], reverse=True)[:limit]
