"""Issue 10 §3: login lockout (django-axes), sessions that end, changing one's own password.

The reproduction: 30 wrong passwords, then the right one, logged in. Now the username is
locked for that address after AXES_FAILURE_LIMIT (5) failures; an administrator unlocks it
by deleting the access attempt in the admin.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from foreign_affairs.accounts import LAST_ACTIVITY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
PASSWORD = "x-Secret-42"  # UserFactory's
# Texts are checked in English (the msgids), whatever the Chinese catalogue says of them.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _log_in(client, username, password, **extra):
    extra = {**EN, **extra}
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


# --- the lockout ------------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client):
    """The issue's reproduction: before, the 31st attempt logged in (302 → /)."""
    user = UserFactory(username="liwei")
    answers = [_log_in(client, "liwei", f"wrong-{n}").status_code for n in range(30)]
    assert answers[:4] == [200] * 4  # the login form again, with its error
    assert answers[4:] == [429] * 26  # locked from the 5th failure on

    response = _log_in(client, "liwei", PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    assert client.get("/").status_code == 302  # still sent to the login page
    # A normal portal page that says what happened and what to do, not axes' bare text.
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'id="locked-out"' in page and "<nav" in page
    assert "30 minutes" in page and "administrator" in page
    attempt = AccessAttempt.objects.get(username="liwei")
    assert attempt.failures_since_start == 31  # the right password counted as a refusal too
    assert PASSWORD not in attempt.post_data  # the password is not logged
    user.refresh_from_db()
    assert user.last_login is None


def test_fewer_failures_than_the_limit_then_success_logs_in_and_resets(client):
    UserFactory(username="liwei")
    for n in range(4):
        assert _log_in(client, "liwei", f"wrong-{n}").status_code == 200
    response = _log_in(client, "liwei", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert _logged_in(client)
    assert not AccessAttempt.objects.exists()  # AXES_RESET_ON_SUCCESS


def test_the_lockout_is_per_username_and_address(client):
    UserFactory(username="liwei")
    UserFactory(username="wangfang")
    for n in range(5):
        _log_in(client, "liwei", f"wrong-{n}", REMOTE_ADDR="10.0.0.1")
    assert _log_in(client, "liwei", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 429
    # The same address with another username, and the same username from elsewhere, log in.
    assert _log_in(client, "wangfang", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 302
    client.logout()
    assert _log_in(client, "liwei", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_the_failure_limit_is_a_setting(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="liwei")
    assert _log_in(client, "liwei", "wrong").status_code == 200
    assert _log_in(client, "liwei", "wrong").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client):
    UserFactory(username="liwei")
    for n in range(5):
        _log_in(client, "liwei", f"wrong-{n}")
    assert _log_in(client, "liwei", PASSWORD).status_code == 429
    # 31 minutes after the last attempt (every refused attempt restarts the cool-off).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert _log_in(client, "liwei", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_without_a_cool_off_the_page_sends_the_user_to_the_administrator(client, settings):
    settings.AXES_COOLOFF_TIME = None
    UserFactory(username="liwei")
    for n in range(5):
        response = _log_in(client, "liwei", f"wrong-{n}")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Ask the administrator" in page and "minutes" not in page


def test_a_superuser_unlocks_a_user_in_the_admin(client, admin_client):
    UserFactory(username="liwei")
    for n in range(5):
        _log_in(client, "liwei", f"wrong-{n}")
    attempt = AccessAttempt.objects.get(username="liwei")
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "liwei" in changelist.content.decode()

    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin_client.get(url).status_code == 200  # the confirmation page
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _log_in(client, "liwei", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_the_admin_login_is_locked_too(client):
    UserFactory(username="root2", is_staff=True, is_superuser=True)
    for n in range(5):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "root2", "password": f"wrong-{n}"}
        )
    assert response.status_code == 429
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root2", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert not _logged_in(client)


def test_a_trusted_proxy_header_gives_the_client_address(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    UserFactory(username="liwei")
    for n in range(5):
        _log_in(client, "liwei", f"wrong-{n}", HTTP_X_REAL_IP="203.0.113.7")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # Another client behind the same proxy (same REMOTE_ADDR) is not locked.
    assert _log_in(client, "liwei", PASSWORD, HTTP_X_REAL_IP="203.0.113.8").status_code == 302


def test_the_login_form_and_the_test_clients_login_still_work(client):
    UserFactory(username="liwei")
    assert client.login(username="liwei", password=PASSWORD)
    assert client.get("/").status_code == 200
    client.logout()
    assert not client.login(username="liwei", password="wrong")


# --- sessions ---------------------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser(client):
    UserFactory(username="liwei")
    response = _log_in(client, "liwei", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie


def test_the_session_expires_after_eight_idle_hours_on_the_server(client):
    UserFactory(username="liwei")
    _log_in(client, "liwei", PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    left = (session.expire_date - timezone.now()).total_seconds()
    assert 8 * 3600 - 60 < left <= 8 * 3600
    # Nine hours later the database no longer has the session: the user is logged out.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_an_idle_session_ends_with_a_message(client):
    UserFactory(username="liwei")
    _log_in(client, "liwei", PASSWORD)
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - 8 * 3600 - 5
    session.save()
    response = client.get("/", **EN)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not _logged_in(client)
    login_page = client.get(response["Location"], **EN)
    assert "8 hours without activity" in login_page.content.decode()


def test_activity_keeps_the_session_and_rarely_writes_it(client):
    UserFactory(username="liwei")
    _log_in(client, "liwei", PASSWORD)
    # Right after the login: no session write for a page view.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/deadlines/").status_code == 200
    assert not [
        q for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    ]
    # Seven idle hours, then a request: still logged in, and the clock starts again.
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - 7 * 3600
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(hours=1))
    assert client.get("/deadlines/").status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY] < 60
    left = Session.objects.get().expire_date - timezone.now()
    assert left > timedelta(hours=7, minutes=59)


def test_the_idle_limit_is_a_setting(client, settings):
    settings.SESSION_COOKIE_AGE = 3600
    UserFactory(username="liwei")
    _log_in(client, "liwei", PASSWORD)
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - 3601
    session.save()
    assert client.get("/").status_code == 302


def _settings_in_a_fresh_process(**env_overrides) -> subprocess.CompletedProcess:
    names = ("AXES_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES", "SESSION_IDLE_HOURS")
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(
        DJANGO_SETTINGS_MODULE="foreign_affairs.settings",
        DEBUG="True",
        **env_overrides,
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.SESSION_COOKIE_AGE, "
        "s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_lockout_and_idle_limits_come_from_the_environment():
    assert _settings_in_a_fresh_process().stdout.split() == ["5", "0.5", "28800", "True"]
    result = _settings_in_a_fresh_process(
        AXES_FAILURE_LIMIT="10", AXES_COOLOFF_MINUTES="90", SESSION_IDLE_HOURS="0.5"
    )
    assert result.stdout.split() == ["10", "1.5", "1800", "True"], result.stderr
    result = _settings_in_a_fresh_process(SESSION_IDLE_HOURS="0")
    assert result.returncode != 0 and "SESSION_IDLE_HOURS" in result.stderr
    assert "Traceback" not in result.stderr


# --- changing one's own password ---------------------------------------------------------------


def test_the_user_menu_links_to_the_password_page(client):
    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    assert f'href="{reverse("password_change")}"' in page


def test_a_user_changes_their_password(client):
    user = UserFactory(username="liwei")
    other_device = type(client)()
    other_device.force_login(user)
    client.force_login(user)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    new = "Huanghe-2025-jiaoliu"
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}, **EN
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your password was changed."]
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get("/").status_code == 200  # this session goes on
    assert other_device.get("/").status_code == 302  # other sessions end


@pytest.mark.parametrize(
    "old, new1, new2",
    [
        ("wrong-old-password", "Huanghe-2025-jiaoliu", "Huanghe-2025-jiaoliu"),  # old required
        (PASSWORD, "Huanghe-2025-jiaoliu", "Huanghe-2025-jiaoliu-x"),  # mismatch
        (PASSWORD, "12345678", "12345678"),  # validators: common and numeric
        (PASSWORD, "abc", "abc"),  # too short
        (PASSWORD, "", ""),
    ],
)
def test_a_refused_password_change_changes_nothing(client, old, new1, new2):
    user = UserFactory(username="liwei")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="invalid-feedback d-block"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_password_page_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
