"""A private ICS feed of each user's deadlines, for their calendar app (issue 10 §12).

Calendar apps cannot log in, so the feed URL carries a random key instead of a session
(`CalendarToken`: 32 random bytes, stored only as a SHA-256, replaced by the user on
/calendar/). The key grants nothing but this feed, with exactly the deadlines its user may
see. The file is written by the `icalendar` library (RFC 5545 escaping and line folding):
a name containing a line break cannot add a property to the feed.
"""

import unicodedata
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from icalendar import Calendar, Event

from foreign_affairs.models import CalendarToken
from foreign_affairs.selectors import deadlines_for

FEED_DAYS = 365
FEED_TIME_ZONE = "Asia/Shanghai"


def calendar_path(token: str) -> str:
    """Return the feed's path for a key (`/calendar/<key>.ics`)."""
    return reverse("calendar_feed", args=[token])


def ics_text(value, *, single_line: bool = False) -> str:
    """Return `value` as text an iCalendar TEXT value may hold.

    Line breaks (CR LF, CR, LF) become one LF, which icalendar writes as the escaped `\\n`;
    with `single_line` they become a space. Other control characters (RFC 5545 §3.3.11
    allows none but HTAB) are dropped.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        char
        for char in text
        if char in "\n\t" or unicodedata.category(char) not in {"Cc", "Cf", "Zl", "Zp"}
    )
    return " ".join(text.split("\n")) if single_line else text


def event_uid(item) -> str:
    """Return a deadline's UID, the same on every fetch: the record, the kind of deadline
    (its English name, whatever the feed's language) and the due date, @ the portal's host."""
    opts = item.obj._meta
    with translation.override("en"):
        kind = slugify(str(item.kind)) or "deadline"
    host = urlsplit(settings.SITE_URL).hostname or "portal"
    return f"{opts.app_label}.{opts.model_name}.{item.obj.pk}.{kind}.{item.due_on:%Y%m%d}@{host}"


def build_feed(user, request) -> bytes:
    """Return the user's deadlines of the next `FEED_DAYS` days (and overdue ones) as an
    iCalendar file: one all-day event per deadline (dates only, so no VTIMEZONE is needed;
    X-WR-TIMEZONE tells clients the portal's zone)."""
    calendar = Calendar()
    calendar.add("prodid", "-//foreign-affairs-portal//deadlines//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", ics_text(_("Foreign affairs deadlines"), single_line=True))
    calendar.add("x-wr-timezone", FEED_TIME_ZONE)
    stamp = timezone.now().replace(microsecond=0)
    for item in deadlines_for(user, days=FEED_DAYS):
        kind, title = ics_text(item.kind, single_line=True), ics_text(item.title)
        link = request.build_absolute_uri(item.url)
        event = Event()
        event.add("uid", event_uid(item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + timedelta(days=1))
        event.add("summary", f"{kind}：{ics_text(title, single_line=True)}")
        event.add("description", f"{kind}：{title}\n{link}")
        event.add("url", link)
        event.add("transp", "TRANSPARENT")  # a deadline does not make the user busy
        calendar.add_component(event)
    return calendar.to_ical()


@login_not_required
def calendar_feed(request, token):
    """Serve the key's user's deadlines as text/calendar; an unknown, replaced or expired
    key, or an inactive user, is 404."""
    user = CalendarToken.user_for(token)
    if user is None:
        raise Http404
    response = HttpResponse(build_feed(user, request), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


class CalendarTokenView(TemplateView):
    """The user's feed: when its key was issued and until when it works; POST issues a new
    key, shows its URL this once, and the old URL stops working."""

    template_name = "calendar.html"

    def get_context_data(self, **kwargs):
        token = CalendarToken.objects.filter(user=self.request.user).first()
        return super().get_context_data(token=token, **kwargs)

    def post(self, request, *args, **kwargs):
        key = CalendarToken.issue(request.user)
        context = self.get_context_data(feed_url=request.build_absolute_uri(calendar_path(key)))
        response = self.render_to_response(context)
        add_never_cache_headers(response)  # the page holds the key: no cache keeps it
        return response
