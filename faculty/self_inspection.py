"""The 年度自查 of foreign teachers: every teacher of the year with each legal-status item.

As for the 出访审批表 (exchanges/approval_sheet.py), one table template is the layout of both
the page and the PDF the office sends up; the PDF is an official document, so it is in
Chinese whatever language its reader browses in. A past year is read as of its 31 December.
"""

from datetime import date

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from faculty.rules import CHECKLIST, teacher_checklist
from faculty.selectors import teachers_of_self_inspection

DOCUMENT_LANGUAGE = "zh-hans"
PLAUSIBLE_YEARS = range(2000, 2101)


def inspection_year(year: int) -> int:
    """Return `year`, or refuse (404) a year no inspection can have."""
    if year not in PLAUSIBLE_YEARS:
        raise Http404
    return year


def self_inspection_context(year: int) -> dict:
    """Return the teachers of `year` with their checklists, foreign and 港澳台 apart."""
    as_of = min(timezone.localdate(), date(year, 12, 31))
    rows = [
        {"teacher": teacher, "checklist": teacher_checklist(teacher, on=as_of)}
        for teacher in teachers_of_self_inspection(year)
    ]
    foreign = [row for row in rows if not row["teacher"].is_hmt]
    hmt = [row for row in rows if row["teacher"].is_hmt]
    return {
        "year": year,
        "as_of": as_of,
        "title": f"{settings.SCHOOL_NAME}{year}年度外籍教师聘用管理自查表",
        "author": f"{settings.SCHOOL_NAME}外事办公室",
        "foreign_rows": foreign,
        "hmt_rows": hmt,
        "groups": [
            {"caption": _("Foreign teachers"), "rows": foreign},
            {"caption": _("Teachers from Hong Kong, Macau and Taiwan"), "rows": hmt},
        ],
        "items": [item for item in CHECKLIST if not item.hmt],
        "hmt_item": next(item for item in CHECKLIST if item.hmt),
    }


def self_inspection_pdf(year: int) -> bytes:
    """Return the self-inspection of `year` as PDF."""
    from weasyprint import HTML

    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string("faculty/self_inspection_pdf.html", self_inspection_context(year))
    return HTML(string=html).write_pdf()


def self_inspection_filename(year: int) -> str:
    return f"外籍教师年度自查-{year}.pdf"
