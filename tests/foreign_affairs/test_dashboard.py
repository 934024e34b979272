"""Dashboard, deadlines, global search and reminders, as each role sees them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from faculty.models import IdentityDocument
from partners.models import Agreement
from tests.factories import UserFactory
from tests.faculty.factories import IdentityDocumentFactory
from tests.partners.factories import AgreementFactory, InstitutionFactory
from tests.reports.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def user_in(role: str, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def deadlines(today):
    soon = AgreementFactory(
        title="三十天后到期的协议",
        status=Agreement.Status.IN_FORCE,
        valid_from=today - timedelta(days=300),
        valid_until=today + timedelta(days=30),
    )
    overdue = SubmissionFactory(
        title="逾期未报送的统计报表", due_on=today - timedelta(days=3), submitted_on=None
    )
    far = AgreementFactory(
        title="两年后到期的协议",
        status=Agreement.Status.IN_FORCE,
        valid_from=today,
        valid_until=today + timedelta(days=730),
    )
    permit = IdentityDocumentFactory(
        kind=IdentityDocument.Kind.WORK_PERMIT,
        permit_class="B",
        issued_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=100),
    )
    permit.teacher.status = "employed"
    permit.teacher.save()
    return {"soon": soon, "overdue": overdue, "far": far, "permit": permit}


def _deadline_titles(response) -> str:
    html = response.content.decode()
    return html[html.index('id="deadlines"') : html.index('id="recent-changes"')]


def test_dashboard_shows_deadlines_within_90_days_and_overdue(client, deadlines):
    client.force_login(user_in("office_staff"))
    html = _deadline_titles(client.get("/"))
    assert "三十天后到期的协议" in html
    assert "逾期未报送的统计报表" in html
    assert "两年后到期的协议" not in html
    # a permit expiring in 100 days is due for extension 45 days earlier: inside the window
    assert str(deadlines["permit"].teacher) in html


def test_liaison_sees_no_faculty_or_report_deadlines(client, deadlines):
    client.force_login(user_in("liaison"))
    html = _deadline_titles(client.get("/"))
    assert "三十天后到期的协议" in html
    assert "逾期未报送的统计报表" not in html
    assert str(deadlines["permit"].teacher) not in html


def test_dashboard_counts_and_chart(client):
    InstitutionFactory(name_zh="澳门镜湖护理学院", country="MO", status="active")
    InstitutionFactory(name_zh="韩国庆北专门大学", country="KR", status="active")
    client.force_login(user_in("leadership"))
    response = client.get("/")
    [partners] = [
        c
        for c in response.context["counts"]
        if "institution" in c.url or c.url.startswith("/partners/?")
    ]
    assert partners.value == 2
    svg = str(response.context["charts"][0]["svg"])
    assert "中国澳门" in svg and "<svg" in svg


def test_global_search_finds_chinese_and_english_names_grouped_by_kind(client):
    institution = InstitutionFactory(name_zh="澳门镜湖护理学院", name_en="Kiang Wu Nursing College")
    AgreementFactory(institution=institution, title="镜湖合作协议")
    client.force_login(user_in("office_staff"))
    by_chinese = client.get(reverse("search"), {"q": "镜湖"})
    kinds = [str(group["opts"].model_name) for group in by_chinese.context["groups"]]
    assert kinds[:2] == ["institution", "agreement"]
    by_english = client.get(reverse("search"), {"q": "kiang wu"})
    assert "澳门镜湖护理学院" in by_english.content.decode()


def test_search_hides_what_the_role_may_not_see(client):
    IdentityDocumentFactory(teacher__family_name="Searchable")
    client.force_login(user_in("liaison"))
    response = client.get(reverse("search"), {"q": "Searchable"})
    assert response.context["groups"] == []


def test_send_reminders_mails_office_staff_their_deadlines(deadlines):
    user_in("office_staff", email="waishi@college.example")
    user_in("leadership", email="leader@college.example")
    call_command("send_reminders", "--days", "40")
    assert [message.to for message in mail.outbox] == [["waishi@college.example"]]
    assert "三十天后到期的协议" in mail.outbox[0].body
    assert "两年后到期的协议" not in mail.outbox[0].body


def test_send_reminders_dry_run_sends_nothing(deadlines, capsys):
    user_in("office_staff", email="waishi@college.example")
    call_command("send_reminders", "--dry-run")
    assert mail.outbox == []
    assert "waishi@college.example" in capsys.readouterr().out


def test_private_calendar_feed_lists_the_users_deadlines_without_a_session(client, deadlines):
    from foreign_affairs.models import CalendarToken
    from foreign_affairs.views.calendar import calendar_path

    user = user_in("liaison")
    url = calendar_path(CalendarToken.issue(user))
    response = client.get(url)  # not logged in: calendar apps have no session
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR") and "三十天后到期的协议" in body
    assert "逾期未报送的统计报表" not in body  # liaison may not see submissions
    assert client.get(url[:-10] + "tampered.ics").status_code == 404
    # Replacing the key revokes the old URL (tests/foreign_affairs/test_calendar_feed.py).


def test_reminders_go_once_per_stage_to_the_responsible_user_only(today):
    from faculty.models import IdentityDocument
    from foreign_affairs.models import ReminderSent

    office = user_in("office_staff", email="waishi@college.example")
    manager = user_in("office_staff", email="manager@college.example")
    AgreementFactory(
        title="八十天后到期的协议",
        status=Agreement.Status.IN_FORCE,
        valid_from=today - timedelta(days=300),
        valid_until=today + timedelta(days=80),
    )
    permit = IdentityDocumentFactory(
        kind=IdentityDocument.Kind.HEALTH_CERTIFICATE,
        expires_on=today + timedelta(days=5),
        teacher__manager=manager,
        teacher__status="employed",
    )
    call_command("send_reminders")
    by_user = {message.to[0]: message.body for message in mail.outbox}
    assert "八十天后到期的协议" in by_user["waishi@college.example"]  # the office's (stage 90)
    assert "八十天后到期的协议" in by_user["manager@college.example"]  # also in the office
    assert str(permit.teacher) in by_user["manager@college.example"]  # the manager's own
    assert str(permit.teacher) not in by_user["waishi@college.example"]
    assert ReminderSent.objects.filter(user=office, stage=90).count() == 1

    mail.outbox.clear()
    call_command("send_reminders")
    assert mail.outbox == []  # the same stage is not mailed again


def test_the_dashboard_shows_overdue_first_then_the_soonest_with_days_left(client, today):
    client.force_login(user_in("office_staff"))
    SubmissionFactory(title="三天前逾期", due_on=today - timedelta(days=3), submitted_on=None)
    SubmissionFactory(title="十天前逾期", due_on=today - timedelta(days=10), submitted_on=None)
    SubmissionFactory(title="五天后到期", due_on=today + timedelta(days=5), submitted_on=None)
    SubmissionFactory(title="两天后到期", due_on=today + timedelta(days=2), submitted_on=None)
    rows = client.get("/").context["rows"]
    titles = [str(row["item"].title).split(" → ")[0] for row in rows]
    # The longest overdue on top (issue 11: "overdue first, then soonest"; tests/test_dashboard.py)
    assert titles == ["十天前逾期", "三天前逾期", "两天后到期", "五天后到期"]
    assert [row["left"] for row in rows] == [-10, -3, 2, 5]


def test_a_teacher_change_not_filed_in_10_days_is_the_managers_overdue_item(today):
    from foreign_affairs.selectors import deadlines_for, is_responsible
    from tests.faculty.factories import TeacherChangeFactory

    manager = user_in("office_staff")
    other = user_in("office_staff")
    change = TeacherChangeFactory(
        changed_on=today - timedelta(days=12),
        filed_on=None,
        teacher__manager=manager,
        teacher__status="employed",
    )
    (item,) = [i for i in deadlines_for(manager) if i.obj == change]
    assert item.due_on == today - timedelta(days=2)
    assert is_responsible(manager, item) and not is_responsible(other, item)


def test_a_report_in_review_is_the_leaders_deadline(settings):
    from foreign_affairs.selectors import deadlines_for, is_responsible
    from reports import services

    settings.REPORT_REVIEW_DAYS = 0
    staff, leader = user_in("office_staff"), user_in("leadership")
    from tests.reports.factories import AnnualReportFactory

    report = AnnualReportFactory(year=2025)
    services.report_submit(report=report, user=staff)
    (item,) = [i for i in deadlines_for(leader) if i.obj == report]
    assert is_responsible(leader, item) and not is_responsible(staff, item)
    assert [i for i in deadlines_for(staff) if i.obj == report] == []  # may not approve


def test_a_manager_who_may_not_see_the_item_leaves_it_to_the_office(today):
    from foreign_affairs.selectors import deadlines_for, is_responsible
    from tests.faculty.factories import TeacherChangeFactory

    liaison = user_in("liaison")  # no faculty permission
    office = user_in("office_staff")
    change = TeacherChangeFactory(
        changed_on=today - timedelta(days=12),
        filed_on=None,
        teacher__manager=liaison,
        teacher__status="employed",
    )
    (item,) = [i for i in deadlines_for(office) if i.obj == change]
    assert is_responsible(office, item) and not is_responsible(liaison, item)
