"""Shared model bases: timestamps, change history and optimistic versioning."""

import base64
import functools
import hmac
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
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

    def delete(self, using=None, keep_parents=False):
        """Delete the record with what it takes along, restorable as one (`record_delete`)."""
        from foreign_affairs.history import record_delete

        return record_delete(self, using=using, keep_parents=keep_parents)


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
        return record_url(f"{opts.app_label}:{opts.model_name}", self.pk)


_URL_SENTINEL = 4_611_686_018_427_387_847  # a number no key has, to find a key in a URL


@functools.lru_cache(maxsize=256)
def _url_around_key(viewname: str, prefix: str, urlconf) -> tuple[str, str] | None:
    """Return (text before, text after) the key in `viewname`'s URL, or None where the
    sentinel key does not give the URL exactly once."""
    try:
        url = reverse(viewname, args=[_URL_SENTINEL], urlconf=urlconf)
    except NoReverseMatch:
        return None
    parts = url.split(str(_URL_SENTINEL))
    return (parts[0], parts[1]) if len(parts) == 2 and url.startswith(prefix) else None


def record_url(viewname: str, pk) -> str:
    """Return `reverse(viewname, args=[pk])` for a record's page.

    An integer key is put into the URL reversed once per view (and script prefix and URL
    conf): Django's `reverse` matches the arguments against the route for every call, about
    a fifth of a list row's cost (issue 12). Anything else goes through `reverse`, with its
    `NoReverseMatch`.
    """
    if type(pk) is int and pk >= 0:
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        around = _url_around_key(viewname, get_script_prefix(), urlconf)
        if around is not None:
            return f"{around[0]}{pk}{around[1]}"
    return reverse(viewname, args=[pk])


def stale_version_message(instance, seen_version: int | None = None) -> str:
    """Return the conflict message: who changed the record, when, and what they changed.

    `seen_version` is the version the editor opened (default: the instance's own).
    """
    from django.utils import timezone
    from django.utils.formats import date_format

    from foreign_affairs.history import record_changes
    from foreign_affairs.privacy import personal_fields

    records = instance.history.select_related("history_user").order_by("-history_date")
    last = records.first()
    if last is None:
        return str(_("This record was changed by someone else after you opened it."))
    seen = records.filter(version=seen_version or instance.version).first()
    changes = "；".join(
        f"{change['label']}：“{change['old']}” → “{change['new']}”"
        # No user is known here: personal identifiers in the message are always masked.
        for change in record_changes(last, seen, personal_fields(type(instance)))
    )
    user = last.history_user
    who = ((user.get_full_name() or user.get_username()) if user else "") or _("another user")
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
        """Close the items; return how many were open. An update sends no signal: the
        dashboard (what waits for the user, the inbox count) is told here."""
        from django.utils import timezone

        from foreign_affairs.dashboard import records_changed

        closed = self.update(closed_at=timezone.now())
        if closed:
            records_changed(self.model)
        return closed


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


class CalendarToken(models.Model):
    """The generation of a user's private calendar feed address (issue 10 §12, issue 11).

    The address's key is the user's id and an HMAC-SHA256 (with `SECRET_KEY`) of that id and
    the generation: the same address on every page, nothing secret in the database (a copy of
    it or of a backup opens no feed), and a new address by counting the generation up, after
    which the old one answers 404. An address is valid `CALENDAR_TOKEN_DAYS` days after its
    generation began (0: until replaced) and only while its user is active.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_token",
        verbose_name=_("user"),
    )
    generation = models.PositiveIntegerField(_("generation"), default=1)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)

    # "<user id>-<43 characters>"; anything far longer is not one.
    MAX_TOKEN_LENGTH = 64
    SALT = "foreign_affairs.CalendarToken"

    class Meta:
        verbose_name = _("calendar feed key")
        verbose_name_plural = _("calendar feed keys")

    def __str__(self):
        return f"{self.user} · {self.generation} · {self.created_at:%Y-%m-%d}"

    @classmethod
    def make_key(cls, user_id: int, generation: int) -> str:
        """Return the key of a user's address in a generation (no database access)."""
        mac = salted_hmac(cls.SALT, f"{user_id}:{generation}", algorithm="sha256").digest()
        return f"{user_id}-{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"

    @property
    def key(self) -> str:
        return self.make_key(self.user_id, self.generation)

    @property
    def expires_at(self):
        """When the address stops opening the feed (None: never, `CALENDAR_TOKEN_DAYS` = 0)."""
        days = settings.CALENDAR_TOKEN_DAYS
        return self.created_at + timedelta(days=days) if days else None

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @classmethod
    def feed_for(cls, user) -> "CalendarToken":
        """Return the user's current address (the first one is made when first asked for)."""
        return cls.objects.get_or_create(user=user)[0]

    @classmethod
    def issue(cls, user) -> str:
        """Give `user` a new address, turning the old one off; return its key."""
        row, created = cls.objects.get_or_create(user=user)
        if not created:  # counted up in SQL; saved, so the dashboard's cache hears of it
            row.generation = F("generation") + 1
            row.created_at = timezone.now()
            row.save(update_fields=["generation", "created_at"])
            row.refresh_from_db()
        return row.key

    @classmethod
    def user_for(cls, token: str):
        """Return the active user whose current, unexpired key is `token`, else None.

        The id before the dash finds the row; the whole key is then compared in constant
        time (`hmac.compare_digest`) with the one the row's generation makes.
        """
        if not isinstance(token, str) or not 0 < len(token) <= cls.MAX_TOKEN_LENGTH:
            return None
        user_id, _dash, mac = token.partition("-")
        if not user_id.isascii() or not user_id.isdigit() or not mac:
            return None
        row = cls.objects.filter(user_id=int(user_id)).select_related("user").first()
        if row is None or not hmac.compare_digest(row.key, token):
            return None
        if not row.user.is_active or row.expired:
            return None
        return row.user


# --- whole-record deletion and restore (issue 10 item 8) -------------------------------------


class DeletionBatch(models.Model):
    """One deletion of a record together with everything it took along.

    The rows with a history are listed in `DeletedRow` (their "-" history record); what has
    no history of its own is kept here: the many-to-many links the deletion removed
    (`links`, Django's JSON serialization of the through rows) and the foreign keys it set
    to NULL in rows that stay (`cleared`: `[{"model", "field", "pk", "value"}]`). Restoring
    the batch puts all of it back in one transaction (`foreign_affairs.history`).
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    object_repr = models.CharField(_("record"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    deleted_at = models.DateTimeField(_("deleted at"), auto_now_add=True, db_index=True)
    links = models.JSONField(_("links removed"), default=list, blank=True)
    cleared = models.JSONField(_("references cleared"), default=list, blank=True)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restored by"),
    )

    class Meta:
        verbose_name = _("deletion")
        verbose_name_plural = _("deletions")
        ordering = ["-deleted_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.object_repr


class DeletedRow(models.Model):
    """A row a deletion removed: which history record holds it, in the order it went.

    `position` is the deletion order (dependent rows first); restore goes the other way.
    `is_root` marks the record the user deleted: the rows it took along are restored with it,
    not on their own.
    """

    batch = models.ForeignKey(
        DeletionBatch, on_delete=models.CASCADE, related_name="rows", verbose_name=_("deletion")
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    history_id = models.PositiveBigIntegerField(_("history record"))
    position = models.PositiveIntegerField(_("position"))
    is_root = models.BooleanField(_("deleted by the user"), default=False)

    class Meta:
        verbose_name = _("deleted row")
        verbose_name_plural = _("deleted rows")
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "history_id"], name="deletedrow_one_per_history_record"
            )
        ]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}"
