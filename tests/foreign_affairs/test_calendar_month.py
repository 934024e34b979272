"""The month calendar of deadlines and trips (issue 11 §6)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchanges.models import Visit
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from foreign_affairs.views.calendar import parse_month
from tests.exchanges.factories import VisitFactory
from tests.factories import UserFactory
from tests.faculty.factories import ContractFactory
from tests.reports.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

URL = "/calendar/month/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def user_in(role):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


def _entries(response, day: date) -> list:
    (cell,) = [cell for week in response.context["grid"] for cell in week if cell["day"] == day]
    return cell["entries"]


def test_the_url_name_and_the_links_to_it():
    assert reverse("calendar_month") == URL


def test_a_month_is_a_grid_of_weeks_from_monday_with_today_marked(client):
    client.force_login(user_in(LIAISON))
    response = client.get(URL, {"month": "2026-12"})
    grid = response.context["grid"]
    assert grid[0][0]["day"] == date(2026, 11, 30)  # a Monday
    assert all(week[0]["day"].weekday() == 0 for week in grid)
    assert grid[-1][-1]["day"] == date(2027, 1, 3)
    html = response.content.decode()
    assert "星期一" in html.split('id="month-grid"')[1][:400]  # Chinese names, Monday first
    assert response.context["previous"] == date(2026, 11, 1)
    assert response.context["next"] == date(2027, 1, 1)
    today = timezone.localdate()
    this = client.get(URL)
    assert this.context["month"] == today.replace(day=1)
    (marked,) = [cell for week in this.context["grid"] for cell in week if cell["today"]]
    assert marked["day"] == today
    assert 'aria-current="date"' in this.content.decode()


def test_january_and_december_lead_to_the_neighbouring_years(client):
    client.force_login(user_in(LIAISON))
    january = client.get(URL, {"month": "2027-01"}).context
    assert january["previous"] == date(2026, 12, 1)
    assert client.get(URL, {"month": "2026-12"}).context["next"] == date(2027, 1, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2026-13",
        "2026-00",
        "1999-12",
        "2101-01",
        "abc",
        "2026-12-01",
        "9" * 5000,
        " ",
    ],
)
def test_a_month_that_is_none_shows_this_month_with_a_message(client, value):
    client.force_login(user_in(LIAISON))
    response = client.get(URL, {"month": value}, **EN)
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)
    if value.strip():
        assert "is not a month between 2000 and 2100" in response.content.decode()


def test_parse_month_accepts_a_one_digit_month_and_full_width_digits():
    assert parse_month("2026-3", date(2026, 11, 30)) == (date(2026, 3, 1), "")
    assert parse_month("２０２６-１２", date(2026, 11, 30)) == (date(2026, 12, 1), "")


def test_deadlines_and_trips_fall_on_their_days(client):
    SubmissionFactory(title="年度总结报送", due_on=date(2026, 12, 15), submitted_on=None)
    VisitFactory(
        title="赴澳门交流",
        planned_start=date(2026, 12, 7),
        planned_end=date(2026, 12, 9),
    )
    VisitFactory(
        title="已取消的出访",
        status=Visit.Status.CANCELLED,
        cancel_reason="对方取消",
        planned_start=date(2026, 12, 8),
        planned_end=date(2026, 12, 8),
    )
    client.force_login(user_in(OFFICE_STAFF))
    response = client.get(URL, {"month": "2026-12"})
    assert [e.title for e in _entries(response, date(2026, 12, 15))][0].startswith("年度总结报送")
    for day in (7, 8, 9):
        titles = [e.title for e in _entries(response, date(2026, 12, day))]
        assert titles == ["赴澳门交流"]
    assert _entries(response, date(2026, 12, 10)) == []
    first, middle, last = (_entries(response, date(2026, 12, d))[0] for d in (7, 8, 9))
    assert (first.first, first.last, middle.first, middle.last, last.last) == (
        True,
        False,
        False,
        False,
        True,
    )
    agenda = {day["day"]: day["entries"] for day in response.context["agenda"]}
    # On a phone a trip is one line on its first day, with its dates.
    assert set(agenda) == {date(2026, 12, 7), date(2026, 12, 15)}
    (trip,) = agenda[date(2026, 12, 7)]
    assert trip.span == (date(2026, 12, 7), date(2026, 12, 9))
    assert "12月7日—12月9日" in response.content.decode()


def test_a_trip_across_the_month_end_shows_in_both_months(client):
    VisitFactory(title="跨月出访", planned_start=date(2026, 11, 28), planned_end=date(2026, 12, 3))
    client.force_login(user_in(LIAISON))
    december = client.get(URL, {"month": "2026-12"})
    assert [e.title for e in _entries(december, date(2026, 12, 1))] == ["跨月出访"]
    agenda_days = [day["day"] for day in december.context["agenda"]]
    assert agenda_days == [date(2026, 12, 1)]  # the agenda: from its first day this month


def test_each_role_sees_only_what_it_may_view(client):
    SubmissionFactory(title="报送截止", due_on=date(2026, 12, 15), submitted_on=None)
    ContractFactory(
        status="signed",
        end_on=date(2026, 12, 20),
        teacher__status="employed",
        start_on=date(2025, 12, 21),
    )
    VisitFactory(title="出访", planned_start=date(2026, 12, 1), planned_end=date(2026, 12, 2))
    client.force_login(user_in(LIAISON))
    html = client.get(URL, {"month": "2026-12"}).content.decode()
    assert "出访" in html and "报送截止" not in html and "英语外教" not in html
    client.force_login(user_in(LEADERSHIP))
    html = client.get(URL, {"month": "2026-12"}).content.decode()
    assert "报送截止" in html and "英语外教" in html and "出访" in html


def test_the_month_costs_the_same_queries_with_more_records(client):
    client.force_login(user_in(OFFICE_STAFF))

    def add(n):
        for k in range(n):
            SubmissionFactory(due_on=date(2026, 12, 1 + k % 28), submitted_on=None)
            VisitFactory(planned_start=date(2026, 12, 1 + k % 20), planned_end=date(2026, 12, 25))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"month": "2026-12"}).status_code == 200
        return len(queries)

    add(3)
    client.get(URL)
    few = count()
    add(40)
    assert count() == few


def test_the_dashboard_and_the_menu_link_to_it(client):
    client.force_login(user_in(LIAISON))
    html = client.get("/").content.decode()
    assert html.count(f'href="{URL}"') == 2  # the menu and the dashboard's button


def test_a_phone_gets_the_agenda_and_a_screen_the_grid(client):
    today = timezone.localdate()
    SubmissionFactory(title="今天截止", due_on=today + timedelta(days=0), submitted_on=None)
    client.force_login(user_in(OFFICE_STAFF))
    html = client.get(URL).content.decode()
    grid = html.index('id="month-grid"')
    agenda = html.index('id="month-agenda"')
    assert 'class="d-none d-md-block"' in html[:grid]  # the grid from 768 px up
    assert 'class="d-md-none" id="month-agenda"' in html[: agenda + 30]
    assert "今天截止" in html[agenda:]
