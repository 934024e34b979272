"""Issue 10 item 4: a lost or refused database connection answers 503, never 500.

The database error is simulated here (a view or the user lookup raises what Django raises
when PostgreSQL is restarting); test_database_restart.py restarts a real PostgreSQL server.
"""

import sqlite3
from unittest import mock

import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.utils import InterfaceError, OperationalError, ProgrammingError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation

from foreign_affairs.middleware import (
    RETRY_AFTER_SECONDS,
    database_unavailable_response,
    is_database_unavailable,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

CALLS: list[str] = []
SCRIPT: list = []  # what the next calls of the view do: an exception to raise, else "ok"


@login_not_required
def scripted_view(request):
    CALLS.append(request.method)
    outcome = SCRIPT.pop(0) if SCRIPT else "ok"
    if isinstance(outcome, BaseException):
        raise outcome
    return HttpResponse("page from the database")


def page_view(request):  # behind LoginRequiredMiddleware: needs request.user
    return HttpResponse("logged-in page")


urlpatterns = [path("scripted/", scripted_view), path("page/", page_view)]


def connection_lost() -> OperationalError:
    """What Django raises when the server went away under a query (psycopg2 has no SQLSTATE
    for it), with the driver's error as its cause, as Django's error wrapper does."""
    error = OperationalError("server closed the connection unexpectedly")
    error.__cause__ = psycopg2.OperationalError("server closed the connection unexpectedly")
    return error


def connection_refused() -> OperationalError:
    error = OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')
    error.__cause__ = psycopg2.OperationalError("Connection refused")
    return error


@pytest.fixture(autouse=True)
def _script():
    CALLS.clear()
    SCRIPT.clear()
    yield
    SCRIPT.clear()


@pytest.fixture
def client():
    # Server errors come back as responses (a 500 must be seen, not raised in the test).
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


def assert_unavailable_page(response, *, safe=True):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    with translation.override("en"):
        assert translation.gettext("Please try again shortly") in page
        assert (
            translation.gettext(
                "The database is not reachable at the moment. Please try again in a minute."
            )
            in page
        )
    assert ('http-equiv="refresh"' in page) is safe


def test_the_middleware_is_the_outermost():
    assert settings.MIDDLEWARE[0] == "foreign_affairs.middleware.DatabaseUnavailableMiddleware"


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_safe_request_is_tried_once_more_and_succeeds(client, method):
    SCRIPT.append(connection_lost())  # the stale connection fails once, the retry works

    response = getattr(client, method)("/scripted/")

    assert response.status_code == 200
    assert CALLS == [method.upper()] * 2


def test_a_safe_request_that_fails_twice_answers_503(client):
    SCRIPT.extend([connection_refused(), connection_refused()])

    response = client.get("/scripted/")

    assert_unavailable_page(response)
    assert CALLS == ["GET", "GET"]  # once more, not in a loop


def test_a_post_is_not_repeated_and_answers_503(client):
    SCRIPT.append(connection_lost())

    response = client.post("/scripted/", {"name": "新合作院校"})

    assert_unavailable_page(response, safe=False)
    assert CALLS == ["POST"]
    with translation.override("en"):
        assert (
            translation.gettext(
                "If you were saving a form, check whether your change was saved before you "
                "send it again."
            )
            in response.content.decode()
        )


def test_an_interface_error_closed_connection_answers_503(client):
    SCRIPT.extend([InterfaceError("connection already closed")] * 2)

    assert_unavailable_page(client.get("/scripted/"))


def test_an_error_outside_the_view_loading_the_user_answers_503(client):
    """The session's user is loaded by middleware before the view: Django's own exception
    handler would answer 500 there."""
    client.force_login(UserFactory())
    with mock.patch("django.contrib.auth.get_user", side_effect=connection_lost()) as get_user:
        response = client.get("/page/")

    assert_unavailable_page(response)
    assert get_user.call_count == 2  # the first attempt and the one retry


def test_an_error_outside_the_view_on_post_answers_503_without_retry(client):
    client.force_login(UserFactory())
    with mock.patch("django.contrib.auth.get_user", side_effect=connection_lost()) as get_user:
        response = client.post("/page/")

    assert_unavailable_page(response, safe=False)
    assert get_user.call_count == 1


def test_a_database_error_that_is_a_bug_stays_a_500(client):
    missing_table = OperationalError("no such table: partners_institution")
    missing_table.__cause__ = sqlite3.OperationalError("no such table: partners_institution")
    SCRIPT.append(missing_table)

    response = client.get("/scripted/")

    assert response.status_code == 500
    assert CALLS == ["GET"]


def test_the_page_is_rendered_without_the_database(django_db_blocker):
    request = RequestFactory().get("/partners/", HTTP_ACCEPT_LANGUAGE="en")
    with django_db_blocker.block():  # any query would raise here
        response = database_unavailable_response(request)

    assert_unavailable_page(response)


def test_the_page_is_in_chinese_by_default():
    response = database_unavailable_response(RequestFactory().get("/"))

    assert 'lang="zh-hans"' in response.content.decode()


def pg_error(code):
    error = psycopg2.OperationalError("message")
    with mock.patch.object(type(error), "pgcode", code, create=True):
        wrapped = OperationalError("message")
        wrapped.__cause__ = error
        return is_database_unavailable(wrapped)


@pytest.mark.parametrize(
    ("code", "unavailable"),
    [
        (None, True),  # refused, reset, "server closed the connection unexpectedly"
        ("08006", True),  # connection_failure
        ("57P01", True),  # admin_shutdown: "terminating connection due to administrator command"
        ("57P03", True),  # cannot_connect_now: "the database system is starting up"
        ("57014", False),  # query_canceled (statement timeout): a slow query, not an outage
        ("40P01", False),  # deadlock_detected
        ("42P01", False),  # undefined_table
    ],
)
def test_which_postgresql_errors_mean_unavailable(code, unavailable):
    assert pg_error(code) is unavailable


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("unable to open database file"), True),
        (sqlite3.OperationalError("no such column: x"), False),
        (psycopg2.InterfaceError("connection already closed"), True),
        (ProgrammingError("syntax error"), False),
        (ValueError("not a database error"), False),
        (None, False),
    ],
)
def test_which_other_errors_mean_unavailable(error, unavailable):
    assert is_database_unavailable(error) is unavailable
