"""Reads of the shared layer: deadlines, recent changes, key counts."""

from datetime import timedelta
from itertools import chain

from django.apps import apps
from django.utils import timezone

from foreign_affairs.models import is_history_model
from foreign_affairs.registry import Deadline, deadline_sources
from foreign_affairs.roles import DOMAIN_APPS

DEADLINE_WINDOW_DAYS = 90


def deadlines_for(user, *, days: int = DEADLINE_WINDOW_DAYS) -> list[Deadline]:
    """Return the open deadlines due within `days` (and all overdue ones) the user may see."""
    until = timezone.localdate() + timedelta(days=days)
    items = chain.from_iterable(source(until) for source in deadline_sources)
    visible = [item for item in items if user.has_perm(item.permission)]
    return sorted(visible, key=lambda item: (item.due_on, str(item.title)))


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
