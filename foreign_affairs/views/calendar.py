"""A private ICS feed of each user's deadlines, for their calendar app.

The URL carries a signed token instead of a session (calendar apps cannot log in); it
grants nothing but this feed, with exactly the deadlines the user may see.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone

from foreign_affairs.selectors import deadlines_for

SALT = "foreign_affairs.calendar"
FEED_DAYS = 365


def calendar_url(user) -> str:
    """Return the user's private feed URL."""
    token = signing.dumps({"user": user.pk, "hash": user.password[-12:]}, salt=SALT)
    return reverse("calendar_feed", args=[token])


def _escape(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")


@login_not_required
def calendar_feed(request, token):
    """Serve the deadlines as an iCalendar file (one all-day event per deadline)."""
    try:
        data = signing.loads(token, salt=SALT)
        user = get_user_model().objects.get(pk=data["user"], is_active=True)
    except (signing.BadSignature, get_user_model().DoesNotExist, KeyError, TypeError) as error:
        raise Http404 from error
    if user.password[-12:] != data.get("hash"):
        raise Http404  # a changed password revokes old feed URLs
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//foreign-affairs-portal//ZH",
        "CALSCALE:GREGORIAN",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for item in deadlines_for(user, days=FEED_DAYS):
        opts = item.obj._meta
        lines += [
            "BEGIN:VEVENT",
            f"UID:{opts.app_label}.{opts.model_name}.{item.obj.pk}.{item.due_on:%Y%m%d}@portal",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item.due_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.due_on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(item.kind)}：{_escape(item.title)}",
            f"URL:{request.build_absolute_uri(item.url)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
