"""Reads of the exchanges app: the facts the visit and passport rules check, who is abroad."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from exchanges.models import (
    DestinationKind,
    ExchangeProject,
    Participant,
    PassportCustody,
    TripKind,
    Visit,
    VisitMember,
    VisitPlanLine,
    destination_kind,
    plan_kind,
)
from foreign_affairs.models import add_months
from foreign_affairs.selectors import RelatedCount


def projects_with_participant_count() -> QuerySet[ExchangeProject]:
    """Return the projects with `participant_count`, for their list."""
    return ExchangeProject.objects.annotate(participant_count=RelatedCount(Participant, "project"))


def plan_lines_with_visit_count() -> QuerySet[VisitPlanLine]:
    """Return the annual plan's lines with `visit_count` (the visits made under each)."""
    return VisitPlanLine.objects.annotate(visit_count=RelatedCount(Visit, "plan_line"))


# States in which a visit is a real trip (taken or on its way); drafts and cancelled ones are
# not, so they do not count against another visit's rules.
COUNTED_STATES = (
    "submitted",
    "office_review",
    "approved",
    "departed",
    "returned",
    "report_filed",
    "closed",
)


@dataclass(frozen=True)
class MemberFacts:
    name: str
    user_id: int | None = None
    role: str = VisitMember.Role.MEMBER
    unit: str = ""
    is_unit_head: bool = False
    is_main_leader: bool = False

    @property
    def identity(self):
        return ("user", self.user_id) if self.user_id else ("name", self.name.strip())


@dataclass(frozen=True)
class OtherTrip:
    """Another trip the rules compare with: who of it, where, when."""

    pk: int
    title: str
    start: date | None
    end: date | None
    destinations: tuple[str, ...]
    member: MemberFacts


@dataclass(frozen=True)
class VisitFacts:
    """What the visit rules read: one outbound trip, saved or still being typed.

    Dates are days (departure and arrival days both count); countries are ISO codes.
    """

    pk: int | None
    direction: str
    status: str
    trip_kind: str
    destinations: tuple[str, ...]
    stopovers: tuple[str, ...] = ()
    stopovers_airport_only: bool = False
    start: date | None = None
    end: date | None = None
    members: tuple[MemberFacts, ...] = ()
    persons: int = 1
    plan_line: VisitPlanLine | None = None
    off_plan_reason: str = ""
    actual_end: date | None = None
    report_submitted_on: date | None = None
    main_leaders_abroad: tuple[OtherTrip, ...] = field(default=())
    trips_led_before: tuple[OtherTrip, ...] = field(default=())
    passports: tuple[PassportCustody, ...] = field(default=())

    @property
    def reference_date(self) -> date | None:
        return self.start

    @property
    def is_outbound(self) -> bool:
        return self.direction == Visit.Direction.OUTBOUND and self.status != "cancelled"

    @property
    def is_official(self) -> bool:
        return self.trip_kind == TripKind.OFFICIAL

    @property
    def kind(self) -> DestinationKind:
        return destination_kind(self.destinations)

    @property
    def counted_places(self) -> tuple[str, ...]:
        """The countries/regions counted: destinations and stopovers left the airport for."""
        places = list(dict.fromkeys(self.destinations))
        if not self.stopovers_airport_only:
            places += [code for code in self.stopovers if code not in places]
        return tuple(code for code in places if code != "CN")

    @property
    def days(self) -> int | None:
        if not (self.start and self.end):
            return None
        return (self.end - self.start).days + 1

    @property
    def group_size(self) -> int:
        return len(self.members) or self.persons

    @property
    def leader(self) -> MemberFacts | None:
        return next((m for m in self.members if m.role == VisitMember.Role.LEADER), None)

    @property
    def plan_kind(self) -> str:
        return plan_kind(self.destinations)


def _codes(countries) -> tuple[str, ...]:
    return tuple(str(getattr(country, "code", country)).upper() for country in countries if country)


def _member_facts(member: VisitMember) -> MemberFacts:
    return MemberFacts(
        name=member.name,
        user_id=member.user_id,
        role=member.role,
        unit=member.unit.strip(),
        is_unit_head=member.is_unit_head or member.is_main_leader,
        is_main_leader=member.is_main_leader,
    )


TRIP_COLUMNS = (
    "visit_id",
    "visit__title",
    "trip_start",
    "trip_end",
    "visit__destinations",
    "name",
    "user_id",
    "role",
    "unit",
    "is_unit_head",
    "is_main_leader",
)


def other_trips(
    member_lists: list[tuple[MemberFacts, ...]],
    periods: list[tuple[date | None, date | None]],
    destinations: set[str],
) -> list[OtherTrip]:
    """Return, in one query, the trips the cross-visit rules may compare these members with.

    Main leaders of the same units abroad during the `periods` (start, end); and trips to
    one of `destinations` (ISO codes) led by the same leaders or heads of the same units,
    starting within the repeat window (months, settings) around the periods.
    """
    days = [day for period in periods for day in period if day]
    if not days:
        return []
    months = settings.VISIT_REPEAT_LEADER_MONTHS
    first, last = min(days), max(days)
    units, leader_units, user_ids, names = set(), set(), set(), set()
    for members in member_lists:
        for member in members:
            if member.unit and member.is_main_leader:
                units.add(member.unit)
            if member.role == VisitMember.Role.LEADER:
                if member.unit and member.is_unit_head:
                    leader_units.add(member.unit)
                (user_ids.add(member.user_id) if member.user_id else names.add(member.name))
    same_leader = (
        Q(is_unit_head=True, unit__in=leader_units) | Q(user_id__in=user_ids) | Q(name__in=names)
    )
    # ISO codes are two letters joined by commas: a code is never part of another.
    same_place = Q(pk__in=[])
    for code in destinations:
        same_place |= Q(visit__destinations__contains=code)
    wanted = Q(is_main_leader=True, unit__in=units, trip_start__lte=last, trip_end__gte=first) | (
        Q(role=VisitMember.Role.LEADER)
        & same_leader
        & same_place
        & Q(trip_start__gt=add_months(first, -months), trip_start__lt=add_months(last, months))
    )
    rows = (
        VisitMember.objects.filter(
            visit__direction=Visit.Direction.OUTBOUND, visit__status__in=COUNTED_STATES
        )
        .annotate(
            trip_start=Coalesce("visit__actual_start", "visit__planned_start"),
            trip_end=Coalesce("visit__actual_end", "visit__planned_end"),
        )
        .filter(wanted)
        .values_list(*TRIP_COLUMNS)
    )
    return [_trip_of(*row) for row in rows]


def _trip_of(pk, title, start, end, places, name, user_id, role, unit, head, main) -> OtherTrip:
    member = MemberFacts(
        name=name,
        user_id=user_id,
        role=role,
        unit=unit.strip(),
        is_unit_head=head or main,
        is_main_leader=main,
    )
    codes = tuple(code for code in places.split(",") if code)
    return OtherTrip(pk=pk, title=title, start=start, end=end, destinations=codes, member=member)


def main_leaders_abroad(pk, members, start, end, trips: list[OtherTrip]) -> tuple[OtherTrip, ...]:
    """Return the trips overlapping [start, end] of other main leaders of the members' units."""
    units = {m.unit for m in members if m.is_main_leader and m.unit}
    if not (units and start and end):
        return ()
    mine = {m.identity for m in members}
    return tuple(
        trip
        for trip in trips
        if trip.pk != pk
        and trip.member.is_main_leader
        and trip.member.unit in units
        and trip.member.identity not in mine
        and trip.start
        and trip.end
        and trip.start <= end
        and trip.end >= start
    )


def trips_led_before(pk, leader: MemberFacts | None, start, trips) -> tuple[OtherTrip, ...]:
    """Return the other trips led by the leader (or a head of the leader's unit) that start
    within the repeat window (months, settings) before or after `start`."""
    if leader is None or start is None:
        return ()
    months = settings.VISIT_REPEAT_LEADER_MONTHS
    earliest, latest = add_months(start, -months), add_months(start, months)
    return tuple(
        trip
        for trip in trips
        if trip.pk != pk
        and trip.member.role == VisitMember.Role.LEADER
        and trip.start
        and earliest < trip.start < latest
    )


def visit_facts(
    visit: Visit,
    members: list[VisitMember] | None = None,
    *,
    trips: list[OtherTrip] | None = None,
) -> VisitFacts:
    """Return the facts of `visit`; `members` are the (unsaved) rows of a form being typed,
    `trips` the other trips to compare with (default: read for this visit)."""
    if members is None:
        members = list(visit.members.all()) if visit.pk else []
    member_facts = tuple(_member_facts(m) for m in members if m.name.strip())
    start, end = visit.start, visit.end
    leader = next((m for m in member_facts if m.role == VisitMember.Role.LEADER), None)
    outbound = visit.direction == Visit.Direction.OUTBOUND and visit.status != "cancelled"
    if trips is None:
        codes = set(_codes(visit.destinations))
        trips = other_trips([member_facts], [(start, end)], codes) if outbound else []
    passports = ()
    if visit.pk and outbound:
        passports = tuple(
            p for p in visit.passports.all() if p.status == PassportCustody.Status.HANDED_OUT
        )
    return VisitFacts(
        pk=visit.pk,
        direction=visit.direction,
        status=visit.status,
        trip_kind=visit.trip_kind,
        destinations=_codes(visit.destinations),
        stopovers=_codes(visit.stopovers),
        stopovers_airport_only=visit.stopovers_airport_only,
        start=start,
        end=end,
        members=member_facts,
        persons=visit.persons,
        plan_line=visit.plan_line if visit.plan_line_id else None,
        off_plan_reason=visit.off_plan_reason.strip(),
        actual_end=visit.actual_end,
        report_submitted_on=visit.report_submitted_on,
        main_leaders_abroad=main_leaders_abroad(visit.pk, member_facts, start, end, trips),
        trips_led_before=trips_led_before(visit.pk, leader, start, trips),
        passports=passports,
    )


def visits_findings(visits: list[Visit]) -> dict[int, list]:
    """Return the findings of each visit of a page, in a fixed number of queries.

    The visits must come with `members`, `passports` and `plan_line` prefetched.
    """
    from foreign_affairs.compliance import findings_of

    member_lists = {
        visit.pk: tuple(_member_facts(m) for m in visit.members.all()) for visit in visits
    }
    codes = {code for visit in visits for code in _codes(visit.destinations)}
    periods = [(visit.start, visit.end) for visit in visits]
    trips = other_trips(list(member_lists.values()), periods, codes)
    return {
        visit.pk: findings_of(visit, visit_facts(visit, list(visit.members.all()), trips=trips))
        for visit in visits
    }


def visits_for_compliance() -> QuerySet:
    """The visits whose rules still matter: outbound, neither cancelled nor closed."""
    return (
        Visit.objects.filter(direction=Visit.Direction.OUTBOUND)
        .exclude(status__in=["cancelled", "closed"])
        .select_related("plan_line")
        .prefetch_related("members", "passports")
    )


def abroad_now() -> QuerySet:
    """Return the outbound visits whose members are abroad now (departed, not back)."""
    return (
        Visit.objects.filter(direction=Visit.Direction.OUTBOUND, status=Visit.Status.DEPARTED)
        .select_related("plan_line")
        .prefetch_related("members")
        .order_by(Coalesce("planned_end", "actual_start"), "pk")
    )


def may_edit_visit(user, visit: Visit) -> bool:
    """Office staff edit any visit; a proposer edits their own draft (again after a return)."""
    if user.has_perm("exchanges.change_visit"):
        return True
    return (
        user.has_perm("exchanges.add_visit")
        and visit.proposed_by_id == user.pk
        and visit.status == Visit.Status.DRAFT
    )
