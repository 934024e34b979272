"""Factories of the reports app: valid rows by default, unique fields from sequences."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from reports.models import (
    AnnualReport,
    ReportPart,
    ReportSection,
    Submission,
    Training,
    default_report_title,
)


class AnnualReportFactory(DjangoModelFactory):
    class Meta:
        model = AnnualReport

    # One report a year; stays inside the plausible 2000–2100 range however many are made.
    year = factory.Sequence(lambda n: 2000 + n % 101)
    title = factory.LazyAttribute(lambda report: default_report_title(report.year))


class ReportPartFactory(DjangoModelFactory):
    class Meta:
        model = ReportPart

    report = factory.SubFactory(AnnualReportFactory)
    kind = ReportPart.Kind.SUMMARY
    title = factory.Sequence(lambda n: f"工作总结{n}")
    order = factory.Sequence(lambda n: n + 1)


class ReportSectionFactory(DjangoModelFactory):
    class Meta:
        model = ReportSection

    part = factory.SubFactory(ReportPartFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"对外交流与合作{n}")
    body = "（一）全年接待来访团组3批。\n\n（二）派出教师赴境外研修。"


class SubmissionFactory(DjangoModelFactory):
    class Meta:
        model = Submission

    title = factory.Sequence(lambda n: f"外事工作总结报送{n}")
    authority = "省教育厅"
    kind = Submission.Kind.SUMMARY
    due_on = date(2026, 1, 15)


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = Training

    title = factory.Sequence(lambda n: f"外事业务培训{n}")
    organiser = "省外办"
    date = date(2025, 6, 20)
    hours = Decimal("3.5")
    attendees = "李明\n王芳"
    attendee_count = 2
