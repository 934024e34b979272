"""Reads of the partners app that are more than a filter."""

from datetime import date

from django.db.models import DateField, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from partners.models import EXPIRING_WITHIN_DAYS, Agreement, Institution, Interaction


def agreements_expiring(*, days: int = EXPIRING_WITHIN_DAYS) -> QuerySet[Agreement]:
    """Return agreements in force whose validity ends within `days` from today."""
    return Agreement.objects.expiring(days=days)


NEVER = date(1900, 1, 1)


def _latest(model, relation: str, *dates: str) -> Coalesce:
    """Return the latest of `dates` of `model`'s rows related to the outer institution."""
    rows = model._default_manager.filter(**{relation: OuterRef("pk")})
    values = [
        Subquery(
            rows.exclude(**{f"{day}__isnull": True}).order_by(f"-{day}").values(day)[:1],
            output_field=DateField(),
        )
        for day in dates
    ]
    return (
        Coalesce(*values, Value(NEVER))
        if len(values) == 1
        else Greatest(*(Coalesce(value, Value(NEVER)) for value in values))
    )


def institutions_with_activity() -> QuerySet[Institution]:
    """Return institutions annotated with their last interaction and their last activity.

    Activity of any kind (DESIGN §3, issue 8): an interaction, a visit, an agreement signed,
    a project's or a participant's dates (`last_activity_on`, 1900-01-01 when none); and
    whether a tie holds today (`has_current_tie`: an agreement in force or an active project).
    The models of other apps are reached through the reverse relations, not imported.
    """
    field = Institution._meta.get_field
    Visit, Project = field("visits").related_model, field("projects").related_model
    Participant = Project._meta.get_field("participants").related_model
    latest = Greatest(
        _latest(Interaction, "institution", "date"),
        _latest(Agreement, "institution", "signed_on"),
        _latest(Visit, "institutions", "actual_start", "planned_start"),
        _latest(Project, "partners", "start_on", "end_on"),
        _latest(Participant, "project__partners", "start_on", "end_on"),
    )
    tie = Exists(Agreement.objects.in_force().filter(institution=OuterRef("pk"))) | Exists(
        Project._default_manager.filter(partners=OuterRef("pk"), status="active")
    )
    # A subquery per shown row, not a GROUP BY over every institution and interaction.
    last_interaction = (
        Interaction.objects.filter(institution=OuterRef("pk")).order_by("-date").values("date")
    )
    return Institution.objects.annotate(
        last_interaction_on=Subquery(last_interaction[:1], output_field=DateField()),
        last_activity_on=latest,
        has_current_tie=tie,
    )


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
