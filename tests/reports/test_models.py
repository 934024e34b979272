from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from reports.models import AnnualReport, default_report_title
from tests.factories import (
    constraint_names,
    domain_models,
    factory_for,
    model_id,
    violation_message,
)
from tests.reports.factories import (
    AnnualReportFactory,
    ReportPartFactory,
    ReportSectionFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def _part_with_taken_order():
    first = ReportPartFactory()
    return ReportPartFactory.build(report=first.report, order=first.order)


def _section_with_taken_order():
    first = ReportSectionFactory()
    return ReportSectionFactory.build(part=first.part, order=first.order)


# Constraint name -> a row that breaks it (unsaved; what it points to is saved).
CASES = {
    "report_one_per_year": lambda: AnnualReportFactory.build(year=AnnualReportFactory().year),
    "report_year_plausible": lambda: AnnualReportFactory.build(year=1999),
    "report_approved_has_date": lambda: AnnualReportFactory.build(
        status=AnnualReport.Status.APPROVED, approved_at=None
    ),
    "part_unique_order": _part_with_taken_order,
    "section_unique_order": _section_with_taken_order,
    "training_hours_not_negative": lambda: TrainingFactory.build(hours=Decimal("-0.5")),
}

# Rows next to a constraint's edge that it must let through.
ALLOWED = {
    "approved-with-date": lambda: AnnualReportFactory.build(
        status=AnnualReport.Status.APPROVED, approved_at=timezone.now()
    ),
    "same-order-in-another-report": lambda: ReportPartFactory.build(
        report=AnnualReportFactory(), order=ReportPartFactory().order
    ),
    "same-order-in-another-part": lambda: ReportSectionFactory.build(
        part=ReportPartFactory(), order=ReportSectionFactory().order
    ),
    "training-of-unknown-length": lambda: TrainingFactory.build(hours=None),
    "zero-hours": lambda: TrainingFactory.build(hours=Decimal("0")),
}


@pytest.mark.parametrize("model", domain_models("reports"), ids=model_id)
def test_factory_makes_valid_distinct_rows(model):
    make = factory_for(model)
    make().full_clean()
    make().full_clean()


def test_every_constraint_has_a_case():
    assert set(CASES) == constraint_names("reports")


@pytest.mark.parametrize("name", CASES)
def test_full_clean_refuses_with_the_constraint_message(name):
    row = CASES[name]()
    with override("en"):
        with pytest.raises(ValidationError) as caught:
            row.full_clean()
        expected, messages = violation_message(type(row), name), caught.value.messages
    assert expected in messages


@pytest.mark.parametrize("name", CASES)
def test_database_refuses_what_full_clean_would(name):
    row = CASES[name]()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


@pytest.mark.parametrize("case", ALLOWED)
def test_constraints_let_valid_edge_rows_through(case):
    row = ALLOWED[case]()
    row.full_clean()
    row.save()


def test_default_report_title_names_the_school_and_both_years(settings):
    settings.SCHOOL_NAME = "肇庆医学高等专科学校"
    assert default_report_title(2025) == "肇庆医学高等专科学校2025年外事工作总结及2026年工作计划"
