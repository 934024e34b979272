"""A private ICS feed of each user's deadlines, for their calendar app (issue 10 §12), and
the month calendar of deadlines and trips (issue 11).

Calendar apps cannot log in, so the feed URL carries a key instead of a session
(`CalendarToken`: an HMAC of the user's id and a generation, the same on every page, replaced
by the user on /calendar/). The key grants nothing but this feed, with exactly the deadlines
its user may see. The file is written by the `icalendar` library (RFC 5545 escaping and line
folding): a name containing a line break cannot add a property to the feed.
"""

import calendar as pycalendar
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView
from icalendar import Calendar, Event

from foreign_affairs.models import CalendarToken
from foreign_affairs.registry import trip_sources, url_pattern
from foreign_affairs.selectors import deadline_sources_for, deadlines_for

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
        expires = ""
        if item.expires_on:  # a permit: the office's deadline comes before its expiry
            label = pgettext("deadline", "expires")
            expires = f"\n{label} {date_format(item.expires_on, 'DATE_FORMAT')}"
        event.add("description", f"{kind}：{title}{expires}\n{link}")
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
    # The feed speaks the portal's language, whatever the calendar app's Accept-Language says.
    with translation.override(settings.LANGUAGE_CODE):
        feed = build_feed(user, request)
    response = HttpResponse(feed, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


class CalendarTokenView(TemplateView):
    """The user's feed address, the same on every visit, with when it was issued and until
    when it works; POST replaces it (the old address stops working)."""

    template_name = "calendar.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**feed_context(self.request), **kwargs)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        add_never_cache_headers(response)  # the page holds the key: no shared cache keeps it
        return response

    def post(self, request, *args, **kwargs):
        CalendarToken.issue(request.user)
        messages.success(request, _("Your feed has a new address; the old one no longer works."))
        return redirect("calendar")


def feed_context(request) -> dict:
    """Return the user's feed (`CalendarToken`) and its absolute address, for a page."""
    feed = CalendarToken.feed_for(request.user)
    return {"feed": feed, "feed_url": request.build_absolute_uri(calendar_path(feed.key))}


# --- the month calendar -----------------------------------------------------------------------

MONTH_PATTERN = re.compile(r"(\d{4})-(\d{1,2})")
FIRST_YEAR, LAST_YEAR = 2000, 2100
ITEMS_PER_DAY = 4  # on the grid; the rest behind "N more", all of them in the agenda


@dataclass
class Entry:
    """One line of a day: a deadline or a day of a trip."""

    label: str
    title: str
    url: str
    style: str  # "deadline", "overdue", "visit"
    first: bool = True  # a trip's first day in view (its bar starts here)
    last: bool = True
    span: tuple[date, date] | None = None  # a trip's first and last day


# An empty line of a day: keeps the trips below it on their lines.
SPACER = Entry("", "", "", "spacer")


def parse_month(value: str | None, today: date) -> tuple[date, str]:
    """Return the first day of `value` ("2026-12") and a message when it is not a month the
    calendar shows (then the current month)."""
    if not value:
        return today.replace(day=1), ""
    match = MONTH_PATTERN.fullmatch(value.strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return date(year, month, 1), ""
    message = _(
        "“%(value)s” is not a month between %(first)s and %(last)s (write it as 2026-12): "
        "this month is shown."
    ) % {"value": value[:20], "first": FIRST_YEAR, "last": LAST_YEAR}
    return today.replace(day=1), message


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_entries(user, first: date, last: date, today: date) -> dict[date, list[Entry]]:
    """Return the deadlines due and the trips under way each day of [first, last] that the
    user may see: one query per kind of deadline, one for the visits."""
    days: dict[date, list[Entry]] = defaultdict(list)
    # Trips first, in order of departure: their bars stay on the same line from day to day.
    # Each trip keeps one line (lane) for all its days: a bar never jumps to another line.
    lanes_end: list[date] = []
    for trips in trip_sources:
        if not user.has_perm(trips.permission):
            continue
        pattern = url_pattern(trips.viewname)
        for visit in trips.rows(first, last):
            start, end = max(visit.span_start, first), min(visit.span_end, last)
            lane = next((i for i, busy in enumerate(lanes_end) if busy < start), len(lanes_end))
            if lane == len(lanes_end):
                lanes_end.append(end)
            lanes_end[lane] = end
            label = trips.label(visit)
            style = "visit tentative" if trips.tentative(visit) else "visit"
            if style != "visit":
                label = _("%(kind)s (not approved yet)") % {"kind": label}
            url = pattern.format(visit.pk)
            for offset in range((end - start).days + 1):
                day = start + timedelta(days=offset)
                line = days[day]
                while len(line) < lane:
                    line.append(SPACER)
                entry = Entry(
                    str(label),
                    visit.title,
                    url,
                    style,
                    # A bar per week row: it starts and ends with the trip or the row.
                    first=day == start or day.weekday() == 0,
                    last=day == end or day.weekday() == 6,
                    span=(visit.span_start, visit.span_end),
                )
                if len(line) > lane:
                    line[lane] = entry
                else:
                    line.append(entry)
    for source in deadline_sources_for(user):
        for obj in source.rows(since=first, until=last, today=today, exact=True):
            item = source.deadline(obj)
            style = "overdue" if item.due_on < today else "deadline"
            days[item.due_on].append(Entry(str(item.kind), str(item.title), item.url, style))
    return days


def _starts_here(entry: Entry, day: date, month: date) -> bool:
    """In the agenda a trip is one line, on its first day in the month, with its dates."""
    if entry.style == "spacer":
        return False
    return entry.span is None or day == max(entry.span[0], month)


class MonthView(TemplateView):
    """A month of deadlines and trips: a grid of weeks (Monday first) on a screen, a list of
    the days that have something on a phone (`?month=2026-12`; anything else: this month)."""

    template_name = "calendar_month.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        first, message = parse_month(self.request.GET.get("month"), today)
        if message:
            messages.warning(self.request, message)
        weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        entries = month_entries(self.request.user, weeks[0][0], weeks[-1][-1], today)
        grid = [
            [
                {
                    "day": day,
                    "entries": entries.get(day, [])[:ITEMS_PER_DAY],
                    "more": max(len(entries.get(day, [])) - ITEMS_PER_DAY, 0),
                    "in_month": day.month == first.month,
                    "today": day == today,
                }
                for day in week
            ]
            for week in weeks
        ]
        agenda = [
            {"day": day, "entries": agenda_entries, "today": day == today}
            for day in sorted(entries)
            if day.month == first.month
            and (agenda_entries := [e for e in entries[day] if _starts_here(e, day, first)])
        ]
        previous, following = _shift(first, -1), _shift(first, 1)
        return super().get_context_data(
            month=first,
            weekdays=[WEEKDAYS[n] for n in range(7)],
            grid=grid,
            agenda=agenda,
            # No arrow past the months the calendar shows (FIRST_YEAR … LAST_YEAR).
            previous=previous if previous.year >= FIRST_YEAR else None,
            next=following if following.year <= LAST_YEAR else None,
            this_month=today.replace(day=1),
            **kwargs,
        )
