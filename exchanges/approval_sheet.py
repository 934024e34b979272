"""The 出访审批表 of an outbound visit: one A4 form, printed from the browser or as PDF.

As for the yearly report (reports/pdf.py), the HTML is the single source of the layout:
the page the office prints is the page WeasyPrint turns into the PDF.
"""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import translation

from exchanges.models import TripKind, Visit, VisitMember
from foreign_affairs.attachments import safe_filename
from foreign_affairs.compliance import findings

# The form is an official Chinese document whatever language its reader browses in: country
# names and findings in Chinese, categories in the terms of 厅字〔2016〕17号.
FORM_LANGUAGE = "zh-hans"
TRIP_KIND_TERMS = {TripKind.OFFICIAL: "公务", TripKind.ACADEMIC: "教学科研人员学术交流"}
ROLE_TERMS = {
    VisitMember.Role.LEADER: "团长",
    VisitMember.Role.MEMBER: "团员",
    VisitMember.Role.INTERPRETER: "翻译",
}


def approval_sheet_context(visit: Visit) -> dict:
    """Return what the form shows of `visit`, read in a fixed number of queries."""
    prefetch_related_objects([visit], "members", "institutions", "passports")
    members = [
        {"member": member, "role": ROLE_TERMS.get(member.role, member.get_role_display())}
        for member in visit.members.all()
    ]
    start, end = visit.planned_start, visit.planned_end
    return {
        "visit": visit,
        "title": f"{settings.SCHOOL_NAME}因公临时出国（境）审批表",
        "author": f"{settings.SCHOOL_NAME}外事办公室",
        "trip_kind": TRIP_KIND_TERMS.get(visit.trip_kind, visit.get_trip_kind_display()),
        "stopovers": "、".join(country.name for country in visit.stopovers),
        "institutions": "、".join(str(institution) for institution in visit.institutions.all()),
        # Days abroad count the days of departure and of arrival (中办发〔2013〕16号).
        "days": (end - start).days + 1 if start and end else None,
        "persons": len(members) or visit.persons,
        "members": members,
        "findings": findings(visit),
    }


def approval_sheet_html(visit: Visit) -> str:
    """Return the form as a standalone A4 page (with a print button on screen)."""
    with translation.override(FORM_LANGUAGE):
        return render_to_string("exchanges/approval_sheet.html", approval_sheet_context(visit))


def approval_sheet_pdf(visit: Visit) -> bytes:
    """Return the form as PDF."""
    from weasyprint import HTML

    return HTML(string=approval_sheet_html(visit)).write_pdf()


def approval_sheet_filename(visit: Visit) -> str:
    """Return the PDF's file name, 出访审批表-<title>.pdf, safe on every file system."""
    title = safe_filename(visit.title)
    return f"出访审批表-{title or visit.pk}.pdf"
