"""Reads of the shared layer: deadlines, recent changes, key counts."""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models
from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery, Value, Window
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone

from foreign_affairs.models import VersionedModel, is_history_model
from foreign_affairs.registry import Deadline, DeadlineSource, deadline_sources, url_pattern
from foreign_affairs.roles import DOMAIN_APPS, OFFICE_STAFF

DEADLINE_WINDOW_DAYS = 90
# The longest reminder stage (agreements: 180 days before they end).
REMINDER_HORIZON_DAYS = 180
# The dashboard shows the most urgent few of each kind, with the count and a link to the rest.
DASHBOARD_PER_KIND = 5


class RelatedCount(Coalesce):
    """How many `model` rows point at the outer row through `field` (0 without any), as a
    subquery: a list annotated with it is counted and paginated on its own table, without a
    join and a GROUP BY over every row (issue 12). `COUNT(*)` without a GROUP BY reads the
    index of `field` alone (an index-only scan), not every counted row.

    An export reads the counts of all its rows at once (`counts`, foreign_affairs.exports_pg):
    one grouped query instead of 10k index scans."""

    def __init__(self, model, field: str):
        rows = model._base_manager.filter(**{field: OuterRef("pk")}).order_by()
        total = Func(template="COUNT(*)", output_field=IntegerField())
        super().__init__(Subquery(rows.annotate(total=total).values("total")), Value(0))
        self.counted_model, self.counted_field = model, field

    def counts(self, outer: models.QuerySet) -> dict[int, int]:
        """Return {key of a row of `outer`: its count}, for the rows that have any (of every
        row when `outer` is not filtered: a key it does not hold is never asked)."""
        field = self.counted_field
        rows = self.counted_model._base_manager.filter(**{f"{field}__isnull": False})
        if outer.query.has_filters():
            rows = rows.filter(**{f"{field}__in": outer.values("pk")})
        try:
            sql, params = (
                rows.order_by()
                .values_list(field)
                .annotate(total=Count("*"))
                .query.sql_with_params()
            )
        except EmptyResultSet:  # `outer` is filtered by a condition no row can match
            return {}
        with connections[rows.db].cursor() as cursor:  # thousands of pairs: no converters
            cursor.execute(sql, params)
            return dict(cursor.fetchall())


def overdue_days() -> int:
    """Return how long an overdue item stays in the calendar (except those a source keeps
    until resolved): older ones are in their lists and the compliance report, not on the
    dashboard every day."""
    return getattr(settings, "DEADLINE_OVERDUE_DAYS", 90)


def deadline_sources_for(user, kinds=None) -> list[DeadlineSource]:
    """Return the kinds of deadline `user` may see (of `kinds`, when given)."""
    return [
        source
        for source in deadline_sources
        if user.has_perm(source.permission) and (kinds is None or source.key in kinds)
    ]


def _bounds(days: int, today: date) -> tuple[date, date]:
    return today - timedelta(days=overdue_days()), today + timedelta(days=days)


def _by_urgency(items) -> list[Deadline]:
    """Overdue first (the longest overdue on top), then the soonest: by due date."""
    order = {source.key: n for n, source in enumerate(deadline_sources)}
    return sorted(items, key=lambda item: (item.due_on, order[item.source], item.obj.pk))


def deadlines_for(user, *, days: int = DEADLINE_WINDOW_DAYS, kinds=None) -> list[Deadline]:
    """Return the open deadlines due within `days` (and the recent overdue ones) the user
    may see: overdue first, then the soonest."""
    today = timezone.localdate()
    since, until = _bounds(days, today)
    items = [
        source.deadline(obj)
        for source in deadline_sources_for(user, kinds)
        for obj in source.rows(since=since, until=until, today=today)
    ]
    return _by_urgency(items)


@dataclass
class DeadlineGroup:
    """The most urgent deadlines of one kind, how many there are, and the page of them all."""

    source: DeadlineSource
    items: list[Deadline]
    total: int
    url: str = field(default="")

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def deadline_groups(
    user, *, per_kind: int = DASHBOARD_PER_KIND, days: int = DEADLINE_WINDOW_DAYS
) -> list[DeadlineGroup]:
    """Return, per kind the user may see, its `per_kind` most urgent deadlines and their
    total: one query per kind (the total is a window count over the same rows)."""
    today = timezone.localdate()
    since, until = _bounds(days, today)
    base = reverse("deadlines")
    groups = []
    for source in deadline_sources_for(user):
        rows = source.rows(since=since, until=until, today=today)
        rows = list(rows.annotate(deadline_total=Window(Count("pk")))[:per_kind])
        total = rows[0].deadline_total if rows else 0
        items = [source.deadline(obj) for obj in rows]
        groups.append(DeadlineGroup(source, items, total, f"{base}?kind={source.key}"))
    return groups


def most_urgent(groups: list[DeadlineGroup]) -> list[Deadline]:
    """Return the deadlines of the groups in one list, overdue first, then the soonest."""
    return _by_urgency(item for group in groups for item in group.items)


class DeadlinePages:
    """Every deadline of the user's kinds, as a sequence a Paginator pages: a page of N
    takes the first N·page of each kind (one query each) and merges them."""

    def __init__(self, user, *, kinds=None, days: int = DEADLINE_WINDOW_DAYS):
        self.sources = deadline_sources_for(user, kinds)
        self.today = timezone.localdate()
        self.since, self.until = _bounds(days, self.today)
        self._count = None

    def _rows(self, source):
        return source.rows(since=self.since, until=self.until, today=self.today)

    def count(self) -> int:
        if self._count is None:
            self._count = sum(self._rows(source).count() for source in self.sources)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        stop = index.stop if index.stop is not None else self.count()
        items = [
            source.deadline(obj) for source in self.sources for obj in self._rows(source)[:stop]
        ]
        return _by_urgency(items)[index]


def is_responsible(user, item: Deadline) -> bool:
    """Return whether `user` must act on the item: one of its responsible users, or, when it
    names none, a member of the office."""
    named = [
        person
        for person in item.responsible_users()
        if person is not None and person.is_active and person.has_perm(item.permission)
    ]
    if named:
        return any(person.pk == user.pk for person in named)
    # Nobody named, or nobody named who may see it (a manager without the permission): the office.
    return user.groups.filter(name=OFFICE_STAFF).exists()


def reminders_due(user, *, days: int | None = None) -> list[tuple[Deadline, int]]:
    """Return (item, stage) of the user's own deadlines whose reminder stage is reached and
    was not yet sent to them (`ReminderSent`); `days` caps how far ahead to look."""
    from django.contrib.contenttypes.models import ContentType

    from foreign_affairs.models import ReminderSent

    today = timezone.localdate()
    horizon = days if days is not None else REMINDER_HORIZON_DAYS
    due = []
    for item in deadlines_for(user, days=horizon):
        stage = item.stage(today)
        if stage is None or not is_responsible(user, item):
            continue
        sent = ReminderSent.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(item.obj),
            object_id=item.obj.pk,
            due_on=item.due_on,
            stage=stage,
        )
        if not sent.exists():
            due.append((item, stage))
    return due


# --- recent changes ------------------------------------------------------------------------

# What a change's name is built from: the short fields of the record and of the records it
# points to (`__str__` reads no more), never long text or files.
NAME_FIELD_TYPES = (
    models.CharField,
    models.DateField,
    models.IntegerField,
    models.BooleanField,
    models.DecimalField,
)
MAX_NAME_FIELDS = 40  # PostgreSQL's json_build_object takes at most 100 arguments


@dataclass(frozen=True)
class Change:
    """One line of "recent changes": when, who, what was done to which record."""

    at: object
    user_name: str
    action: str
    model: type
    name: str
    url: str  # "" for a deleted record


def _name_fields(model, prefix: str = "") -> dict:
    found = {}
    for field_ in model._meta.concrete_fields:
        if isinstance(field_, NAME_FIELD_TYPES) or field_.primary_key or field_.is_relation:
            found[field_.attname] = F(f"{prefix}{field_.attname}")
    return dict(list(found.items())[:MAX_NAME_FIELDS])


def _relations(model) -> list:
    """The records a model points to, whose names its own name may use."""
    return [
        field_
        for field_ in model._meta.concrete_fields
        if field_.many_to_one
        and field_.related_model is not apps.get_model(settings.AUTH_USER_MODEL)
    ]


@cache
def change_models() -> list:
    return [
        model
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        if not is_history_model(model) and hasattr(model, "history")
    ]


def _root_path(model) -> list[str]:
    path = getattr(model, "workflow_root_path", "")
    return path.split("__") if path else []


@cache
def _latest_changes_sql(model, index: int, limit: int, vendor: str):
    """Return (sql, params) of the model's `limit` latest history rows, with the record's
    and its related records' short fields as JSON (the same on every call: compiled once
    per process, which is most of the cost of the query)."""
    related = {
        field_.name: JSONObject(**_name_fields(field_.related_model, f"{field_.name}__"))
        for field_ in _relations(model)
    }
    path = _root_path(model)
    if len(path) > 1:  # e.g. a section's report, through its part
        root = _path_model(model, path)
        related["__root"] = JSONObject(**_name_fields(root, "__".join(path) + "__"))
    rows = (
        model.history.model.objects.order_by("-history_date", "-history_id")
        .annotate(
            recent_kind=Value(index),
            recent_record=JSONObject(**_name_fields(model)),
            recent_related=JSONObject(**related),
            recent_user=JSONObject(
                first_name=F("history_user__first_name"),
                last_name=F("history_user__last_name"),
                username=F("history_user__username"),
            ),
        )
        .values_list(
            "recent_kind",
            "history_date",
            "history_type",
            "recent_record",
            "recent_related",
            "recent_user",
        )
    )[:limit]
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def _path_model(model, path: list[str]):
    for name in path:
        model = model._meta.get_field(name).related_model
    return model


def _json(value) -> dict:
    if value is None:
        return {}
    return value if isinstance(value, dict) else json.loads(value)


def _rebuild(model, data: dict):
    """Return an unsaved instance of `model` from its JSON'd fields (converted back)."""
    values = {}
    for field_ in model._meta.concrete_fields:
        if field_.attname in data:
            raw = data[field_.attname]
            values[field_.attname] = None if raw is None else field_.to_python(raw)
    return model(**values)


def _found(data: dict) -> bool:
    """Whether the joined record exists: its id alone comes from the row's own column (a
    `teacher__id` is read as `teacher_id`), so another of its fields must be filled."""
    return any(value is not None for key, value in data.items() if key != "id")


def _instance(model, record: dict, related: dict):
    """Return (unsaved instance rebuilt from the JSON, whether a record it names is gone)."""
    instance = _rebuild(model, record)
    gone = False
    for field_ in _relations(model):
        data = related.get(field_.name) or {}
        if getattr(instance, field_.attname) is None:
            continue
        if _found(data):
            field_.set_cached_value(instance, _rebuild(field_.related_model, data))
        else:
            gone = True  # deleted with (or before) this row: named by kind and id
    path = _root_path(model)
    if len(path) > 1 and not gone:
        if _found(related.get("__root") or {}):
            parent = getattr(instance, path[0])
            root = _rebuild(_path_model(model, path), related["__root"])
            parent._meta.get_field(path[1]).set_cached_value(parent, root)
        else:
            gone = True
    return instance, gone


def _url_of(instance) -> str:
    """Return the record's page (its workflow root's for a part of one) from a URL pattern."""
    for name in _root_path(type(instance)):
        instance = getattr(instance, name)
    model = type(instance)
    if model.get_absolute_url is VersionedModel.get_absolute_url:
        return url_pattern(f"{model._meta.app_label}:{model._meta.model_name}").format(instance.pk)
    return instance.get_absolute_url()  # e.g. a report's, by its year


def recent_changes(user, *, limit: int = 10) -> list[Change]:
    """Return the latest changes of the records the user may view, newest first: one query
    (the latest `limit` of each kind, UNION ALL, the latest `limit` of those)."""
    visible = [
        (index, model)
        for index, model in enumerate(change_models())
        if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]
    if not visible:
        return []
    parts, params = [], []
    for index, model in visible:
        sql, part_params = _latest_changes_sql(model, index, limit, connection.vendor)
        parts.append(f"SELECT * FROM ({sql}) recent_{index}")
        params.extend(part_params)
    query = " UNION ALL ".join(parts) + " ORDER BY 2 DESC LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, limit])
        rows = cursor.fetchall()
    return [_change(*row) for row in rows]


def _change(kind_index, at, history_type, record, related, user) -> Change:
    from foreign_affairs.history import name_of

    model = change_models()[kind_index]
    instance, gone = _instance(model, _json(record), _json(related))
    user = _json(user)
    full_name = f"{user.get('first_name') or ''} {user.get('last_name') or ''}".strip()
    history_field = model.history.model._meta.get_field("history_type")
    if isinstance(at, str):  # SQLite hands a UNION's datetimes back as text
        at = models.DateTimeField().to_python(at)
    if settings.USE_TZ and timezone.is_naive(at):
        at = timezone.make_aware(at, UTC)
    return Change(
        at=at,
        user_name=full_name or user.get("username") or "",
        action=dict(history_field.flatchoices).get(history_type, history_type),
        model=model,
        name=f"{model._meta.verbose_name} #{instance.pk}" if gone else name_of(instance),
        url="" if history_type == "-" or gone else _url_of(instance),
    )
