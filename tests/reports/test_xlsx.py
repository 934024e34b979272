"""The 统计报表 workbook: its sheets, exactly the rows of the year, real dates, Chinese names."""

from datetime import date, datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from exchanges.models import Participant, Visit
from faculty.models import Contract
from partners.models import Institution
from reports.xlsx import DATE_FORMAT, statistics_workbook
from tests.exchanges.factories import ExchangeProjectFactory, ParticipantFactory, VisitFactory
from tests.faculty.factories import ContractFactory, ForeignTeacherFactory
from tests.partners.factories import InstitutionFactory
from tests.reports.test_statistics import populate

pytestmark = pytest.mark.django_db

YEAR = 2020
SHEETS = ["外籍专家和教师", "境外来访", "因公出访", "出国（境）师生", "合作院校", "合作项目"]


def _workbook(year: int = YEAR):
    return load_workbook(BytesIO(statistics_workbook(year)))


def _records(sheet) -> list[dict]:
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _column(sheet, title: str) -> list:
    return [record[title] for record in _records(sheet)]


@pytest.fixture
def year_data():
    """Rows of 2020 and, next to each, a row of another year that must stay out."""
    macau = InstitutionFactory(name_zh="澳门镜湖护理学院", country="MO", since=date(2019, 5, 1))
    hong_kong = InstitutionFactory(name_zh="香港理工大学", country="HK")
    InstitutionFactory(name_zh="洽谈中的学校", status=Institution.Status.PROSPECTIVE)

    for name, start, end in [
        ("柯艾米", date(2020, 9, 1), date(2021, 7, 15)),
        ("往年外教", date(2018, 9, 1), date(2019, 7, 15)),
    ]:
        teacher = ForeignTeacherFactory(chinese_name=name, given_name="Emily", nationality="GB")
        ContractFactory(teacher=teacher, start_on=start, end_on=end, status=Contract.Status.SIGNED)

    for title, start in [("香港理工大学代表团", date(2020, 12, 1)), ("次年来访", date(2021, 3, 1))]:
        VisitFactory(
            direction=Visit.Direction.INBOUND,
            title=title,
            delegation=title,
            nationality="HK",
            persons=4,
            status=Visit.Status.CLOSED,
            planned_start=start,
            planned_end=start,
        )
    for title, status, start in [
        ("赴澳门交流", Visit.Status.CLOSED, date(2020, 10, 19)),
        ("取消的出访", Visit.Status.CANCELLED, date(2020, 7, 13)),
        ("往年出访", Visit.Status.CLOSED, date(2019, 10, 19)),
    ]:
        visit = VisitFactory(
            title=title,
            status=status,
            cancel_reason="疫情" if status == Visit.Status.CANCELLED else "",
            destinations=["MO"],
            planned_start=start,
            planned_end=start,
            actual_start=start if status == Visit.Status.CLOSED else None,
            actual_end=start if status == Visit.Status.CLOSED else None,
        )
        visit.institutions.add(macau)

    project = ExchangeProjectFactory(
        name="澳门镜湖护理学院交流学习项目", start_on=date(2019, 9, 1), end_on=None
    )
    project.partners.add(macau)
    ExchangeProjectFactory(name="已结束的项目", start_on=date(2017, 1, 1), end_on=date(2018, 1, 1))
    for name, status, start in [
        ("林晓彤", Participant.Status.DEPARTED, date(2020, 3, 1)),
        ("报名学生", Participant.Status.APPLIED, date(2020, 3, 1)),
        ("往年学生", Participant.Status.RETURNED, date(2019, 3, 1)),
    ]:
        ParticipantFactory(project=project, name=name, status=status, start_on=start, end_on=start)
    return {"macau": macau, "hong_kong": hong_kong}


def test_the_workbook_has_one_sheet_per_category_with_bold_headers(year_data):
    workbook = _workbook()
    assert workbook.sheetnames == SHEETS
    for sheet in workbook:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert sheet[1][0].value == "序号"
        assert all(dimension.width >= 6 for dimension in sheet.column_dimensions.values())


def test_each_sheet_holds_exactly_the_rows_of_the_year(year_data):
    workbook = _workbook()
    assert _column(workbook["外籍专家和教师"], "中文姓名") == ["柯艾米"]
    assert _column(workbook["境外来访"], "来访团组") == ["香港理工大学代表团"]
    assert _column(workbook["因公出访"], "团组名称") == ["赴澳门交流"]
    assert _column(workbook["出国（境）师生"], "姓名") == ["林晓彤"]
    assert sorted(_column(workbook["合作院校"], "中文名称")) == ["澳门镜湖护理学院", "香港理工大学"]
    assert _column(workbook["合作项目"], "项目名称") == ["澳门镜湖护理学院交流学习项目"]
    assert _column(workbook["合作项目"], "本年参与人数") == [2]


def test_dates_are_real_excel_dates_in_chinese_format(year_data):
    sheet = _workbook()["外籍专家和教师"]
    record = _records(sheet)[0]
    assert record["聘期开始"] == datetime(2020, 9, 1)
    assert record["聘期结束"] == datetime(2021, 7, 15)
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("聘期开始") + 1).number_format == DATE_FORMAT


def test_hong_kong_and_macau_are_named_as_regions_of_china(year_data):
    workbook = _workbook()
    partners = {r["中文名称"]: r for r in _records(workbook["合作院校"])}
    assert partners["香港理工大学"]["国家/地区"] == "中国香港"
    assert partners["澳门镜湖护理学院"]["国家/地区"] == "中国澳门"
    assert {r["类别"] for r in partners.values()} == {"港澳台"}
    assert _column(workbook["境外来访"], "国家/地区") == ["中国香港"]
    assert _column(workbook["因公出访"], "出访国家/地区") == ["中国澳门"]
    assert _column(workbook["外籍专家和教师"], "国籍") == ["英国"]


def test_query_count_is_the_same_for_3_and_300_records():
    populate(3)
    with CaptureQueriesContext(connection) as small:
        statistics_workbook(YEAR)
    populate(297)
    with CaptureQueriesContext(connection) as large:
        data = statistics_workbook(YEAR)
    assert len(small.captured_queries) == len(large.captured_queries)
    workbook = load_workbook(BytesIO(data))
    assert workbook["因公出访"].max_row == 301  # header and the 300 visits
    assert workbook["外籍专家和教师"].max_row == 301
