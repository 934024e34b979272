"""Change history, and the deletion and restoration of whole records.

A deletion (`record_delete`, which every domain model's `delete()` runs) removes a record
with everything Django's `Collector` takes along: its dependent rows (a teacher's documents,
contracts, checks, incidents), its many-to-many links (a project's partners, a visit's
institutions) and the foreign keys set to NULL in rows that stay. It is recorded as one
`DeletionBatch`: the "-" history record of each deleted row (`DeletedRow`), the links and the
cleared references. `restore_plan` says what a restore brings back (the preview) and what
stands in its way; `record_restore` puts all of it back in one transaction, or nothing.
"""

import json
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import Max
from django.db.models.deletion import Collector
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.signals import post_create_historical_record

from foreign_affairs.models import DeletedRow, DeletionBatch

# The "-" history records written while a deletion runs: (model, pk, history_id), in order.
_recording: ContextVar[list | None] = ContextVar("deletion_recording", default=None)

NAMES_SHOWN = 20  # names listed per kind of record in the preview


def has_history(model) -> bool:
    """Return whether django-simple-history keeps the history of `model`."""
    return hasattr(model._meta, "simple_history_manager_attribute")


@receiver(post_create_historical_record, dispatch_uid="foreign_affairs_deletion_rows")
def _record_deleted_row(sender, instance, history_instance, **kwargs):
    rows = _recording.get()
    if rows is not None and history_instance.history_type == "-":
        rows.append((type(instance), instance.pk, history_instance.history_id))


def _request_user():
    """Return the user of the request being served (simple-history's middleware), or None."""
    from simple_history.models import HistoricalRecords

    user = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    return user if getattr(user, "is_authenticated", False) else None


# --- deletion ----------------------------------------------------------------------------------


def record_delete(obj, *, user=None, using=None, keep_parents=False) -> tuple[int, dict]:
    """Delete `obj` with everything the deletion takes along, recorded as one batch.

    Returns what `Model.delete()` returns (count, {model label: count}). Raises
    `ProtectedError`/`RestrictedError` like Django when a protected row refers to it, and the
    read-only `ValidationError` when a row it would take along belongs to a read-only record
    (an approved report); then nothing is deleted.
    """
    from foreign_affairs.workflow import ensure_rows_editable

    model, root_pk = type(obj), obj.pk
    using = using or router.db_for_write(model, instance=obj)
    user = user or getattr(obj, "_history_user", None) or _request_user()
    with transaction.atomic(using=using):
        collector = Collector(using=using, origin=obj)
        collector.collect([obj], keep_parents=keep_parents)
        collector.sort()
        for collected, instances in collector.data.items():
            if hasattr(collected, "workflow_root_path"):
                pks = [instance.pk for instance in instances]
                ensure_rows_editable(collected._base_manager.using(using).filter(pk__in=pks))
        cleared = _cleared(collector)
        _check_cleared(cleared, using)
        batch = DeletionBatch.objects.using(using).create(
            content_type=ContentType.objects.db_manager(using).get_for_model(model),
            object_id=obj.pk,
            object_repr=str(obj)[:200],
            user=user,
            links=_links(collector),
            cleared=cleared,
        )
        with translation.override(settings.LANGUAGE_CODE):  # stored in the portal's language
            reason = (_("Deleted with “%(obj)s”") % {"obj": obj})[:100]
        for collected, instances in collector.data.items():
            for instance in instances:
                instance._history_user = user
                if not (collected is model and instance.pk == root_pk):
                    instance._change_reason = reason
        rows = []
        token = _recording.set(rows)
        try:
            result = collector.delete()
        finally:
            _recording.reset(token)
        types = ContentType.objects.db_manager(using).get_for_models(*{row[0] for row in rows})
        DeletedRow.objects.using(using).bulk_create(
            DeletedRow(
                batch=batch,
                content_type=types[row_model],
                object_id=pk,
                history_id=history_id,
                position=position,
                is_root=row_model is model and pk == root_pk,
            )
            for position, (row_model, pk, history_id) in enumerate(rows)
        )
    return result


def taken_along(obj) -> list[dict]:
    """Return what deleting `obj` would take along: per kind of record, its name and count
    (the record itself left out; many-to-many links counted by the kind they link to)."""
    from django.db.models.deletion import ProtectedError, RestrictedError

    collector = Collector(using=router.db_for_write(type(obj), instance=obj), origin=obj)
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError):
        return []  # the deletion will be refused, with the reason
    counts: dict = {}  # (model, is a link) -> count
    for collected, instances in collector.data.items():
        count = len([i for i in instances if not (collected is type(obj) and i.pk == obj.pk)])
        if count:
            counts[(collected, False)] = counts.get((collected, False), 0) + count
    for queryset in collector.fast_deletes:
        model, link = queryset.model, queryset.model._meta.auto_created
        if link:  # a many-to-many link: named by the kind of record at its other end
            others = [
                fk.related_model
                for fk in model._meta.concrete_fields
                if fk.many_to_one and fk.related_model is not type(obj)
            ]
            model = others[0] if others else model
        counts[(model, link)] = counts.get((model, link), 0) + queryset.count()
    return [
        {"model": model._meta.verbose_name_plural, "count": count, "link": link}
        for (model, link), count in counts.items()
        if count
    ]


def _links(collector: Collector) -> list:
    """Serialize the rows the deletion removes that have no history: many-to-many links."""
    rows = [row for queryset in collector.fast_deletes for row in queryset]
    for collected, instances in collector.data.items():
        if not has_history(collected):
            rows.extend(instances)
    return json.loads(serializers.serialize("json", rows)) if rows else []


def _cleared(collector: Collector) -> list[dict]:
    """Return the foreign keys the deletion sets to NULL (or a default) in rows that stay."""
    cleared = []
    for (fk, value), batches in collector.field_updates.items():
        for rows in batches:
            if isinstance(rows, models.QuerySet):
                pairs = rows.values_list("pk", fk.attname)
            else:
                pairs = [(row.pk, getattr(row, fk.attname)) for row in rows]
            cleared += [
                {
                    "model": fk.model._meta.label_lower,
                    "field": fk.name,
                    "pk": pk,
                    "value": old,
                    "set_to": value,
                }
                for pk, old in pairs
            ]
    return cleared


def _check_cleared(cleared: list[dict], using: str) -> None:
    """Refuse a deletion that would leave a row that stays invalid once its reference is
    cleared (a travel document handed out for the visit being deleted): `ValidationError`
    naming the row and the rule, instead of the database's integrity error."""
    for item in cleared:
        model = apps.get_model(item["model"])
        row = model._base_manager.using(using).filter(pk=item["pk"]).first()
        if row is None:
            continue
        setattr(row, model._meta.get_field(item["field"]).attname, item["set_to"])
        try:
            row.validate_constraints()
        except ValidationError as error:
            raise ValidationError(
                [f"“{name_of(row)}”：{message}" for message in error.messages],
                code="invalid_reference",
            ) from None


def deleted_records(model: type[models.Model]) -> models.QuerySet:
    """Return the last snapshot of every deleted row of `model` not restored since.

    Rows another record's deletion took along (a teacher's documents) are left out: they come
    back with that record.
    """
    history = model.history
    pk_name = model._meta.pk.attname
    last_deletions = (
        history.filter(history_type="-").values(pk_name).annotate(last=Max("history_id"))
    )
    taken_along = DeletedRow.objects.filter(
        content_type=ContentType.objects.get_for_model(model), is_root=False
    ).values("history_id")
    return (
        history.filter(history_id__in=last_deletions.values("last"))
        .exclude(**{f"{pk_name}__in": model._base_manager.values("pk")})
        .exclude(history_id__in=taken_along)
        .select_related("history_user")
        .order_by("-history_date")
    )


# --- restore -----------------------------------------------------------------------------------


@dataclass
class RestorePlan:
    """What restoring a deleted record brings back, parents first, and what prevents it.

    `records`: the "-" history records, in restore order; `instances`: the rows as they come
    back (related rows of the batch filled in, so their names read without queries);
    `links`, `cleared`: see `DeletionBatch`; `problems`: messages, empty when it may go ahead.
    """

    record: object
    batch: DeletionBatch | None
    records: list
    instances: list
    links: list = field(default_factory=list)
    cleared: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def root(self):
        """The row the user asked to restore (first in the summary)."""
        return self.instances[0]

    @property
    def root_name(self) -> str:
        return name_of(self.root)

    @property
    def deleted_by(self):
        """Who deleted it: the user's full name or username, "—" if unknown."""
        user = self.batch.user if self.batch else self.record.history_user
        return (user.get_full_name() or user.get_username()) if user else "—"

    @property
    def deleted_at(self):
        return self.batch.deleted_at if self.batch else self.record.history_date

    def summary(self) -> list[dict]:
        """Return per kind of record: its name, how many come back and their names (`link`:
        links to records that stayed, e.g. a project's partner institutions)."""
        groups: dict = {}  # (model, is a link) -> names
        for instance in self.instances:
            groups.setdefault((type(instance), False), []).append(name_of(instance))
        for model, names in _link_names(self).items():
            groups.setdefault((model, True), []).extend(names)
        return [
            {
                "model": model._meta.verbose_name_plural,
                "link": link,
                "count": len(names),
                "names": names[:NAMES_SHOWN],
                "more": max(len(names) - NAMES_SHOWN, 0),
            }
            for (model, link), names in groups.items()
        ]


def name_of(instance) -> str:
    """Return how a row is named; a row whose related record is gone by its kind and id."""
    try:
        return str(instance)
    except ObjectDoesNotExist:
        return f"{instance._meta.verbose_name} #{instance.pk}"


def restore_plan(record) -> RestorePlan:
    """Return the plan of restoring the deletion `record` (a "-" history record) was part of.

    Queries: a fixed number per kind of record in the batch, not per row.
    """
    model = record.instance_type
    row = (
        DeletedRow.objects.filter(
            content_type=ContentType.objects.get_for_model(model), history_id=record.history_id
        )
        .select_related("batch__user")
        .first()
    )
    if row is None:  # deleted before batches were recorded: the row alone
        records, batch = [record], None
    else:
        batch = row.batch
        records = _batch_records(batch)
    by_key = {}
    instances = []
    for item in records:
        instance = item.instance
        by_key[(type(instance), instance.pk)] = instance
        instances.append(instance)
    for instance in instances:  # fill in the relations inside the batch
        for fk in instance._meta.concrete_fields:
            if fk.many_to_one:
                target = by_key.get((fk.related_model, getattr(instance, fk.attname)))
                if target is not None:
                    fk.set_cached_value(instance, target)
    # The record the user asked for comes first in the summary.
    asked = by_key[(model, getattr(record, model._meta.pk.attname))]
    instances.sort(key=lambda instance: instance is not asked)
    plan = RestorePlan(
        record=record,
        batch=batch,
        records=records,
        instances=instances,
        links=batch.links if batch else [],
        cleared=batch.cleared if batch else [],
    )
    plan.problems = _problems(plan, by_key)
    return plan


def _batch_records(batch: DeletionBatch) -> list:
    """Return the history records of a batch, parents first (the reverse of deletion)."""
    rows = list(batch.rows.order_by("-position"))
    found = {}
    for content_type_id in {row.content_type_id for row in rows}:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        ids = [row.history_id for row in rows if row.content_type_id == content_type_id]
        for item in model.history.filter(history_id__in=ids):
            found[(content_type_id, item.history_id)] = item
    return [found[(row.content_type_id, row.history_id)] for row in rows]


def _problems(plan: RestorePlan, by_key: dict) -> list[str]:
    """Return why the plan cannot go ahead: rows that exist again, parents that are gone,
    link ends that are gone, read-only records. Unique conflicts are found on restore."""
    from foreign_affairs.workflow import _ensure_root_editable, _root_of

    problems = []
    wanted: dict = {}  # model -> {pk: [(instance, field label)]}
    for instance in plan.instances:
        wanted.setdefault(type(instance), {}).setdefault(instance.pk, [])
    existing = {
        model: set(
            model._base_manager.filter(pk__in=list(pks)).order_by().values_list("pk", flat=True)
        )
        for model, pks in wanted.items()
    }
    for instance in plan.instances:
        if instance.pk in existing[type(instance)]:
            problems.append(
                _("“%(obj)s” exists again: it was restored or re-created.")
                % {"obj": name_of(instance)}
            )
    parents: dict = {}  # related model -> {pk: [(instance, field)]}
    for instance in plan.instances:
        for fk in instance._meta.concrete_fields:
            value = getattr(instance, fk.attname) if fk.many_to_one else None
            if value is not None and (fk.related_model, value) not in by_key:
                parents.setdefault(fk.related_model, {}).setdefault(value, []).append(
                    (instance, fk)
                )
    for item in plan.links:
        through = apps.get_model(item["model"])
        for fk in through._meta.concrete_fields:
            value = item["fields"].get(fk.name) if fk.many_to_one else None
            if value is not None and (fk.related_model, value) not in by_key:
                parents.setdefault(fk.related_model, {}).setdefault(value, [])
    for related, needed in parents.items():
        there = set(
            related._base_manager.filter(pk__in=list(needed))
            .order_by()
            .values_list("pk", flat=True)
        )
        for pk, uses in needed.items():
            if pk in there:
                continue
            if not uses:
                problems.append(
                    _("The linked %(model)s #%(pk)s no longer exists; restore it first.")
                    % {"model": related._meta.verbose_name, "pk": pk}
                )
            for instance, fk in uses:
                problems.append(
                    _("“%(obj)s” cannot come back: its %(field)s (#%(pk)s) no longer exists.")
                    % {"obj": name_of(instance), "field": fk.verbose_name, "pk": pk}
                )
    roots = {}
    for instance in plan.instances:
        if hasattr(instance, "workflow_root_path"):
            root = _root_of(instance)
            if root is not None:
                roots[(type(root), root.pk)] = root
    for root in roots.values():
        try:
            _ensure_root_editable(root)
        except ValidationError as error:
            problems.extend(error.messages)
    return list(dict.fromkeys(problems))


def _link_names(plan: RestorePlan) -> dict:
    """Return per model the names of the records the batch's links lead to (one query per
    model): a link is listed under the kind of record at its end outside the batch."""
    in_batch = {(type(instance), instance.pk) for instance in plan.instances}
    wanted: dict = {}  # model -> [pk]
    for item in plan.links:
        through = apps.get_model(item["model"])
        for fk in through._meta.concrete_fields:
            value = item["fields"].get(fk.name) if fk.many_to_one else None
            if value is not None and (fk.related_model, value) not in in_batch:
                wanted.setdefault(fk.related_model, []).append(value)
                break
    names = {}
    for model, pks in wanted.items():
        found = {row.pk: name_of(row) for row in model._base_manager.filter(pk__in=pks)}
        names[model] = [found.get(pk, f"{model._meta.verbose_name} #{pk}") for pk in pks]
    return names


def record_restore(*, record, user) -> models.Model:
    """Restore the deletion `record` was part of: every row, link and reference, or nothing.

    Returns the restored row of `record`. Raises `ValidationError` with the reasons (a parent
    or a linked record that is gone, a row that exists again, a unique value taken since, a
    read-only record) and then restores nothing.
    """
    plan = restore_plan(record)
    try:
        with transaction.atomic():
            if plan.problems:
                raise ValidationError(plan.problems)
            restored = _restore_rows(plan, user)
            _restore_links(plan)
            _restore_cleared(plan, user)
            if plan.batch is not None:
                plan.batch.restored_at = timezone.now()
                plan.batch.restored_by = user
                plan.batch.save(update_fields=["restored_at", "restored_by"])
    except IntegrityError:
        raise ValidationError(
            _("It would conflict with a record that exists now."), code="conflict"
        ) from None
    asked = record.instance_type
    return restored[(asked, getattr(record, asked._meta.pk.attname))]


def _restore_rows(plan: RestorePlan, user) -> dict:
    restored = {}
    for item in plan.records:  # parents first
        obj = item.instance
        try:
            obj.full_clean()
        except ValidationError as error:
            if (type(obj), obj.pk) == (type(plan.root), plan.root.pk):
                raise
            raise ValidationError(
                [f"“{name_of(obj)}”：{message}" for message in error.messages]
            ) from None
        obj._history_user = user
        obj.save(force_insert=True)
        # `created` is auto_now_add: put back when the record was really created.
        if hasattr(item, "created"):
            type(obj)._base_manager.filter(pk=obj.pk).update(created=item.created)
            obj.created = item.created
        restored[(type(obj), obj.pk)] = obj
    return restored


def _restore_links(plan: RestorePlan) -> None:
    for item in plan.links:
        model = apps.get_model(item["model"])
        if model._meta.auto_created:  # a many-to-many link: both ends, no other data
            ends = {
                fk.attname: item["fields"][fk.name]
                for fk in model._meta.concrete_fields
                if fk.many_to_one
            }
            if not model._base_manager.filter(**ends).exists():
                model._base_manager.create(**ends)
        else:
            for obj in serializers.deserialize("json", json.dumps([item])):
                obj.save()


def _restore_cleared(plan: RestorePlan, user) -> None:
    """Point the rows that stayed back at the restored rows (if nobody changed them since)."""
    for item in plan.cleared:
        model = apps.get_model(item["model"])
        attname = model._meta.get_field(item["field"]).attname
        row = model._base_manager.filter(pk=item["pk"], **{attname: item["set_to"]}).first()
        if row is None:
            continue
        setattr(row, attname, item["value"])
        row._history_user = user
        row.save(update_fields=[attname])


# --- change history ----------------------------------------------------------------------------


def _display(record, field_name: str):
    field_ = record._meta.get_field(field_name)
    value = getattr(record, field_.attname)
    if field_.choices:
        return dict(field_.flatchoices).get(value, value)
    if field_.is_relation and value is not None:
        related = getattr(record, field_name, None)
        return related if related is not None else value
    return value


def record_changes(new, old, masked_fields=()) -> list[dict]:
    """Return what changed from history record `old` to `new`: field name, label, old, new.

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
                "field": change.field,
                "label": new.instance_type._meta.get_field(change.field).verbose_name,
                "old": shown(_display(old, change.field)),
                "new": shown(_display(new, change.field)),
            }
        )
    return changes


def history_changes(obj, limit: int = 100, *, user=None) -> list[dict]:
    """Return the object's history, newest first, each entry with who, when and what changed.

    The personal fields the model declares (`foreign_affairs.privacy.personal_fields`) are
    masked unless `user` may see personal data (no user: masked).
    """
    from foreign_affairs.privacy import masked_fields_for

    masked = masked_fields_for(type(obj), user)
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
                "changes": record_changes(record, previous, masked),
            }
        )
        previous = record
    return entries[::-1][:limit]
