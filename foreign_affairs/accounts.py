"""Logging in safely: the lockout page, the client address, and sessions that end when idle.

django-axes counts failed logins per username and client address together
(`AXES_LOCKOUT_PARAMETERS`); after `AXES_FAILURE_LIMIT` failures that pair is refused, even
with the right password, until `AXES_COOLOFF_TIME` has passed since the last attempt or an
administrator deletes the access attempt in the admin (issue 10 §3). Sessions end after
`SESSION_COOKIE_AGE` seconds without a request and when the browser closes.
"""

import time

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

# The session key holding the time of the user's last request (seconds since the epoch).
LAST_ACTIVITY = "_portal_last_activity"
# The expiry is pushed back at most once a minute: not one session write per request.
ACTIVITY_RESOLUTION = 60


def cool_off_minutes(request=None) -> int | None:
    """Return the lockout's cool-off in whole minutes (rounded up), or None when a lockout
    lasts until an administrator lifts it (`AXES_COOLOFF_TIME` unset)."""
    cool_off = get_cool_off(request)  # axes' reading of AXES_COOLOFF_TIME, as a timedelta
    if cool_off is None:
        return None
    return max(1, -(-int(cool_off.total_seconds()) // 60))


def lockout_response(request, original_response=None, credentials=None):
    """Answer a locked-out login with the portal's page (HTTP `AXES_HTTP_RESPONSE_CODE`, 429).

    django-axes calls this (`AXES_LOCKOUT_CALLABLE`) instead of its bare text response, for
    the portal's login and the admin's alike. Every further failed attempt restarts the
    cool-off, so the minutes shown are the whole cool-off.
    """
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": cool_off_minutes(request), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def client_ip(request) -> str | None:
    """Return the client's address for the lockout (`AXES_CLIENT_IP_CALLABLE`).

    `REMOTE_ADDR`, unless `CLIENT_IP_HEADER` names the request header a trusted reverse proxy
    sets to the client's address (e.g. `HTTP_X_REAL_IP`); a comma-separated list (as in
    X-Forwarded-For) gives its right-most entry, the one the nearest proxy added. Only set it
    when the proxy overwrites that header: a client could otherwise choose its own address.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        address = value.split(",")[-1].strip()
        if address:
            return address
    return request.META.get("REMOTE_ADDR")


@receiver(user_logged_in, dispatch_uid="foreign_affairs.accounts.mark_activity")
def _mark_activity_at_login(sender, request, user, **kwargs):
    """Start the idle clock at login (the login saves the session anyway)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY] = int(time.time())


class IdleSessionMiddleware:
    """End a logged-in session after `SESSION_COOKIE_AGE` seconds without a request.

    The database session already expires `SESSION_COOKIE_AGE` after its last save; this
    pushes that expiry back as the user works (at most once per `ACTIVITY_RESOLUTION`
    seconds, so a page view rarely writes the session) and logs out, with a message, a
    session whose last request is older than the limit, whatever the session backend.
    Place it after the authentication and message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY)
            if isinstance(last, int) and now - last > settings.SESSION_COOKIE_AGE:
                logout(request)
                hours = settings.SESSION_COOKIE_AGE / 3600
                messages.info(
                    request,
                    _(
                        "You were logged out after %(hours)s hours without activity. "
                        "Please log in again."
                    )
                    % {"hours": f"{hours:g}"},
                )
            elif not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)
