"""Reads of the reports app: the records that belong to one year of the yearly report.

Every function returns a queryset with no per-row queries behind it, so the statistics, the
draft and the 统计报表 are computed in a fixed number of queries whatever the data's size.
One definition per notion ("a teacher engaged in the year", "a visit received") is shared by
the three, so the figures of the report, its draft text and its workbook always agree.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce

from exchanges.models import ExchangeProject, Participant, Visit, VisitPlanLine
from faculty.models import Contract, ForeignTeacher, Incident, QualificationCheck
from partners.models import Agreement, Institution, Interaction
from reports.models import Submission, Training

PARTNER_STATUSES = (Institution.Status.ACTIVE, Institution.Status.DORMANT)
ENGAGED_CONTRACT_STATUSES = (
    Contract.Status.SIGNED,
    Contract.Status.ENDED,
    Contract.Status.TERMINATED,
)
PLANNED_PROJECT_STATUSES = (ExchangeProject.Status.PROPOSED, ExchangeProject.Status.PLANNING)


def year_bounds(year: int) -> tuple[date, date]:
    """Return the first and the last day of `year`."""
    return date(year, 1, 1), date(year, 12, 31)


def overlaps_year(year: int, start: str = "start_on", end: str = "end_on") -> Q:
    """Return a filter: the period from `start` to `end` (either may be open) meets `year`."""
    first, last = year_bounds(year)
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": last})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first})
    )


def in_year(field: str, year: int) -> Q:
    """Return a filter: the date `field` lies in `year` (a range, so an index can serve it)."""
    return Q(**{f"{field}__range": year_bounds(year)})


def interactions_of_year(year: int) -> QuerySet[Interaction]:
    """Return the interactions with partners dated in `year`, oldest first."""
    return (
        Interaction.objects.filter(in_year("date", year))
        .select_related("institution")
        .order_by("date", "pk")
    )


def agreements_signed_in(year: int) -> QuerySet[Agreement]:
    """Return the agreements signed in `year`."""
    return (
        Agreement.objects.filter(in_year("signed_on", year))
        .select_related("institution")
        .order_by("signed_on", "pk")
    )


def agreement_expiring_q(year: int) -> Q:
    """Return a filter: the validity of a signed agreement ends in `year`.

    Drafts, agreements under negotiation and terminated ones do not "expire".
    """
    signed = Q(status__in=[Agreement.Status.IN_FORCE, Agreement.Status.EXPIRED])
    return signed & in_year("valid_until", year)


def agreements_expiring_in(year: int) -> QuerySet[Agreement]:
    """Return the agreements whose validity ends in `year`."""
    return (
        Agreement.objects.filter(agreement_expiring_q(year))
        .select_related("institution")
        .order_by("valid_until", "pk")
    )


def agreement_in_force_at_end_q(year: int) -> Q:
    """Return a filter: the agreement was in force on the last day of `year`.

    Expired agreements count when their validity covered that day; terminated ones do not
    (the model records no termination date).
    """
    _, last = year_bounds(year)
    started = Q(valid_from__lte=last) | Q(
        Q(signed_on__isnull=True) | Q(signed_on__lte=last), valid_from__isnull=True
    )
    not_ended = (
        Q(valid_until__isnull=True) | Q(valid_until__gte=last) | Q(renewal=Agreement.Renewal.AUTO)
    )
    return Q(status__in=[Agreement.Status.IN_FORCE, Agreement.Status.EXPIRED]) & started & not_ended


def agreements_negotiating() -> QuerySet[Agreement]:
    """Return the agreements still being negotiated (for the next year's plan)."""
    return (
        Agreement.objects.filter(status=Agreement.Status.NEGOTIATING)
        .select_related("institution")
        .order_by("institution__name_zh", "title")
    )


def engaged_contracts_q(year: int, prefix: str = "") -> Q:
    """Return a filter: a signed (or since ended) contract whose period meets `year`."""
    period = overlaps_year(year, f"{prefix}start_on", f"{prefix}end_on")
    return period & Q(**{f"{prefix}status__in": ENGAGED_CONTRACT_STATUSES})


def teachers_engaged_in(year: int) -> QuerySet[ForeignTeacher]:
    """Return the teachers with a signed contract whose period meets `year`."""
    contracts = Contract.objects.filter(engaged_contracts_q(year)).values("teacher")
    return ForeignTeacher.objects.filter(pk__in=contracts).order_by(
        "family_name", "given_name", "pk"
    )


def teachers_engaged_with_period(year: int) -> QuerySet[ForeignTeacher]:
    """Return `teachers_engaged_in(year)` with `period_start`/`period_end` of that year's contracts.

    (Not for grouped counts: the annotation joins the contracts.)
    """
    in_year_q = engaged_contracts_q(year, prefix="contracts__")
    return teachers_engaged_in(year).annotate(
        period_start=Min("contracts__start_on", filter=in_year_q),
        period_end=Max("contracts__end_on", filter=in_year_q),
    )


def incidents_of_year(year: int) -> QuerySet[Incident]:
    """Return the incidents involving foreign teachers dated in `year`."""
    return (
        Incident.objects.filter(in_year("date", year))
        .select_related("teacher")
        .order_by("date", "pk")
    )


def qualification_checks_of_year(year: int) -> QuerySet[QualificationCheck]:
    """Return the yearly qualification checks (资格年检/自查) of `year`."""
    return QualificationCheck.objects.filter(year=year)


def projects_of_year(year: int) -> QuerySet[ExchangeProject]:
    """Return the exchange projects whose period (open ends allowed) meets `year`."""
    return (
        ExchangeProject.objects.filter(overlaps_year(year))
        .select_related("agreement")
        .prefetch_related("partners")
        .order_by("name")
    )


def projects_planned_after(year: int) -> QuerySet[ExchangeProject]:
    """Return the projects proposed or being planned that start after `year`."""
    _, last = year_bounds(year)
    return (
        ExchangeProject.objects.filter(status__in=PLANNED_PROJECT_STATUSES, start_on__gt=last)
        .prefetch_related("partners")
        .order_by("start_on", "name")
    )


def participants_of_year(year: int) -> QuerySet[Participant]:
    """Return the participants of the year's projects whose own dates (if any) meet `year`."""
    project_period = overlaps_year(year, "project__start_on", "project__end_on")
    return Participant.objects.filter(project_period & overlaps_year(year))


def visits_of_year(year: int) -> QuerySet[Visit]:
    """Return the visits whose (actual, else planned) start lies in `year`, as `on`."""
    return (
        Visit.objects.annotate(on=Coalesce("actual_start", "planned_start"))
        .filter(in_year("on", year))
        .order_by("on", "pk")
    )


def visit_received_q() -> Q:
    """Return a filter: an inbound visit that took place (received, or held and not cancelled)."""
    held = Q(actual_start__isnull=False) & ~Q(status=Visit.Status.CANCELLED)
    return Q(direction=Visit.Direction.INBOUND) & (Q(status__in=Visit.DONE_STATUSES) | held)


def visits_received_in(year: int) -> QuerySet[Visit]:
    """Return the foreign delegations received in `year`."""
    return visits_of_year(year).filter(visit_received_q()).prefetch_related("institutions")


def outbound_visits_in(year: int, *, done: bool = False) -> QuerySet[Visit]:
    """Return the outbound visits of `year`; with `done`, only those that took place."""
    visits = visits_of_year(year).filter(direction=Visit.Direction.OUTBOUND)
    if done:
        visits = visits.filter(status__in=Visit.DONE_STATUSES)
    return visits.select_related("plan_line").prefetch_related("institutions", "members")


def plan_lines_of(year: int) -> QuerySet[VisitPlanLine]:
    """Return the lines of the visit plan of `year`, in the plan's order."""
    return VisitPlanLine.objects.filter(year=year).order_by("planned_month", "pk")


def trainings_of_year(year: int) -> QuerySet[Training]:
    """Return the trainings attended in `year`, oldest first."""
    return Training.objects.filter(in_year("date", year)).order_by("date", "pk")


def submissions_made_in(year: int) -> QuerySet[Submission]:
    """Return the documents submitted to higher authorities in `year`."""
    return Submission.objects.filter(in_year("submitted_on", year)).order_by("submitted_on", "pk")


def submissions_due_in(year: int) -> QuerySet[Submission]:
    """Return the submissions due in `year` (whether sent or not), by due date."""
    return Submission.objects.filter(in_year("due_on", year)).order_by("due_on", "pk")


def partners_of_year(year: int) -> QuerySet[Institution]:
    """Return the partner institutions (active or dormant) that were partners by `year`'s end."""
    _, last = year_bounds(year)
    return Institution.objects.filter(
        Q(since__isnull=True) | Q(since__lte=last), status__in=PARTNER_STATUSES
    ).order_by("country", "name_zh")


def prospective_institutions() -> QuerySet[Institution]:
    """Return the institutions the office is negotiating with (洽谈中)."""
    return Institution.objects.filter(status=Institution.Status.PROSPECTIVE).order_by("name_zh")


@dataclass
class YearFacts:
    """The records of one year the draft of its report lists, each list read in one query."""

    year: int
    interactions: list[Interaction]
    agreements_signed: list[Agreement]
    agreements_expiring: list[Agreement]
    agreements_expiring_next: list[Agreement]
    agreements_negotiating: list[Agreement]
    teachers: list[ForeignTeacher]
    incidents: list[Incident]
    projects: list[ExchangeProject]
    projects_planned: list[ExchangeProject]
    outbound_visits: list[Visit]
    inbound_visits: list[Visit]
    trainings: list[Training]
    submissions: list[Submission]
    submissions_due_next: list[Submission]
    next_plan_lines: list[VisitPlanLine]
    prospects: list[Institution]


def report_year_facts(year: int) -> YearFacts:
    """Return the facts of `year` (and what is already known of the next) for a report draft."""
    return YearFacts(
        year=year,
        interactions=list(interactions_of_year(year)),
        agreements_signed=list(agreements_signed_in(year)),
        agreements_expiring=list(agreements_expiring_in(year)),
        agreements_expiring_next=list(agreements_expiring_in(year + 1)),
        agreements_negotiating=list(agreements_negotiating()),
        teachers=list(teachers_engaged_with_period(year)),
        incidents=list(incidents_of_year(year)),
        projects=list(projects_of_year(year)),
        projects_planned=list(projects_planned_after(year)),
        outbound_visits=list(outbound_visits_in(year)),
        inbound_visits=list(visits_received_in(year)),
        trainings=list(trainings_of_year(year)),
        submissions=list(submissions_made_in(year)),
        submissions_due_next=list(submissions_due_in(year + 1)),
        next_plan_lines=list(plan_lines_of(year + 1)),
        prospects=list(prospective_institutions()),
    )
