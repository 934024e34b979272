"""The 出访审批表 of an outbound visit: the print page, the PDF, who may open them."""

import io
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import content_disposition_header
from pypdf import PdfReader

from exchanges.approval_sheet import approval_sheet_context
from exchanges.models import TripKind, Visit, VisitMember
from tests.exchanges.factories import VisitFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNATURE_BOXES = (
    "所在部门意见（签字、盖章）",
    "外事办公室意见（签字、盖章）",
    "校领导审批意见（签字）",
)
MEMBERS = ("王建国", "李晓梅", "陈思远")


@pytest.fixture
def staff(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="office_staff"))
    client.force_login(user)
    return user


@pytest.fixture
def visit():
    visit = VisitFactory(
        title="赴日本护理教育考察团",
        department="护理学院",
        purpose="考察日本护理教育，商谈学生交换项目。",
        destinations=["JP"],
        stopovers=["KR"],
        stopovers_airport_only=True,
        planned_start=date(2021, 3, 5),
        planned_end=date(2021, 3, 9),
    )
    for name, role in zip(MEMBERS, VisitMember.Role, strict=True):
        VisitMember.objects.create(visit=visit, name=name, role=role, unit="护理学院")
    return visit


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_print_page_shows_the_visit_its_members_and_the_signature_boxes(client, staff, visit):
    response = client.get(reverse("exchanges:visit_approval_sheet", args=[visit.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "赴日本护理教育考察团" in html and "2021年3月5日至2021年3月9日" in html
    assert all(name in html for name in MEMBERS)
    assert all(box in html for box in SIGNATURE_BOXES)


def test_the_pdf_holds_the_title_the_members_and_the_leaders_box(client, staff, visit):
    response = client.get(reverse("exchanges:visit_approval_sheet_pdf", args=[visit.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == content_disposition_header(
        True, "出访审批表-赴日本护理教育考察团.pdf"
    )
    text = pdf_text(response.content)
    assert "赴日本护理教育考察团" in text and "校领导审批意见" in text
    assert all(name in text for name in MEMBERS)


def test_days_abroad_count_the_days_of_departure_and_arrival(visit):
    context = approval_sheet_context(visit)
    assert context["days"] == 5 and context["persons"] == 3


def test_the_form_names_the_trip_kind_and_the_plan_in_official_terms(visit):
    visit.trip_kind = TripKind.ACADEMIC
    context = approval_sheet_context(visit)
    assert context["trip_kind"] == "教学科研人员学术交流"
    assert [row["role"] for row in context["members"]] == ["团长", "团员", "翻译"]


def test_an_inbound_visit_has_no_approval_sheet(client, staff):
    visit = VisitFactory(direction=Visit.Direction.INBOUND)
    for name in ("exchanges:visit_approval_sheet", "exchanges:visit_approval_sheet_pdf"):
        assert client.get(reverse(name, args=[visit.pk])).status_code == 404


def test_a_user_who_may_not_view_visits_is_refused(client, visit):
    client.force_login(UserFactory())
    for name in ("exchanges:visit_approval_sheet", "exchanges:visit_approval_sheet_pdf"):
        assert client.get(reverse(name, args=[visit.pk])).status_code == 403


def test_the_form_is_in_chinese_whatever_language_the_reader_browses_in(client, staff, visit):
    url = reverse("exchanges:visit_approval_sheet", args=[visit.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "日本" in html and "韩国（不出机场）" in html


def test_the_number_of_queries_does_not_grow_with_the_members(client, staff, visit):
    url = reverse("exchanges:visit_approval_sheet", args=[visit.pk])
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    VisitMember.objects.bulk_create(
        VisitMember(visit=visit, name=f"团员{n}", unit="护理学院") for n in range(5)
    )
    with CaptureQueriesContext(connection) as eight:
        client.get(url)
    assert len(eight) == len(three)
