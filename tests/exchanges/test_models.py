from datetime import date, timedelta

import pytest

from exchanges.models import (
    DestinationKind,
    ExchangeProject,
    PassportCustody,
    Visit,
    VisitMember,
    destination_kind,
)
from exchanges.selectors import visit_facts
from foreign_affairs.compliance import findings_of
from tests.constraints import ConstraintTests
from tests.exchanges.factories import (
    ExchangeProjectFactory,
    ParticipantFactory,
    PassportCustodyFactory,
    VisitFactory,
    VisitMemberFactory,
    VisitPlanLineFactory,
)

pytestmark = pytest.mark.django_db

DAY = date(2025, 5, 2)
BEFORE = DAY - timedelta(days=1)


def _duplicate_participant():
    first = ParticipantFactory()
    return ParticipantFactory.build(project=first.project, number=first.number)


# "constraint name" or "constraint name/variant" -> a row that breaks it (unsaved).
CASES = {
    "project_unique_name": lambda: ExchangeProjectFactory.build(name=ExchangeProjectFactory().name),
    "project_dates_in_order": lambda: ExchangeProjectFactory.build(start_on=DAY, end_on=BEFORE),
    "project_suspension_has_reason/suspended": lambda: ExchangeProjectFactory.build(
        status=ExchangeProject.Status.SUSPENDED, status_reason=""
    ),
    "project_suspension_has_reason/cancelled": lambda: ExchangeProjectFactory.build(
        status=ExchangeProject.Status.CANCELLED, status_reason=""
    ),
    "participant_unique_number_per_project": _duplicate_participant,
    "participant_dates_in_order": lambda: ParticipantFactory.build(
        project=ExchangeProjectFactory(), start_on=DAY, end_on=BEFORE
    ),
    "visitplanline_month_1_to_12/13": lambda: VisitPlanLineFactory.build(planned_month=13),
    "visitplanline_month_1_to_12/0": lambda: VisitPlanLineFactory.build(planned_month=0),
    "visitplanline_days_and_persons_positive/days": lambda: VisitPlanLineFactory.build(days=0),
    "visitplanline_days_and_persons_positive/persons": lambda: VisitPlanLineFactory.build(
        persons=0
    ),
    "visitplanline_year_plausible": lambda: VisitPlanLineFactory.build(year=1999),
    "visit_planned_dates_in_order": lambda: VisitFactory.build(
        planned_start=DAY, planned_end=BEFORE
    ),
    "visit_actual_dates_in_order": lambda: VisitFactory.build(actual_start=DAY, actual_end=BEFORE),
    "visit_approved_has_number": lambda: VisitFactory.build(
        status=Visit.Status.APPROVED, approval_number=""
    ),
    "passport_handed_out_for_a_visit": lambda: PassportCustodyFactory.build(
        status=PassportCustody.Status.HANDED_OUT, visit=None
    ),
    "visitmember_unique_name": lambda: VisitMemberFactory.build(
        visit=(member := VisitMemberFactory()).visit, name=member.name
    ),
    "visitmember_one_leader": lambda: VisitMemberFactory.build(
        visit=VisitMemberFactory(role=VisitMember.Role.LEADER).visit,
        role=VisitMember.Role.LEADER,
    ),
    "visit_cancellation_has_reason": lambda: VisitFactory.build(
        status=Visit.Status.CANCELLED, cancel_reason=""
    ),
    "visit_persons_positive": lambda: VisitFactory.build(persons=0),
    "passport_unique_number": lambda: PassportCustodyFactory.build(
        passport_number=PassportCustodyFactory().passport_number
    ),
    "passport_validity_in_order": lambda: PassportCustodyFactory.build(
        issued_on=DAY, expires_on=BEFORE
    ),
    "passport_returned_after_handed_out": lambda: PassportCustodyFactory.build(
        handed_out_on=DAY, returned_on=BEFORE
    ),
}
# Constraints the field's own validation catches first in full_clean(): the constraint is
# the database's backstop. Constraint name -> (the field that answers first, bad row).
FIELD_FIRST_CASES = {
    "project_quota_not_negative": (
        "yearly_quota",
        lambda: ExchangeProjectFactory.build(yearly_quota=-1),
    ),
}

# Rows next to a constraint's edge that it must let through.
ALLOWED = {
    "inbound-visit-without-plan": lambda: VisitFactory.build(
        direction=Visit.Direction.INBOUND, plan_line=None, off_plan_reason=""
    ),
    "outbound-visit-in-plan": lambda: VisitFactory.build(
        plan_line=VisitPlanLineFactory(), off_plan_reason=""
    ),
    "inbound-approved-without-number": lambda: VisitFactory.build(
        direction=Visit.Direction.INBOUND, status=Visit.Status.APPROVED, approval_number=""
    ),
    "second-member-who-is-not-the-leader": lambda: VisitMemberFactory.build(
        visit=VisitMemberFactory(role=VisitMember.Role.LEADER).visit
    ),
    "cancelled-visit-with-reason": lambda: VisitFactory.build(
        status=Visit.Status.CANCELLED, cancel_reason="对方取消接待"
    ),
    "suspended-project-with-reason": lambda: ExchangeProjectFactory.build(
        status=ExchangeProject.Status.SUSPENDED, status_reason="疫情"
    ),
    "second-participant-without-number": lambda: ParticipantFactory.build(
        project=ParticipantFactory(number="").project, number=""
    ),
    "one-day-visit": lambda: VisitFactory.build(planned_start=DAY, planned_end=DAY),
    "december-plan-line": lambda: VisitPlanLineFactory.build(planned_month=12),
}


class TestConstraints(ConstraintTests):
    app_label = "exchanges"
    cases = CASES
    field_first = FIELD_FIRST_CASES
    allowed = ALLOWED


def _visit(*, persons=3, countries=("JP",), days=5, **kwargs):
    return VisitFactory.build(
        persons=persons,
        destinations=list(countries),
        planned_start=DAY,
        planned_end=DAY + timedelta(days=days - 1),
        **kwargs,
    )


def test_actual_dates_replace_planned_ones_in_the_rules():
    visit = _visit(countries=["JP"], days=3, actual_start=DAY, actual_end=DAY + timedelta(days=6))
    codes = [finding.code for finding in findings_of(visit, visit_facts(visit, []))]
    assert "visit.days" in codes


@pytest.mark.parametrize(
    "codes, kind",
    [
        (["JP"], DestinationKind.FOREIGN),
        (["HK"], DestinationKind.HONG_KONG),
        (["HK", "MO"], DestinationKind.HONG_KONG),
        (["MO"], DestinationKind.MACAU),
        (["TW"], DestinationKind.TAIWAN),
        (["MO", "JP"], DestinationKind.FOREIGN),
        ([], DestinationKind.FOREIGN),
    ],
)
def test_destination_kind_decides_the_document_and_the_plan(codes, kind):
    assert destination_kind(codes) == kind


def test_report_due_twenty_days_after_an_outbound_visit_returns():
    returned = date(2025, 11, 7)
    assert _visit(actual_start=DAY, actual_end=returned).report_due_on == date(2025, 11, 27)
    assert _visit().report_due_on is None
    inbound = _visit(actual_end=returned, direction=Visit.Direction.INBOUND)
    assert inbound.report_due_on is None
