"""What a fresh review of issue 11 found, each fixed and kept fixed."""

import csv
import io
from datetime import date

import pypdf
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from demo.office import demo_pdf
from exchanges.models import Visit
from foreign_affairs.models import CalendarToken
from foreign_affairs.roles import LEADERSHIP, OFFICE_STAFF
from tests.exchanges.factories import PassportCustodyFactory, VisitFactory
from tests.factories import UserFactory, body
from tests.partners.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def login(client, role):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def test_the_demo_attachments_are_real_pdfs():
    reader = pypdf.PdfReader(io.BytesIO(demo_pdf("出访任务批件")))
    assert len(reader.pages) == 1


def test_exports_write_yes_and_no_in_chinese_not_true_and_false(client):
    login(client, OFFICE_STAFF)
    InstitutionFactory(country="KR")
    rows = list(
        csv.reader(
            io.StringIO(body(client.get("/partners/", {"export": "csv"})).decode("utf-8-sig"))
        )
    )
    cells = {cell for row in rows[1:] for cell in row}
    assert {"是", "否"} & cells
    assert not {"True", "False"} & cells


def test_the_calendar_feed_speaks_chinese_to_an_english_calendar_app(client):
    user = login(client, OFFICE_STAFF)
    key = CalendarToken.feed_for(user).key
    client.logout()
    response = client.get(
        reverse("calendar_feed", args=[key]), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Foreign affairs deadlines" not in text
    assert "X-WR-CALNAME:" in text


def test_an_unknown_autocomplete_model_is_refused_in_json(client):
    login(client, OFFICE_STAFF)
    response = client.get("/autocomplete/auth/group/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()


@pytest.mark.parametrize(
    ("month", "missing"), [("2000-01", "previous-month"), ("2100-12", "next-month")]
)
def test_the_month_calendar_has_no_arrow_past_its_limits(client, month, missing):
    login(client, OFFICE_STAFF)
    html = client.get("/calendar/month/", {"month": month}).content.decode()
    assert f'id="{missing}"' not in html
    assert ("previous-month" in html) != ("next-month" in html)


def test_a_trip_keeps_its_line_all_week_and_an_unapproved_one_is_marked(client):
    login(client, OFFICE_STAFF)
    VisitFactory(
        title="先出发的出访",
        status=Visit.Status.APPROVED,
        approval_number="粤外办〔2026〕1号",
        planned_start=date(2026, 11, 30),
        planned_end=date(2026, 12, 3),
    )
    VisitFactory(
        title="待审批的出访",
        status=Visit.Status.SUBMITTED,
        planned_start=date(2026, 12, 2),
        planned_end=date(2026, 12, 6),
    )
    response = client.get("/calendar/month/", {"month": "2026-12"})
    grid = {cell["day"]: cell["entries"] for week in response.context["grid"] for cell in week}
    for day in range(2, 7):  # its line stays the second one, also after the first trip ends
        line = grid[date(2026, 12, day)]
        assert line[1].title == "待审批的出访", day
        assert "tentative" in line[1].style
    assert grid[date(2026, 12, 4)][0].style == "spacer"
    assert "tentative" not in grid[date(2026, 12, 1)][0].style
    agenda = [e.title for day in response.context["agenda"] for e in day["entries"]]
    assert "" not in agenda  # no spacer in the phone's agenda


def test_cancel_on_a_child_form_returns_to_the_parent_tab(client):
    login(client, OFFICE_STAFF)
    institution = InstitutionFactory()
    back = f"{institution.get_absolute_url()}#tab-contacts"
    response = client.get(
        reverse("partners:contact_add"), {"institution": institution.pk, "next": back}
    )
    assert response.context["cancel_url"] == back
    response = client.get(reverse("partners:contact_add"), {"next": "//evil.example/"})
    assert response.context["cancel_url"] == reverse("partners:contact_list")


def test_staff_find_a_travel_document_by_its_number_and_the_leader_cannot(client):
    PassportCustodyFactory(holder="王芳", passport_number="EA0000003")
    PassportCustodyFactory(holder="李雷", passport_number="EB0000009")
    url = reverse("exchanges:passportcustody_list")
    login(client, OFFICE_STAFF)
    assert client.get(url, {"q": "EA0000003"}).context["table"].paginator.count == 1
    client.logout()
    login(client, LEADERSHIP)
    response = client.get(url, {"q": "EA0000003"})
    if response.status_code == 200:  # a masked number is not searchable
        assert response.context["table"].paginator.count == 0
