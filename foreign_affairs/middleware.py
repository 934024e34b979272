"""A lost or refused database connection answers 503 "try again shortly", never 500.

`DatabaseUnavailableMiddleware` stands first in `MIDDLEWARE`. When a request fails because
the database cannot be reached (a restart, a failover, a dropped persistent connection):

- a safe request (GET, HEAD) is run once more after the broken connections are closed, so a
  request that comes just after the server is back gets its page;
- otherwise the answer is 503 with `Retry-After` and the page `database_unavailable.html`,
  rendered without the database (no context processors, no user, no session).

Errors from the view are caught in `process_exception`; errors raised by other middleware
(loading the session or the user, saving the session) reach Django's exception handler, which
sends `got_request_exception`: the receiver here marks the request, and the middleware replaces
the 500 it would have returned. Errors that are not about reaching the database (a missing
table, a syntax error, a statement timeout, a deadlock) stay 500s: they are bugs to see.
"""

import functools
import importlib
import logging
import sys

from django.core.signals import got_request_exception
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again (the `Retry-After` header).
RETRY_AFTER_SECONDS = 30
SAFE_METHODS = frozenset({"GET", "HEAD"})
#: SQLSTATE codes of PostgreSQL that mean "this connection is gone or not accepted now":
#: class 08 (connection exception) and 57P01–57P03 (admin shutdown, crash shutdown, cannot
#: connect now); PostgreSQL documentation, Appendix A "PostgreSQL Error Codes".
PG_UNAVAILABLE_PREFIXES = ("08", "57P01", "57P02", "57P03")
#: Messages of sqlite3.OperationalError that mean the database file cannot be used just now.
SQLITE_UNAVAILABLE_MESSAGES = ("database is locked", "unable to open database file", "disk i/o")

_MARK = "_database_unavailable"


@functools.cache
def _driver_errors() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """The DB-API (OperationalError, InterfaceError) classes of every configured backend's
    driver, and of psycopg 2 and 3 and sqlite3 when installed."""
    operational, interface = [], []
    drivers = [getattr(connections[alias], "Database", None) for alias in connections]
    for name in ("psycopg2", "psycopg", "sqlite3"):
        try:
            drivers.append(importlib.import_module(name))
        except ImportError:
            pass
    for database in drivers:
        operational.append(getattr(database, "OperationalError", None))
        interface.append(getattr(database, "InterfaceError", None))
    return (
        tuple(cls for cls in operational if isinstance(cls, type)),
        tuple(cls for cls in interface if isinstance(cls, type)),
    )


def is_database_unavailable(error: BaseException | None) -> bool:
    """Return True when `error` means the database cannot be reached right now.

    `error` is Django's OperationalError or InterfaceError (the driver's error is its
    `__cause__`) or the driver's own. True for an InterfaceError (the connection is closed)
    and for an OperationalError about the connection: psycopg's without SQLSTATE (refused,
    reset, "server closed the connection unexpectedly") or with a code in
    PG_UNAVAILABLE_PREFIXES; sqlite3's locked or unopenable file; any other driver's
    OperationalError (PEP 249: "errors related to the database's operation … e.g. an
    unexpected disconnect"). False for everything else."""
    driver_operational, driver_interface = _driver_errors()
    if isinstance(error, OperationalError | InterfaceError):
        cause = error.__cause__ if error.__cause__ is not None else error
    elif isinstance(error, driver_operational + driver_interface):
        cause = error
    else:
        return False
    if isinstance(error, InterfaceError) or isinstance(cause, driver_interface):
        return True
    code = getattr(cause, "pgcode", getattr(cause, "sqlstate", False))
    if code is not False:  # psycopg 2 (pgcode) or 3 (sqlstate)
        return code is None or code.startswith(PG_UNAVAILABLE_PREFIXES)
    if type(cause).__module__ == "sqlite3":
        message = str(cause).lower()
        return any(text in message for text in SQLITE_UNAVAILABLE_MESSAGES)
    return True


def _mark_request(sender, request=None, **kwargs):
    """Receiver of got_request_exception: note on the request that the database was away."""
    error = sys.exc_info()[1]
    if request is not None and hasattr(request, _MARK) and is_database_unavailable(error):
        setattr(request, _MARK, error)


got_request_exception.connect(_mark_request, dispatch_uid="foreign_affairs.database_unavailable")


def close_broken_connections() -> None:
    """Close every connection that failed and is no longer usable, so the next query opens a
    new one. Connections inside a transaction are left alone (the transaction owner decides)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def database_unavailable_response(request) -> HttpResponse:
    """Return the 503 page in the request's language, rendered without touching the database."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        html = render_to_string(
            "database_unavailable.html",
            {
                "retry_after": RETRY_AFTER_SECONDS,
                "safe": request.method in SAFE_METHODS,
                "language": translation.get_language(),
            },
        )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _line(request) -> tuple[str, str]:
    return request.method, request.path


class DatabaseUnavailableMiddleware:
    """Answer 503 + Retry-After instead of 500 when the database cannot be reached; run a
    GET or HEAD once more first (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, _MARK, None)
        response = self.get_response(request)
        error = getattr(request, _MARK)
        if error is None:
            return response
        close_broken_connections()
        if request.method in SAFE_METHODS:
            logger.warning("Database unavailable (%s): %s %s once more", error, *_line(request))
            setattr(request, _MARK, None)
            response = self.get_response(request)
            error = getattr(request, _MARK)
            if error is None:
                return response
            close_broken_connections()
        logger.warning("Database unavailable (%s): %s %s answered 503", error, *_line(request))
        return database_unavailable_response(request)

    def process_exception(self, request, exception):
        if hasattr(request, _MARK) and is_database_unavailable(exception):
            setattr(request, _MARK, exception)
            return database_unavailable_response(request)
        return None
