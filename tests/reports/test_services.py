"""The report's services: the draft from data, the review workflow, section editing."""

import hashlib
import importlib
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchanges.models import ExchangeProject, Visit
from faculty.models import Contract, ForeignTeacher
from foreign_affairs.roles import LEADERSHIP, OFFICE_STAFF
from partners.models import Interaction
from reports import services
from reports.models import AnnualReport, ReportPart, ReportSection
from reports.statistics import report_statistics
from tests.exchanges.factories import ExchangeProjectFactory, VisitFactory, VisitPlanLineFactory
from tests.factories import UserFactory
from tests.faculty.factories import ContractFactory, ForeignTeacherFactory
from tests.partners.factories import InstitutionFactory, InteractionFactory
from tests.reports.factories import (
    AnnualReportFactory,
    ReportPartFactory,
    ReportSectionFactory,
    SubmissionFactory,
    TrainingFactory,
)
from tests.reports.test_statistics import populate

pytestmark = pytest.mark.django_db

YEAR = 2020


def _user_in(role: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def staff():
    return _user_in(OFFICE_STAFF)


@pytest.fixture
def leader():
    return _user_in(LEADERSHIP)


@pytest.fixture
def year_2020():
    """The facts of the sample report's year that the draft must carry."""
    macau = InstitutionFactory(name_zh="澳门镜湖护理学院", country="MO")
    InteractionFactory(
        institution=macau,
        date=date(2020, 6, 18),
        kind=Interaction.Kind.ONLINE_MEETING,
        summary="线上会谈：探讨护理专业专升本学生联合培养（3+2）模式与学分转移。",
    )
    InteractionFactory(institution=macau, date=date(2019, 6, 18), summary="上一年的交流")
    teacher = ForeignTeacherFactory(
        given_name="Emily",
        family_name="Carter",
        chinese_name="柯艾米",
        employment=ForeignTeacher.Employment.PART_TIME,
    )
    ContractFactory(
        teacher=teacher,
        start_on=date(2020, 9, 1),
        end_on=date(2021, 7, 15),
        status=Contract.Status.SIGNED,
    )
    project = ExchangeProjectFactory(
        name="澳门镜湖护理学院交流学习项目",
        status=ExchangeProject.Status.SUSPENDED,
        status_reason="新冠肺炎疫情影响，无法实地交流",
        start_on=date(2019, 9, 1),
        end_on=None,
    )
    project.partners.add(macau)
    line = VisitPlanLineFactory(year=2020, destinations=["KR"], planned_month=7)
    VisitFactory(
        title="赴韩国庆北专门大学学术交流",
        plan_line=line,
        status=Visit.Status.CANCELLED,
        cancel_reason="新冠肺炎疫情，出入境受限",
        planned_start=date(2020, 7, 13),
        planned_end=date(2020, 7, 17),
    )
    TrainingFactory(title="全省高校外事工作业务培训", date=date(2020, 9, 24))
    SubmissionFactory(
        title="2020年外事统计报表", due_on=date(2020, 12, 31), submitted_on=date(2020, 12, 25)
    )


def _sections(report: AnnualReport, kind: str) -> list[ReportSection]:
    return list(
        ReportSection.objects.filter(part__report=report, part__kind=kind).order_by("order")
    )


def _body(report: AnnualReport, title: str) -> str:
    return ReportSection.objects.get(part__report=report, title=title).body


# --- draft from data ------------------------------------------------------------------------


def test_draft_has_the_standard_parts_and_sections(year_2020, staff):
    report = services.report_create_draft(year=YEAR, user=staff)
    assert report.title == "肇庆医学高等专科学校2020年外事工作总结及2021年工作计划"
    assert report.status == AnnualReport.Status.DRAFT
    assert report.prepared_by == staff
    parts = list(report.parts.order_by("order").values_list("kind", "title"))
    assert parts == [("summary", "2020年学校外事工作总结"), ("plan", "2021年学校外事工作计划")]
    summary = [section.title for section in _sections(report, ReportPart.Kind.SUMMARY)]
    assert summary == list(services.SUMMARY_SECTIONS)
    assert len(summary) == 7 and summary[-1] == "存在问题"
    plan = _sections(report, ReportPart.Kind.PLAN)
    assert [section.title for section in plan] == list(services.PLAN_SECTIONS)
    assert [section.order for section in plan] == [1, 2, 3, 4]


def test_draft_sections_hold_the_facts_of_the_year(year_2020, staff):
    report = services.report_create_draft(year=YEAR, user=staff)
    exchanges = _body(report, "继续做好对外交流项目，不断提高办学水平与质量")
    assert "2020年6月18日，与澳门镜湖护理学院举行线上会议" in exchanges
    assert "上一年的交流" not in exchanges
    assert "澳门镜湖护理学院交流学习项目" in exchanges
    assert "已暂停，原因：新冠肺炎疫情影响，无法实地交流" in exchanges
    teachers = _body(report, "科学规范做好外教管理工作")
    assert "本年度聘请外籍教师1名（兼职1名）" in teachers
    assert "Emily Carter（柯艾米）" in teachers
    assert "没有发生外教合同纠纷" in teachers
    leadership = _body(report, "加强领导建设，统筹协调规定涉外管理")
    assert "因公出访计划共1项" in leadership
    assert (
        "已取消（原定2020年7月13日至2020年7月17日），原因：新冠肺炎疫情，出入境受限" in leadership
    )
    routine = _body(report, "认真规范，做好外事常规工作")
    assert "全省高校外事工作业务培训" in routine
    assert "2020年12月25日，向省教育厅报送《2020年外事统计报表》" in routine


def test_draft_records_who_created_it(year_2020, staff):
    report = services.report_create_draft(year=YEAR, user=staff)
    assert report.history.get().history_user == staff
    section = report.parts.first().sections.first()
    assert section.history.get().history_user == staff


def test_a_second_report_for_the_year_is_refused(staff):
    AnnualReportFactory(year=YEAR)
    with pytest.raises(ValidationError, match="2020"):
        services.report_create_draft(year=YEAR, user=staff)
    assert AnnualReport.objects.count() == 1


def test_draft_query_count_does_not_grow_with_the_data(staff):
    populate(3)
    with CaptureQueriesContext(connection) as small:
        services.report_create_draft(year=YEAR, user=staff)
    AnnualReport.objects.all().delete()
    populate(60)
    with CaptureQueriesContext(connection) as large:
        report = services.report_create_draft(year=YEAR, user=staff)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert "本年度与合作院校（机构）交流63次" in _body(report, services.SUMMARY_SECTIONS[3])


# --- review workflow ------------------------------------------------------------------------


@pytest.fixture
def draft(staff):
    report = services.report_create_draft(year=YEAR, user=staff)
    return report


@pytest.fixture
def in_review(draft, staff):
    return services.report_submit(report=draft, user=staff)


def test_staff_submit_a_draft_for_review(draft, staff):
    services.report_submit(report=draft, user=staff)
    draft.refresh_from_db()
    assert draft.status == AnnualReport.Status.IN_REVIEW
    assert draft.history.first().history_user == staff


def test_leadership_cannot_submit_nor_edit(draft, leader):
    with pytest.raises(PermissionDenied):
        services.report_submit(report=draft, user=leader)
    part = draft.parts.first()
    with pytest.raises(PermissionDenied):
        services.section_add(part=part, title="新的一节", user=leader)
    with pytest.raises(PermissionDenied):
        services.section_delete(section=part.sections.first(), user=leader)
    assert not leader.has_perm("reports.change_reportsection")
    assert not leader.has_perm("reports.change_annualreport")


def test_staff_cannot_approve_nor_return(in_review, staff):
    with pytest.raises(PermissionDenied):
        services.report_approve(report=in_review, user=staff)
    with pytest.raises(PermissionDenied):
        services.report_return(report=in_review, user=staff, comment="请修改")
    in_review.refresh_from_db()
    assert in_review.status == AnnualReport.Status.IN_REVIEW


def test_leadership_return_a_report_with_a_comment(in_review, leader):
    with pytest.raises(ValidationError):
        services.report_return(report=in_review, user=leader, comment="  ")
    services.report_return(report=in_review, user=leader, comment="请补充出访计划执行情况。")
    in_review.refresh_from_db()
    assert in_review.status == AnnualReport.Status.DRAFT
    assert in_review.return_comment == "请补充出访计划执行情况。"


def test_only_a_draft_can_be_submitted_and_only_a_report_in_review_returned(in_review, staff):
    with pytest.raises(ValidationError):
        services.report_submit(report=in_review, user=staff)
    draft = AnnualReportFactory(year=2019)
    with pytest.raises(ValidationError):
        services.report_return(report=draft, user=_user_in(LEADERSHIP), comment="请修改")


def test_a_report_in_review_is_not_edited(in_review):
    with pytest.raises(ValidationError):
        services.report_ensure_editable(in_review)
    with pytest.raises(ValidationError):
        services.section_add(part=in_review.parts.first(), title="新的一节")


@pytest.fixture
def pdf_module():
    """The real PDF renderer (reports/pdf.py); the approval tests wait for it."""
    try:
        return importlib.import_module("reports.pdf")
    except ImportError:
        pytest.skip("reports/pdf.py (render_report_pdf) is not written yet")


@pytest.fixture
def approved(in_review, leader, pdf_module):
    return services.report_approve(report=in_review, user=leader)


def test_approval_freezes_statistics_and_archives_the_pdf(approved, leader):
    approved.refresh_from_db()
    assert approved.status == AnnualReport.Status.APPROVED
    assert approved.approved_by == leader and approved.approved_at is not None
    assert approved.statistics == report_statistics(YEAR)
    with approved.pdf_file.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF")
    assert approved.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert approved.history.first().history_user == leader


def test_the_statistics_stay_frozen_after_approval(approved):
    InteractionFactory(date=date(2020, 7, 1))
    approved.refresh_from_db()
    frozen = approved.statistics["categories"]["interactions"]["total"]
    assert report_statistics(YEAR)["categories"]["interactions"]["total"] == frozen + 1


def test_approval_renders_the_statistics_into_the_pdf(in_review, leader, pdf_module, monkeypatch):
    calls = []
    real = pdf_module.render_report_pdf

    def spy(report, **kwargs):
        calls.append(kwargs)
        return real(report, **kwargs)

    monkeypatch.setattr(pdf_module, "render_report_pdf", spy)
    InteractionFactory(date=date(2020, 7, 1))  # a year with records prints its statistics
    services.report_approve(report=in_review, user=leader)
    assert len(calls) == 1
    assert calls[0]["draft"] is False
    assert '<table class="statistics-table">' in calls[0]["statistics_html"]


def test_a_failed_render_leaves_the_report_in_review(in_review, leader, pdf_module, monkeypatch):
    def broken(report, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf_module, "render_report_pdf", broken)
    with pytest.raises(RuntimeError):
        services.report_approve(report=in_review, user=leader)
    assert in_review.status == AnnualReport.Status.IN_REVIEW and not in_review.pdf_file
    in_review.refresh_from_db()
    assert in_review.status == AnnualReport.Status.IN_REVIEW
    assert in_review.statistics is None and not in_review.pdf_sha256


def test_an_approved_report_cannot_be_changed(approved, staff, leader):
    with pytest.raises(ValidationError) as refused:
        services.report_ensure_editable(approved)
    assert refused.value.code == "read_only"
    part = approved.parts.first()
    section = part.sections.first()
    for change in [
        lambda: services.section_add(part=part, title="新的一节"),
        lambda: services.section_move(section=section, direction="down"),
        lambda: services.section_delete(section=section),
        lambda: services.report_submit(report=approved, user=staff),
        lambda: services.report_return(report=approved, user=leader, comment="请修改"),
        lambda: services.report_approve(report=approved, user=leader),
    ]:
        with pytest.raises(ValidationError):
            change()
    assert part.sections.count() == len(services.SUMMARY_SECTIONS)


# --- sections -------------------------------------------------------------------------------


@pytest.fixture
def part():
    part = ReportPartFactory(report=AnnualReportFactory(year=2019))
    for order, title in enumerate(["一", "二", "三"], start=1):
        ReportSectionFactory(part=part, order=order, title=title)
    return part


def _titles(part: ReportPart) -> list[str]:
    return list(part.sections.order_by("order").values_list("title", flat=True))


def test_section_add_appends_at_the_end(part, staff):
    section = services.section_add(part=part, title="四", body="正文", user=staff)
    assert section.order == 4 and _titles(part) == ["一", "二", "三", "四"]
    assert section.history.get().history_user == staff
    with pytest.raises(ValidationError):
        services.section_add(part=part, title="")


def test_section_move_swaps_with_the_neighbour(part, staff):
    second = part.sections.get(title="二")
    services.section_move(section=second, direction="up", user=staff)
    assert _titles(part) == ["二", "一", "三"]
    assert second.order == 1
    assert part.sections.get(title="一").history.first().history_user == staff
    services.section_move(section=second, direction="down")
    services.section_move(section=second, direction="down")
    assert _titles(part) == ["一", "三", "二"]
    assert list(part.sections.order_by("order").values_list("order", flat=True)) == [1, 2, 3]


def test_section_move_at_either_end_changes_nothing(part):
    services.section_move(section=part.sections.get(title="一"), direction="up")
    services.section_move(section=part.sections.get(title="三"), direction="down")
    assert _titles(part) == ["一", "二", "三"]
    with pytest.raises(ValidationError):
        services.section_move(section=part.sections.get(title="一"), direction="sideways")


def test_section_delete_renumbers_the_rest(part, staff):
    services.section_delete(section=part.sections.get(title="一"), user=staff)
    rows = list(part.sections.order_by("order").values_list("order", "title"))
    assert rows == [(1, "二"), (2, "三")]
    deleted = ReportSection.history.filter(title="一", history_type="-").get()
    assert deleted.history_user == staff
