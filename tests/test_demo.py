"""The demo office: alive on any day, reached through the workflows, valid, idempotent."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from demo.office import USERS, build_demo, demo_loaded, demo_teachers
from exchanges.models import PassportCustody, Visit, VisitPlanLine, plan_kind
from faculty.models import ForeignTeacher, IdentityDocument
from foreign_affairs.models import InboxItem, StateChange
from foreign_affairs.selectors import deadlines_for
from foreign_affairs.workflow import is_read_only
from partners.models import Agreement, Institution
from reports.models import AnnualReport

DOMAIN_APPS = ("partners", "exchanges", "faculty", "reports")
REAL_TODAY = date.today()
# Today, a January day and a late-December day of other years: the demo is alive on each.
DAYS = [
    pytest.param(None, id="today"),
    pytest.param(date(REAL_TODAY.year + 1, 1, 8), id="january"),
    pytest.param(date(REAL_TODAY.year + 2, 12, 28), id="late-december"),
]
OUTBOUND = {"draft", "submitted", "office_review", "approved", "departed", "returned"}
OUTBOUND |= {"report_filed", "closed", "cancelled"}
INBOUND = {"draft", "approved", "received", "closed", "cancelled"}


@contextmanager
def clock(day: date | None):
    """Run the portal's clock on `day` (10:00 in the portal's time zone), ticking on."""
    if day is None:
        yield
        return
    real_now = timezone.now
    start = real_now()
    shift = datetime.combine(day, time(10), tzinfo=ZoneInfo(settings.TIME_ZONE)) - start
    with mock.patch.object(timezone, "now", lambda: real_now() + shift):
        yield


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in (*DOMAIN_APPS, "auth", "foreign_affairs")
        for model in apps.get_app_config(label).get_models()
    }


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _panel(page, xpath: str):
    found = page.xpath(xpath)
    assert found, f"no {xpath} on the dashboard"
    return found


@pytest.mark.parametrize("day", DAYS)
def test_the_dashboard_is_alive_on_any_day(db, client, settings, day):
    settings.DEADLINE_OVERDUE_DAYS = 100 * 365  # show every overdue item, however old
    cache.clear()  # no dashboard panel rendered on another day
    with clock(day):
        today = timezone.localdate()
        assert today == (day or today)
        build_demo()
        for username in ("staff", "leader", "liaison"):
            user = _user(username)
            deadlines = deadlines_for(user)
            assert deadlines, username
            late = [(item.title, item.due_on) for item in deadlines if item.days_left(today) < -30]
            assert not late, f"{username} sees deadlines overdue for more than 30 days: {late}"
            waiting = InboxItem.objects.filter(recipient=user).open()
            assert waiting.exists(), f"nothing waits for {username}"
            client.force_login(user)
            response = client.get("/")
            assert response.status_code == 200
            page = lxml.html.fromstring(response.content.decode())
            text = _panel(page, "//*[@id='waiting-for-you']")[0].text_content()
            assert any(item.task in text for item in waiting), username
            if username != "staff":
                continue
            text = _panel(page, "//*[@id='deadlines']")[0].text_content()
            assert any(str(item.title) in text for item in deadlines), text
            assert _panel(page, "//*[@id='recent-changes']//a[@href]")
            counts = _panel(page, "//*[@id='key-counts']")[0].text_content()
            assert any(char in counts for char in "123456789"), counts
            assert _panel(page, "//*[contains(concat(' ', @class, ' '), ' chart ')]//svg")
        _assert_a_living_office(today)


def _assert_a_living_office(today):
    """This year's plan, visits in every state, someone abroad, the documents of the day."""
    plan = VisitPlanLine.objects.filter(year=today.year)
    assert {plan_kind(line.destinations) for line in plan} == {"abroad", "hmt"}
    outbound = set(Visit.objects.filter(direction="outbound").values_list("status", flat=True))
    inbound = set(Visit.objects.filter(direction="inbound").values_list("status", flat=True))
    assert (outbound, inbound) == (OUTBOUND, INBOUND)
    abroad = Visit.objects.get(status="departed")
    assert abroad.actual_start <= today <= abroad.planned_end
    assert PassportCustody.objects.filter(status="handed_out", visit=abroad).exists()
    expiring = Agreement.objects.expiring(today, days=180)
    assert expiring.count() >= 2
    assert min(a.valid_until for a in expiring) > today
    expired = Agreement.objects.signed().filter(valid_until__lt=today, status="in_force").get()
    assert today - timedelta(days=30) <= expired.valid_until
    emily = ForeignTeacher.objects.get(email="emily.carter@example.com")
    permit = emily.documents.filter(kind=IdentityDocument.Kind.WORK_PERMIT).latest("expires_on")
    assert today < permit.expires_on <= today + timedelta(days=90)
    for document in emily.documents.exclude(expires_on=None).order_by("kind", "-expires_on"):
        latest = emily.documents.filter(kind=document.kind).latest("expires_on")
        assert latest.expires_on > today, document  # a document of each kind valid today
    review = AnnualReport.objects.get(year=today.year - 1)
    assert review.status == AnnualReport.Status.IN_REVIEW


def test_every_state_is_reached_through_the_workflows(demo):
    report_type = ContentType.objects.get_for_model(AnnualReport)
    for record in [*Visit.objects.all(), *PassportCustody.objects.exclude(status="in_custody")]:
        changes = StateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )
        last = changes.order_by("-at", "-pk").first()
        if record.status == "draft" and last is None:
            continue  # a draft nobody has acted on yet
        assert last is not None, record
        assert last.target == record.status, record
        assert record.history.filter(history_change_reason__isnull=False).exists(), record
    returned = Visit.objects.get(direction="outbound", status="draft", title__contains="清迈")
    assert returned.proposed_by.username == "liaison"
    assert StateChange.objects.filter(object_id=returned.pk, transition="send_back").exists()
    report = AnnualReport.objects.get(status=AnnualReport.Status.IN_REVIEW)
    assert StateChange.objects.filter(
        content_type=report_type, object_id=report.pk, transition="submit"
    ).exists()
    leader = _user("leader")
    assert InboxItem.objects.filter(recipient=leader, object_id=report.pk).open().exists()


def test_load_demo_twice_creates_nothing(demo, capsys):
    first = _counts()
    call_command("load_demo")
    assert "0 rows created" in capsys.readouterr().out
    assert _counts() == first
    assert first["partners.Institution"] == 7
    assert first["partners.HistoricalInstitution"] == 7  # no history written by the rerun


def test_demo_rows_pass_validation(demo):
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for obj in model._default_manager.all():
                if is_read_only(obj):  # a closed or cancelled visit refuses any change
                    with pytest.raises(ValidationError, match="不能修改"):
                        obj.full_clean()
                    continue
                obj.full_clean()


def test_the_2020_report_and_its_records_stay_as_history(demo):
    report = AnnualReport.objects.get(year=2020)
    assert report.prepared_by.username == "staff"
    macau = Institution.objects.get(name_en="Kiang Wu Nursing College of Macau")
    assert macau.region_kind == "hmt"  # counted as 港澳台, never as a foreign country
    assert macau.is_greater_bay_area
    assert Institution.objects.get(name_en="Kyungbuk College").region_kind == "foreign"
    cancelled = Visit.objects.filter(planned_start__year=2020)
    assert [visit.status for visit in cancelled] == ["cancelled", "cancelled"]
    assert all("疫情" in visit.cancel_reason for visit in cancelled)
    old = Agreement.objects.filter(valid_until__year__in=[2023, 2024])
    assert set(old.values_list("status", flat=True)) == {"expired"}  # renewed since
    assert VisitPlanLine.objects.filter(year=2020).count() == 2


def test_demo_records_are_known_by_their_data(demo):
    teachers = demo_teachers()
    assert teachers.count() == ForeignTeacher.objects.count() == 2
    assert all(teacher.email.split("@")[1].startswith("example.") for teacher in teachers)
    assert "is_demo" not in {field.name for field in ForeignTeacher._meta.get_fields()}
    recruit = teachers.get(status=ForeignTeacher.Status.UNDER_REVIEW)
    assert not recruit.documents.filter(kind=IdentityDocument.Kind.CRIMINAL_RECORD).exists()


def test_demo_users_can_log_in(demo, client):
    for username, *_ in USERS:
        assert client.login(username=username, password="demo12345"), username
        assert client.get("/").status_code == 200
        client.logout()


def test_load_demo_once_skips_a_loaded_database(db, capsys):
    assert not demo_loaded()
    call_command("load_demo", "--once")
    assert "rows created" in capsys.readouterr().out
    assert demo_loaded()
    Institution.objects.filter(name_zh="迪拜上海中医诊所（连锁机构）").delete()
    call_command("load_demo", "--once")
    assert "already loaded" in capsys.readouterr().out
    assert not Institution.objects.filter(name_zh="迪拜上海中医诊所（连锁机构）").exists()
