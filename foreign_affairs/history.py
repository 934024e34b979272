"""Deleted records and their restoration, from django-simple-history's snapshots."""

from django.db import models, transaction
from django.db.models import Max


def deleted_records(model: type[models.Model]) -> models.QuerySet:
    """Return the last snapshot of every deleted row of `model` not restored since."""
    history = model.history
    pk_name = model._meta.pk.attname
    last_deletions = (
        history.filter(history_type="-").values(pk_name).annotate(last=Max("history_id"))
    )
    return (
        history.filter(history_id__in=last_deletions.values("last"))
        .exclude(**{f"{pk_name}__in": model._base_manager.values("pk")})
        .select_related("history_user")
        .order_by("-history_date")
    )


def record_restore(*, record, user) -> models.Model:
    """Put a deleted row back as it was when deleted; ValidationError says why it cannot."""
    obj = record.instance
    obj.full_clean()
    obj._history_user = user
    with transaction.atomic():
        obj.save()
        # `created` is auto_now_add: put back when the record was really created.
        if hasattr(record, "created"):
            type(obj)._base_manager.filter(pk=obj.pk).update(created=record.created)
            obj.created = record.created
    return obj


def _display(record, field_name: str):
    field = record._meta.get_field(field_name)
    value = getattr(record, field.attname)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and value is not None:
        related = getattr(record, field_name, None)
        return related if related is not None else value
    return value


def record_changes(new, old, masked_fields=()) -> list[dict]:
    """Return what changed from history record `old` to `new`: field label, old, new.

    Values of `masked_fields` (personal identifiers the reader may not see) are masked.
    """
    from foreign_affairs.privacy import mask

    if old is None:
        return []
    delta = new.diff_against(old, excluded_fields=["version", "updated", "created"])
    changes = []
    for change in delta.changes:
        shown = mask if change.field in masked_fields else (lambda value: value)
        changes.append(
            {
                "label": new.instance_type._meta.get_field(change.field).verbose_name,
                "old": shown(_display(old, change.field)),
                "new": shown(_display(new, change.field)),
            }
        )
    return changes


def history_changes(obj, limit: int = 100, masked_fields=()) -> list[dict]:
    """Return the object's history, newest first, each entry with who, when and what changed."""
    records = list(
        obj.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        entries.append(
            {
                "record": record,
                "user": record.history_user,
                "date": record.history_date,
                "type": record.get_history_type_display(),
                "changes": record_changes(record, previous, masked_fields),
            }
        )
        previous = record
    return entries[::-1][:limit]
