"""The registries other apps contribute to: global search, deadlines, dashboard panels.

Each app's `search.py`, `deadlines.py` and `dashboard.py` register into them; they are
loaded once by `ForeignAffairsConfig.ready()` (autodiscovery), so this package imports no
app directly.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Model
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

    `responsible`: the users who must act (empty: the office); `stages`: days before the due
    date at which they are reminded, once each (and once more when it is overdue).
    """

    due_on: date
    title: str | Promise
    kind: str | Promise
    obj: Model
    permission: str
    responsible: tuple = field(default=(), compare=False)
    stages: tuple[int, ...] = field(default=(30, 7), compare=False)

    @property
    def url(self) -> str:
        return self.obj.get_absolute_url()

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


@dataclass(frozen=True)
class Count:
    """A key figure of the dashboard, linking to the list it counts."""

    label: str | Promise
    value: int
    url: str


search_entries: list[SearchEntry] = []
deadline_sources: list[Callable[[date], Iterable[Deadline]]] = []
dashboard_panels: list[Callable] = []


def register_search(model, *fields: str, select_related: tuple[str, ...] = ()) -> None:
    """Make `model` findable by the global search through `fields`."""
    search_entries.append(SearchEntry(model, fields, select_related))


def register_deadlines(source: Callable[[date], Iterable[Deadline]]):
    """Register a function yielding the open deadlines due by a date (a decorator)."""
    deadline_sources.append(source)
    return source


def register_dashboard(panel: Callable):
    """Register a function (user) -> {"counts": [Count], "charts": [svg]} (a decorator)."""
    dashboard_panels.append(panel)
    return panel
