from decimal import Decimal

import pytest
from django.utils import timezone

from reports.models import AnnualReport, default_report_title
from tests.constraints import ConstraintTests
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


class TestConstraints(ConstraintTests):
    app_label = "reports"
    cases = CASES
    allowed = ALLOWED


def test_default_report_title_names_the_school_and_both_years(settings):
    settings.SCHOOL_NAME = "肇庆医学高等专科学校"
    assert default_report_title(2025) == "肇庆医学高等专科学校2025年外事工作总结及2026年工作计划"
