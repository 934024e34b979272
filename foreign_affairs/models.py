"""Shared model bases: timestamps, change history and optimistic versioning."""

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def is_history_model(model) -> bool:
    """Return whether a model is one of django-simple-history's Historical* snapshots."""
    return model.__name__.startswith("Historical")


class StaleVersionError(ValidationError):
    """A save was based on a version of the record that is no longer the stored one."""


class VersionField(models.PositiveIntegerField):
    """The version a record was read at; forms carry it back as a hidden field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", 1)
        kwargs.setdefault("verbose_name", _("version"))
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # Always hidden: the admin would otherwise swap in its number widget.
        kwargs["widget"] = forms.HiddenInput
        kwargs.setdefault("required", False)
        return super().formfield(**kwargs)


class TimeStampedModel(models.Model):
    """Creation and update times, and a change history (who, when, what) of every row."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record edited by people: a save based on a stale version is refused.

    The check is one conditional UPDATE (`version` still what the editor read), so two
    concurrent saves cannot both pass it; the loser gets `StaleVersionError` and the stored
    row is left as the winner wrote it.
    """

    version = VersionField()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            claimed = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=self.version)
                .update(version=F("version") + 1)
            )
            if not claimed:
                raise StaleVersionError(stale_version_message(self), code="stale_version")
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            return super().save(*args, **kwargs)

    def get_absolute_url(self):
        opts = self._meta
        return reverse(f"{opts.app_label}:{opts.model_name}", args=[self.pk])


def stale_version_message(instance, seen_version: int | None = None) -> str:
    """Return the conflict message: who changed the record, when, and what they changed.

    `seen_version` is the version the editor opened (default: the instance's own).
    """
    from django.utils import timezone
    from django.utils.formats import date_format

    from foreign_affairs.history import record_changes

    records = instance.history.select_related("history_user").order_by("-history_date")
    last = records.first()
    if last is None:
        return str(_("This record was changed by someone else after you opened it."))
    seen = records.filter(version=seen_version or instance.version).first()
    changes = "；".join(
        f"{change['label']}：“{change['old']}” → “{change['new']}”"
        for change in record_changes(last, seen)
    )
    who = getattr(last.history_user, "username", None) or _("another user")
    when = date_format(timezone.localtime(last.history_date), "DATETIME_FORMAT")
    message = _(
        "This record was changed by %(who)s at %(when)s after you opened it. "
        "Your changes were not saved: reload the page to see the current version."
    ) % {"who": who, "when": when}
    if changes:
        message += " " + _("Their change: %(changes)s") % {"changes": changes}
    return str(message)


def dates_in_order(start: str, end: str, name: str, message) -> models.CheckConstraint:
    """Return a constraint: `end` is not before `start` when both are set."""
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=message,
    )


class PersonalDataAccess(models.Model):
    """One unmasked view of personal identifiers: who saw which record's data, and when.

    PIPL asks that access to personal information be traceable; rows are only ever added.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        verbose_name=_("kind of record"),
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    object_repr = models.CharField(_("record"), max_length=200)
    fields = models.CharField(_("fields shown"), max_length=200)
    path = models.CharField(_("page"), max_length=300, blank=True)
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at"]

    def __str__(self):
        return f"{self.user} · {self.object_repr}"


class RecordLink(models.Model):
    """A link to any record of the portal (its kind and id)."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        verbose_name=_("kind of record"),
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    content_object = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True


class StateChange(RecordLink):
    """One transition of a record's workflow: who took which step, when, with what comment."""

    transition = models.CharField(_("step"), max_length=50)
    source = models.CharField(_("from state"), max_length=30)
    target = models.CharField(_("to state"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.transition}: {self.source} → {self.target}"


class InboxQuerySet(models.QuerySet):
    def for_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def open(self):
        return self.filter(closed_at__isnull=True)

    def close(self) -> int:
        from django.utils import timezone

        return self.update(closed_at=timezone.now())


class InboxItem(RecordLink):
    """A record waiting for one user to act on it (who acts next after a workflow step).

    Opened by the step that hands the record over, closed by the next step taken on it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inbox_items",
        verbose_name=_("recipient"),
    )
    object_repr = models.CharField(_("record"), max_length=200)
    url = models.CharField(_("link"), max_length=300)
    task = models.CharField(_("task"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = InboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "closed_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.task}：{self.object_repr}"


def add_months(day, months: int):
    """Return `day` moved by `months` calendar months (the 31st becomes the month's last day)."""
    import calendar

    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class ReminderSent(RecordLink):
    """A reminder e-mailed to a user about one deadline at one stage: sent once, never again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    due_on = models.DateField(_("due on"))
    stage = models.PositiveSmallIntegerField(_("days before (0: due or overdue)"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id", "due_on", "stage"],
                name="reminder_once_per_stage",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.due_on} · {self.stage}"
