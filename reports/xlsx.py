"""统计报表: the year's workbook for the education authority, one sheet per category it asks for.

Sheets: foreign experts and teachers engaged, delegations received, official visits abroad,
staff and students abroad, partner institutions, and exchange/joint programmes. Each sheet is
read in one query (plus one per prefetched relation), however many rows the year has; the
rows follow the same definitions as the statistics of the report (reports.selectors).
"""

import unicodedata
from collections.abc import Iterable
from datetime import date
from io import BytesIO

from django.conf import settings
from django.db.models import Count, Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from exchanges.models import ExchangeProject, Participant
from foreign_affairs.spreadsheets import safe_row
from partners.models import Agreement
from reports import selectors
from reports.statistics import country_name_zh, country_names_zh, zh

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
ABROAD_STATUSES = (Participant.Status.DEPARTED, Participant.Status.RETURNED)
MIN_WIDTH, MAX_WIDTH = 6, 50
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
TEXT_ALIGNMENT = Alignment(vertical="top", wrap_text=True)


def statistics_workbook(year: int) -> bytes:
    """Return the 统计报表 of `year` as .xlsx bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{settings.SCHOOL_NAME}{year}年外事统计报表"
    workbook.properties.creator = settings.SCHOOL_NAME
    for title, header, rows in (
        ("外籍专家和教师", *_teachers(year)),
        ("境外来访", *_visitors(year)),
        ("因公出访", *_outbound_visits(year)),
        ("出国（境）师生", *_abroad(year)),
        ("合作院校", *_partners(year)),
        ("合作项目", *_projects(year)),
    ):
        _write_sheet(workbook.create_sheet(title), header, rows)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _numbered(rows: Iterable[list]) -> list[list]:
    return [[number, *row] for number, row in enumerate(rows, start=1)]


def _names(institutions) -> str:
    return "、".join(institution.name_zh for institution in institutions)


def _teachers(year: int) -> tuple[list, list]:
    header = [
        "序号",
        "中文姓名",
        "外文姓名",
        "性别",
        "国籍",
        "最高学历",
        "所学专业",
        "聘用方式",
        "任教部门",
        "任教科目",
        "聘期开始",
        "聘期结束",
    ]
    rows = _numbered(
        [
            teacher.chinese_name,
            f"{teacher.given_name} {teacher.family_name}",
            zh(teacher.get_gender_display()) if teacher.gender else "",
            country_name_zh(teacher.nationality.code),
            zh(teacher.get_highest_degree_display()),
            teacher.degree_field,
            zh(teacher.get_employment_display()),
            teacher.department,
            teacher.subjects,
            teacher.period_start,
            teacher.period_end,
        ]
        for teacher in selectors.teachers_engaged_with_period(year)
    )
    return header, rows


def _visitors(year: int) -> tuple[list, list]:
    header = [
        "序号",
        "来访团组",
        "国家/地区",
        "人数",
        "来访日期",
        "离开日期",
        "来访事由",
        "访问院校（机构）",
        "接待部门",
    ]
    rows = _numbered(
        [
            visit.delegation or visit.title,
            country_name_zh(visit.nationality.code) if visit.nationality else "",
            visit.persons,
            visit.on,
            visit.actual_end or visit.planned_end,
            visit.purpose,
            _names(visit.institutions.all()),
            visit.host_department,
        ]
        for visit in selectors.visits_received_in(year)
    )
    return header, rows


def _outbound_visits(year: int) -> tuple[list, list]:
    header = [
        "序号",
        "团组名称",
        "团长",
        "出访日期",
        "返回日期",
        "出访国家/地区",
        "人数",
        "出访任务",
        "访问院校（机构）",
        "批件号",
        "计划内/外",
    ]
    visits = selectors.outbound_visits_in(year, done=True)
    rows = _numbered(
        [
            visit.title,
            next((m.name for m in visit.members.all() if m.role == "leader"), ""),
            visit.on,
            visit.actual_end or visit.planned_end,
            country_names_zh(visit.destinations),
            visit.persons,
            visit.purpose or (visit.plan_line.description if visit.plan_line else ""),
            _names(visit.institutions.all()),
            visit.approval_number,
            "计划内" if visit.plan_line_id else "计划外",
        ]
        for visit in visits
    )
    return header, rows


def _abroad(year: int) -> tuple[list, list]:
    header = [
        "序号",
        "姓名",
        "类别",
        "部门/班级",
        "学号/工号",
        "项目",
        "前往国家/地区",
        "接收院校（机构）",
        "开始日期",
        "结束日期",
        "状态",
        "结果",
    ]
    participants = (
        selectors.participants_of_year(year)
        .filter(direction=Participant.Direction.OUTBOUND, status__in=ABROAD_STATUSES)
        .select_related("project")
        .prefetch_related("project__partners")
        .order_by("start_on", "project__name", "name", "pk")
    )
    rows = _numbered(
        [
            person.name,
            zh(person.get_kind_display()),
            person.department,
            person.number,
            person.project.name,
            _countries(person.project.partners.all()),
            _names(person.project.partners.all()),
            person.start_on,
            person.end_on,
            zh(person.get_status_display()),
            person.result,
        ]
        for person in participants
    )
    return header, rows


def _countries(institutions) -> str:
    codes = dict.fromkeys(institution.country.code for institution in institutions)
    return "、".join(country_name_zh(code) for code in codes)


def _partners(year: int) -> tuple[list, list]:
    header = [
        "序号",
        "中文名称",
        "外文名称",
        "国家/地区",
        "类别",
        "城市",
        "机构类型",
        "合作起始",
        "合作状态",
        "有效合作协议",
        "合作项目",
    ]
    institutions = selectors.partners_of_year(year).prefetch_related(
        Prefetch(
            "agreements",
            queryset=Agreement.objects.filter(selectors.agreement_in_force_at_end_q(year)),
            to_attr="agreements_in_force",
        ),
        Prefetch(
            "projects",
            queryset=ExchangeProject.objects.filter(selectors.overlaps_year(year)),
            to_attr="projects_of_year",
        ),
    )
    rows = _numbered(
        [
            institution.name_zh,
            institution.name_en,
            country_name_zh(institution.country.code),
            zh(institution.region_kind.label),
            institution.city,
            zh(institution.get_kind_display()),
            institution.since,
            zh(institution.get_status_display()),
            "、".join(f"《{item.title}》" for item in institution.agreements_in_force),
            "、".join(project.name for project in institution.projects_of_year),
        ]
        for institution in institutions
    )
    return header, rows


def _projects(year: int) -> tuple[list, list]:
    header = [
        "序号",
        "项目名称",
        "项目类型",
        "合作院校（机构）",
        "国家/地区",
        "牵头部门",
        "状态",
        "状态说明",
        "开始日期",
        "结束日期",
        "年度名额",
        "本年参与人数",
        "合作协议",
    ]
    own_dates = selectors.overlaps_year(year, "participants__start_on", "participants__end_on")
    projects = selectors.projects_of_year(year).annotate(
        participants_in_year=Count("participants", filter=own_dates)
    )
    rows = _numbered(
        [
            project.name,
            zh(project.get_kind_display()),
            _names(project.partners.all()),
            _countries(project.partners.all()),
            project.lead_department,
            zh(project.get_status_display()),
            project.status_reason,
            project.start_on,
            project.end_on,
            project.yearly_quota,
            project.participants_in_year,
            project.agreement.title if project.agreement else "",
        ]
        for project in projects
    )
    return header, rows


def _display_width(value) -> int:
    """Return how many Excel character widths `value` takes (CJK characters take two)."""
    if isinstance(value, date):
        return 15
    text = "" if value is None else str(value)
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _write_sheet(sheet, header: list, rows: list[list]) -> None:
    """Write the header and rows, every value through `safe_cell` (formula injection)."""
    sheet.append(safe_row(header))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(safe_row(row))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = TEXT_ALIGNMENT
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for index, title in enumerate(header, start=1):
        widest = max([_display_width(title), *(_display_width(row[index - 1]) for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, widest + 2)
        )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows) + 1)}"
