"""Reads of the shared layer: deadlines, recent changes, key counts."""

from datetime import timedelta
from itertools import chain

from django.apps import apps
from django.utils import timezone

from foreign_affairs.models import is_history_model
from foreign_affairs.registry import Deadline, deadline_sources
from foreign_affairs.roles import DOMAIN_APPS, OFFICE_STAFF

DEADLINE_WINDOW_DAYS = 90
# The longest reminder stage (agreements: 180 days before they end).
REMINDER_HORIZON_DAYS = 180


def deadlines_for(user, *, days: int = DEADLINE_WINDOW_DAYS) -> list[Deadline]:
    """Return the open deadlines due within `days` (and all overdue ones) the user may see:
    overdue first (the most recently overdue on top), then the soonest."""
    today = timezone.localdate()
    until = today + timedelta(days=days)
    items = chain.from_iterable(source(until) for source in deadline_sources)
    visible = [item for item in items if user.has_perm(item.permission)]
    return sorted(visible, key=lambda item: _urgency(item, today))


def _urgency(item: Deadline, today) -> tuple:
    overdue = item.due_on < today
    return (not overdue, -item.due_on.toordinal() if overdue else item.due_on.toordinal())


def is_responsible(user, item: Deadline) -> bool:
    """Return whether `user` must act on the item: one of its responsible users, or, when it
    names none, a member of the office."""
    named = [
        person
        for person in item.responsible
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


def recent_changes(user, *, limit: int = 10) -> list:
    """Return the latest history records of the models the user may view, newest first."""
    records = []
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if is_history_model(model):
                continue
            opts = model._meta
            if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                continue
            history = model.history.select_related("history_user").order_by("-history_date")
            records.extend(history[:limit])
    return sorted(records, key=lambda record: record.history_date, reverse=True)[:limit]
