from datetime import date, timedelta

import pytest
from django.utils.translation import override

from exchanges.models import ExchangeProject, Visit
from tests.constraints import ConstraintTests
from tests.exchanges.factories import (
    ExchangeProjectFactory,
    ParticipantFactory,
    PassportCustodyFactory,
    VisitFactory,
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
    "visit_outbound_in_plan_or_reasoned": lambda: VisitFactory.build(
        direction=Visit.Direction.OUTBOUND, plan_line=None, off_plan_reason=""
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


@pytest.fixture
def visit_rules(settings):
    """Pin the rules of outbound visits to the official values the tests are written for."""
    settings.VISIT_MAX_PERSONS = 5
    settings.VISIT_MAX_DAYS_BY_COUNTRIES = {1: 5, 2: 8, 3: 10}
    settings.VISIT_REPORT_DUE_DAYS = 20


def _visit(*, persons=3, countries=("JP",), days=5, **kwargs):
    return VisitFactory.build(
        persons=persons,
        destinations=list(countries),
        planned_start=DAY,
        planned_end=DAY + timedelta(days=days - 1),
        **kwargs,
    )


@pytest.mark.usefixtures("visit_rules")
@pytest.mark.parametrize(
    "visit, broken",
    [
        (lambda: _visit(persons=6), ["6"]),
        (lambda: _visit(countries=["JP"], days=6), ["6"]),
        (lambda: _visit(countries=["JP", "KR"], days=8), []),
        (lambda: _visit(countries=["JP", "KR"], days=9), ["9"]),
        (lambda: _visit(countries=["JP", "KR", "SG", "MY"], days=11), ["11"]),
        (lambda: _visit(persons=7, days=7), ["7", "7"]),
        (lambda: _visit(persons=9, days=30, direction=Visit.Direction.INBOUND), []),
    ],
    ids=[
        "six-persons",
        "one-country-six-days",
        "two-countries-eight-days",
        "two-countries-nine-days",
        "four-countries-capped-at-the-longest-limit",
        "both-rules",
        "inbound-has-no-rules",
    ],
)
def test_rule_warnings(visit, broken):
    with override("en"):
        warnings = [str(warning) for warning in visit().rule_warnings()]
    assert len(warnings) == len(broken)
    for warning, number in zip(warnings, broken, strict=True):
        assert f" {number} " in warning


@pytest.mark.usefixtures("visit_rules")
def test_actual_dates_replace_planned_ones_in_the_rules():
    visit = _visit(countries=["JP"], days=3, actual_start=DAY, actual_end=DAY + timedelta(days=6))
    assert len(visit.rule_warnings()) == 1


@pytest.mark.usefixtures("visit_rules")
def test_report_due_twenty_days_after_an_outbound_visit_returns():
    returned = date(2025, 11, 7)
    assert _visit(actual_start=DAY, actual_end=returned).report_due_on == date(2025, 11, 27)
    assert _visit().report_due_on is None
    inbound = _visit(actual_end=returned, direction=Visit.Direction.INBOUND)
    assert inbound.report_due_on is None
