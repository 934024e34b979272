"""`manage.py compliance_report`: every current finding, as an aligned table or as JSON."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from exchanges.models import PassportCustody, Visit, VisitMember, VisitPlanLine
from foreign_affairs.compliance import all_findings
from foreign_affairs.management.commands.compliance_report import display_width
from tests.exchanges.factories import PassportCustodyFactory, VisitFactory, VisitPlanLineFactory

pytestmark = pytest.mark.django_db

KEYS = {"model", "pk", "record", "code", "severity", "message", "source"}


def report(*args) -> str:
    out = StringIO()
    call_command("compliance_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def records():
    """A visit outside the plan without a reason, an overdue passport, an oversized plan line."""
    visit = VisitFactory(title="赴泰国交流访问团", destinations=["TH"], off_plan_reason="")
    VisitMember.objects.create(visit=visit, name="陈老师", role=VisitMember.Role.LEADER)
    approved = VisitFactory(status=Visit.Status.APPROVED, approval_number="粤外办批〔2025〕3号")
    passport = PassportCustodyFactory(
        holder="赵老师",
        status=PassportCustody.Status.HANDED_OUT,
        visit=approved,
        handed_out_on=date(2025, 10, 30),
        due_back_on=timezone.localdate() - timedelta(days=1),
    )
    line = VisitPlanLineFactory(purpose=VisitPlanLine.Purpose.OFFICIAL, persons=7)
    return visit, passport, line


def _codes(rows) -> set[tuple[str, int, str]]:
    return {(row["model"], row["pk"], row["code"]) for row in rows}


def test_json_lists_every_finding_of_every_record(records):
    visit, passport, line = records
    rows = json.loads(report("--json"))
    assert {
        ("exchanges.Visit", visit.pk, "visit.no_plan_line"),
        ("exchanges.PassportCustody", passport.pk, "passport.overdue"),
        ("exchanges.VisitPlanLine", line.pk, "plan.group_size"),
    } <= _codes(rows)
    assert len(rows) == len(list(all_findings()))


def test_json_objects_have_the_documented_keys(records):
    visit, _, _ = records
    rows = json.loads(report("--json"))
    assert all(set(row) == KEYS for row in rows)
    row = next(row for row in rows if row["code"] == "visit.no_plan_line")
    assert row["record"] == "赴泰国交流访问团"
    assert row["severity"] == "blocking"
    assert "教外厅〔2015〕1号" in row["source"]
    assert row["message"]


def test_json_keeps_chinese_readable(records):
    assert "赴泰国交流访问团" in report("--json")


def test_no_records_no_findings():
    assert json.loads(report("--json")) == []
    assert report().strip() == "No findings."


def test_the_table_has_one_line_per_finding(records):
    lines = report().rstrip("\n").splitlines()
    assert lines[0].split() == ["model", "pk", "code", "severity", "message", "source"]
    assert len(lines) == 1 + len(list(all_findings()))
    visit, passport, _ = records
    assert any(
        line.startswith("exchanges.Visit ")
        and f" {visit.pk} " in line
        and "visit.no_plan_line" in line
        for line in lines
    )
    assert any("passport.overdue" in line and "warning" in line for line in lines)


@pytest.mark.parametrize("column", ["pk", "code", "severity", "message", "source"])
def test_the_table_columns_line_up(records, column):
    header, *lines = report().rstrip("\n").splitlines()
    start = display_width(header[: header.index(column)])
    for line in lines:
        before, value = _split_at_width(line, start)
        assert before.endswith("  ") and not value.startswith(" "), line


def _split_at_width(line: str, width: int) -> tuple[str, str]:
    """Split `line` where `width` terminal columns (Chinese characters take two) are filled."""
    filled = 0
    for index, char in enumerate(line):
        if filled >= width:
            return line[:index], line[index:]
        filled += display_width(char)
    return line, ""
