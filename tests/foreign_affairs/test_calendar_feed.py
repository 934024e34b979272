"""Issue 10 §12: the private calendar feed.

Before: the feed URL was a signed {"user", "hash": last 12 characters of the password hash}
readable in base64, valid forever; the feed was written line by line, so a passport holder
named `Zhang\\r\\nATTACH:http://x` put an ATTACH line into a leader's calendar. Then: a random
key per user, stored as a SHA-256, shown once. Now (issue 11): the key is an HMAC (SECRET_KEY)
of the user's id and a generation the user counts up to replace it — the same address on
every page, nothing secret in the database; the file written by icalendar.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from foreign_affairs.models import CalendarToken
from foreign_affairs.views.calendar import calendar_path, ics_text
from tests.exchanges.factories import PassportCustodyFactory
from tests.factories import UserFactory
from tests.reports.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

HOSTILE = "Zhang\r\nATTACH:http://x"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _portal_in_english(settings):
    """The feed speaks the portal's language (LANGUAGE_CODE), not the calendar app's: these
    tests read it in English (tests/test_fresh_review.py checks the Chinese default)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def leader():
    user = UserFactory(username="leader1")
    user.groups.add(Group.objects.get(name="leadership"))
    return user


@pytest.fixture
def hostile_passport():
    """A travel document whose holder's name carries a line break and a property."""
    return PassportCustodyFactory(
        holder=HOSTILE, expires_on=timezone.localdate() + timedelta(days=30)
    )


def _feed(client, token, **extra):
    response = client.get(calendar_path(token), **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def _events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def _kind_in_english(passport) -> str:
    with translation.override("en"):
        return str(passport.get_kind_display())


def _properties(body: bytes) -> set[str]:
    """Every property name in every component of the file."""
    return {name for component in Calendar.from_ical(body).walk() for name in component}


# --- the injection -----------------------------------------------------------------------------


def test_a_holder_name_with_a_line_break_adds_no_property(client, leader, hostile_passport):
    body = _feed(client, CalendarToken.issue(leader), **EN)
    assert "ATTACH" not in _properties(body)
    lines = body.decode().split("\r\n")
    assert not [line for line in lines if line.startswith("ATTACH")]
    (event,) = _events(body)
    # The name comes back as written: one line in the summary, the break kept (as \n) in
    # the description.
    kind = _kind_in_english(hostile_passport)
    assert str(event["SUMMARY"]) == f"travel document expires：Zhang ATTACH:http://x（{kind}）"
    assert str(event["DESCRIPTION"]) == (
        f"travel document expires：Zhang\nATTACH:http://x（{kind}）\n"
        f"http://testserver/exchanges/passports/{hostile_passport.pk}/"
    )
    assert str(event["URL"]) == f"http://testserver/exchanges/passports/{hostile_passport.pk}/"


@pytest.mark.parametrize(
    "holder, summary",
    [
        ("Li; Wei, \\Jr", "Li; Wei, \\Jr"),  # TEXT's special characters round-trip
        ("Bell\x07\x1bZhang\u202eX", "BellZhangX"),  # control and bidi characters dropped
        ("Lone\rCR", "Lone CR"),
        ("Line\u2028Sep", "LineSep"),
    ],
)
def test_hostile_characters_round_trip_or_are_dropped(client, leader, holder, summary):
    passport = PassportCustodyFactory(
        holder=holder, expires_on=timezone.localdate() + timedelta(days=30)
    )
    body = _feed(client, CalendarToken.issue(leader), **EN)
    (event,) = _events(body)
    kind = _kind_in_english(passport)
    assert str(event["SUMMARY"]) == f"travel document expires：{summary}（{kind}）"
    assert _properties(body) <= {
        *("PRODID", "VERSION", "CALSCALE", "METHOD", "X-WR-CALNAME", "X-WR-TIMEZONE"),
        *("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL", "TRANSP"),
    }


def test_ics_text_keeps_tabs_and_one_kind_of_line_break():
    """NUL cannot reach the feed from PostgreSQL, but may from SQLite: dropped too."""
    assert ics_text("a\x00b\tc\r\nd\re\nf") == "ab\tc\nd\ne\nf"
    assert ics_text("a\r\nb", single_line=True) == "a b"


def test_long_chinese_titles_are_folded_at_75_octets(client, leader):
    title = "关于报送二〇二六年度因公出国（境）团组执行情况及下一年度外事工作计划的通知" * 3
    SubmissionFactory(title=title, due_on=timezone.localdate() + timedelta(days=5))
    user = UserFactory()
    user.groups.add(Group.objects.get(name="office_staff"))
    body = _feed(client, CalendarToken.issue(user))
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert any(line.startswith(b" ") for line in body.split(b"\r\n"))  # continuation lines
    body.decode("utf-8")  # folding never splits a character
    (event,) = _events(body)
    assert title in str(event["SUMMARY"])


def test_events_are_all_day_dates_in_the_portals_time_zone(client, leader, hostile_passport):
    body = _feed(client, CalendarToken.issue(leader))
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == hostile_passport.expires_on  # a date, not a datetime
    assert event.decoded("DTEND") == hostile_passport.expires_on + timedelta(days=1)
    assert b"DTSTART;VALUE=DATE:" in body


def test_uids_are_unique_and_stable_across_fetches_and_languages(client, leader):
    for n in range(3):
        PassportCustodyFactory(expires_on=timezone.localdate() + timedelta(days=10 + n))
    token = CalendarToken.issue(leader)
    first = [str(e["UID"]) for e in _events(_feed(client, token))]
    again = [str(e["UID"]) for e in _events(_feed(client, token, **EN))]
    assert len(first) == 3 == len(set(first))
    assert first == again
    assert all(uid.startswith("exchanges.passportcustody.") for uid in first)
    assert all(".travel-document-expires." in uid for uid in first)


# --- the key -----------------------------------------------------------------------------------


def _shown_url(client) -> str:
    return client.get(reverse("calendar")).context["feed_url"]


def test_the_address_is_the_same_on_every_page_until_replaced(client, leader, hostile_passport):
    client.force_login(leader)
    first = _shown_url(client)
    assert first == _shown_url(client) == client.get("/").context["feed_url"]
    response = client.post(reverse("calendar"))
    assert response.status_code == 302
    second = _shown_url(client)
    assert first != second
    feed_reader = Client()  # a calendar app: no session
    assert feed_reader.get(first).status_code == 404
    assert feed_reader.get(second).status_code == 200
    assert CalendarToken.objects.get().generation == 2


def test_the_key_does_not_depend_on_the_password(client, leader, hostile_passport):
    token = CalendarToken.issue(leader)
    assert CalendarToken.issue(leader) != token  # a new generation: another key
    token = CalendarToken.issue(leader)
    leader.set_password("a-new-password-42")
    leader.save()
    _feed(client, token)  # a new password leaves the feed alone
    fragment = leader.password[-12:]
    assert fragment not in token and fragment not in calendar_path(token)
    CalendarToken.issue(leader)
    assert client.get(calendar_path(token)).status_code == 404


def test_the_database_holds_no_key_and_the_key_needs_the_secret_key(leader, settings):
    token = CalendarToken.issue(leader)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {CalendarToken._meta.db_table}")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert token.split("-", 1)[1] not in stored
    assert len(token.split("-", 1)[1]) == 43  # HMAC-SHA256, URL-safe base64
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert CalendarToken.objects.get().key != token  # another installation: another key
    assert CalendarToken.user_for(token) is None


def test_another_users_id_with_a_valid_key_is_refused(client, leader):
    other = UserFactory()
    token = CalendarToken.issue(leader)
    CalendarToken.issue(other)
    forged = f"{other.pk}-{token.split('-', 1)[1]}"
    assert client.get(calendar_path(forged)).status_code == 404


def test_the_keys_are_compared_in_constant_time(client, leader, hostile_passport):
    token = CalendarToken.issue(leader)
    with mock.patch("foreign_affairs.models.hmac.compare_digest", return_value=True) as spy:
        _feed(client, token)
    spy.assert_called_once_with(token, token)
    # Its answer decides: a comparison that fails refuses the key.
    with mock.patch("foreign_affairs.models.hmac.compare_digest", return_value=False):
        assert client.get(calendar_path(token)).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "A" * 43,  # the shape of a key, not issued
        "x" * 5000,  # far too long: refused before hashing
        # The old signed format, with a valid signature: no longer a key.
        signing.dumps({"user": 1, "hash": "ce158f9c52c6"}, salt="foreign_affairs.calendar"),
        "1-" + "A" * 43,  # a user id and a key of the right shape, not made with SECRET_KEY
    ],
    # Fixed ids: the signed value holds a timestamp, and xdist's workers must collect alike.
    ids=["nonsense", "shape-of-a-key", "too-long", "old-signed-format", "forged-hmac"],
)
def test_an_unknown_key_is_not_found(client, leader, token):
    CalendarToken.issue(leader)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_an_expired_key_or_an_inactive_user_is_not_found(client, leader, settings):
    token = CalendarToken.issue(leader)
    CalendarToken.objects.update(created_at=timezone.now() - timedelta(days=366))
    assert client.get(calendar_path(token)).status_code == 404
    settings.CALENDAR_TOKEN_DAYS = 0  # never expires
    assert client.get(calendar_path(token)).status_code == 200
    leader.is_active = False
    leader.save()
    assert client.get(calendar_path(token)).status_code == 404


# --- the page ----------------------------------------------------------------------------------


def test_the_page_shows_the_address_and_when_it_stops_working(client, leader):
    client.force_login(leader)
    response = client.get(reverse("calendar"), **EN)
    page = response.content.decode()
    url = response.context["feed_url"]
    assert url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    assert f'value="{url}"' in page
    assert "no-store" in response["Cache-Control"]
    assert "Your current feed address was created on" in page
    assert "The address works until" in page
    CalendarToken.objects.update(created_at=timezone.now() - timedelta(days=400))
    page = client.get(reverse("calendar"), **EN).content.decode()
    assert "This address stopped working on" in page


def test_regenerating_needs_the_csrf_token(leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    key = CalendarToken.feed_for(leader).key
    assert client.post(reverse("calendar")).status_code == 403
    assert CalendarToken.objects.get().key == key


def test_the_dashboard_offers_the_address_behind_a_button(client, leader):
    client.force_login(leader)
    page = client.get("/").content.decode()
    url = client.get(reverse("calendar")).context["feed_url"]
    assert 'id="subscribe-button"' in page and 'data-bs-target="#subscribe-panel"' in page
    assert f'value="{url}"' in page and 'data-copy-target="#calendar-url"' in page
    assert f'href="{reverse("calendar")}"' in page


def test_a_permit_event_falls_on_the_office_deadline_and_names_the_expiry(client, settings):
    from faculty.models import IdentityDocument
    from tests.faculty.factories import IdentityDocumentFactory

    expires = timezone.localdate() + timedelta(days=settings.PERMIT_EXTENSION_OFFICE_DAYS + 10)
    IdentityDocumentFactory(
        kind=IdentityDocument.Kind.WORK_PERMIT,
        permit_class="B",
        expires_on=expires,
        teacher__status="employed",
    )
    user = UserFactory()
    user.groups.add(Group.objects.get(name="office_staff"))
    (event,) = _events(_feed(client, CalendarToken.issue(user), **EN))
    assert event.decoded("DTSTART") == timezone.localdate() + timedelta(days=10)
    with translation.override("en"):
        from django.utils.formats import date_format

        assert f"expires {date_format(expires, 'DATE_FORMAT')}" in str(event["DESCRIPTION"])
