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
    return obj
