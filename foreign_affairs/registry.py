"""The registries other apps contribute to: global search, deadlines, dashboard panels.

Each app's `search.py`, `deadlines.py` and `dashboard.py` register into them; they are
loaded once by `ForeignAffairsConfig.ready()` (autodiscovery), so this package imports no
app directly.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchEntry:
    """A model searched by the global search, and the fields it matches."""

    model: type[Model]
    fields: tuple[str, ...]
    select_related: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deadline:
    """A dated item of the calendar: what is due, when, and the record it belongs to.

    `responsible`: the users who must act (empty: the office), or a function returning them
    when that takes a query (`responsible_users()`); `stages`: days before the due
    date at which they are reminded, once each (and once more when it is overdue).
    `expires_on`: the real end (a permit's expiry) when the office must act earlier
    (`due_on`: the date the extension must be filed by).
    """

    due_on: date
    title: str | Promise
    kind: str | Promise
    obj: Model
    permission: str
    responsible: tuple = field(default=(), compare=False)
    stages: tuple[int, ...] = field(default=(30, 7), compare=False)
    url: str = field(default="", compare=False)
    expires_on: date | None = field(default=None, compare=False)
    source: str = field(default="", compare=False)

    def responsible_users(self) -> tuple:
        return tuple(self.responsible()) if callable(self.responsible) else self.responsible

    def days_left(self, today: date) -> int:
        """Days until the due date (negative when overdue)."""
        return (self.due_on - today).days

    def stage(self, today: date) -> int | None:
        """Return the reminder stage reached today: the smallest of `stages` not above the
        days left, 0 once due or overdue, None while it is further off than every stage."""
        left = self.days_left(today)
        if left <= 0:
            return 0
        reached = [stage for stage in self.stages if left <= stage]
        return min(reached) if reached else None


URL_SENTINEL = 2_147_480_000  # a number no real key reaches, replaced by the key


@cache
def url_pattern(viewname: str) -> str:
    """Return the path of `viewname` with "{}" for its one argument: reversed once, filled
    per row with `str.format` (a reverse per row costs more than the row)."""
    return reverse(viewname, args=[URL_SENTINEL]).replace(str(URL_SENTINEL), "{}")


@dataclass(frozen=True)
class DeadlineSource:
    """One kind of deadline an app contributes: the open records, and the date they fall due.

    A record is due `offset()` days after its `date_field` (a field or an annotation of
    `queryset`), so the window, the order and the most urgent N are all SQL on that column.
    `make(obj, due_on)` returns the Deadline's title and extras. `keeps_overdue`: stays on
    however long overdue (a travel document not handed back); the others leave the calendar
    `DEADLINE_OVERDUE_DAYS` after their due date. `watches`: the models whose changes move
    these deadlines (the dashboard's cache).
    """

    key: str
    label: str | Promise
    permission: str
    queryset: Callable[[date], QuerySet]
    date_field: str
    make: Callable[[Model, date], dict]
    url_name: str
    watches: tuple[str, ...]
    url_arg: str = "pk"
    offset: Callable[[], int] = lambda: 0
    stages: tuple[int, ...] = (30, 7)
    keeps_overdue: bool = False

    def rows(
        self,
        *,
        until: date,
        since: date | None = None,
        today: date | None = None,
        exact: bool = False,
    ):
        """Return the open records due from `since` (None: any time; ignored by a source
        that `keeps_overdue`, unless `exact`) to `until`, soonest first."""
        today = today or timezone.localdate()
        lead = timedelta(days=self.offset())
        rows = self.queryset(today).filter(**{f"{self.date_field}__lte": until - lead})
        if since is not None and (exact or not self.keeps_overdue):
            rows = rows.filter(**{f"{self.date_field}__gte": since - lead})
        return rows.order_by(self.date_field, "pk")

    def deadline(self, obj) -> Deadline:
        """Return the Deadline of one of `rows()`."""
        due_on = getattr(obj, self.date_field) + timedelta(days=self.offset())
        return Deadline(
            due_on=due_on,
            kind=self.label,
            obj=obj,
            permission=self.permission,
            stages=self.stages,
            url=url_pattern(self.url_name).format(getattr(obj, self.url_arg)),
            source=self.key,
            **self.make(obj, due_on),
        )


@dataclass(frozen=True)
class Count:
    """A key figure of the dashboard, linking to the list it counts."""

    label: str | Promise
    value: int
    url: str


search_entries: list[SearchEntry] = []
deadline_sources: list[DeadlineSource] = []
dashboard_panels: list[Callable] = []


@dataclass(frozen=True)
class TripSource:
    """Trips shown on the month calendar: `rows(first, last)` returns records annotated with
    `span_start` and `span_end` (dates) and a `title`; `label(obj)` names the kind of trip;
    `tentative(obj)` tells a trip not approved yet; `permission` is needed to see them;
    `viewname` is their detail page."""

    permission: str
    viewname: str
    rows: Callable
    label: Callable
    tentative: Callable = lambda obj: False  # not approved yet: drawn as such


trip_sources: list[TripSource] = []


def register_trips(source: TripSource) -> TripSource:
    """Register a kind of trip for the month calendar (exchanges: visits)."""
    trip_sources.append(source)
    return source


def register_search(model, *fields: str, select_related: tuple[str, ...] = ()) -> None:
    """Make `model` findable by the global search through `fields`."""
    search_entries.append(SearchEntry(model, fields, select_related))


def register_deadlines(source: DeadlineSource) -> DeadlineSource:
    """Register a kind of deadline (its key names it in URLs: /deadlines/?kind=<key>)."""
    if any(known.key == source.key for known in deadline_sources):
        raise ValueError(f"Two kinds of deadline are named {source.key!r}")
    deadline_sources.append(source)
    return source


def register_dashboard(panel: Callable):
    """Register a function (user) -> {"counts": [Count], "charts": [svg]} (a decorator)."""
    dashboard_panels.append(panel)
    return panel
