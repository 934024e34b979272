"""The shared workflow layer: states and transitions declared once, run by one service.

A model's workflow is a table (`Workflow` of `Transition`s) in its app's `workflows.py`,
registered with `register_workflow`. Every status change goes through `transition_run`:

1. permission `<app>.<transition>_<model>` (granted to the roles by the roles migration); a
   user without the model's change permission acts only on records they own (a liaison on
   their own proposal);
2. the guard: `ValidationError` with the reason in words, nothing changed;
3. in `transaction.atomic()` on the locked row: the effect (fields the transition sets), the
   new state, one history record (who, when, comment), one `StateChange` row;
4. who acts next: the open inbox items of the record are closed and new ones opened for the
   users the transition names, who are also e-mailed after the commit.

A small declarative table rather than django-fsm-2: guards here must say *why* they refuse
(django-fsm's conditions return booleans), every transition needs a comment, an input form
and the next actor, and saves go through the versioned model's stale-edit check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from foreign_affairs.dashboard import records_changed
from foreign_affairs.models import InboxItem, StateChange
from foreign_affairs.roles import LEADERSHIP, OFFICE_STAFF

Guard = Callable[[models.Model, dict], None]
Effect = Callable[[models.Model, dict, object], None]
Recipients = Callable[[models.Model], Iterable]


class ActionForm(forms.Form):
    """The input of a transition: an optional comment, plus what the transition asks for."""

    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, comment_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = comment_required
        from foreign_affairs.forms import bootstrap_widgets, secure_fields

        bootstrap_widgets(self, small=True)
        secure_fields(self)  # no control characters in a comment or an approval number


@dataclass(frozen=True)
class Transition:
    """One step of a workflow: from which states, to which, who may, what must hold.

    `when` limits where the transition applies at all (e.g. outbound visits only);
    `guard` refuses with a reason; `effect` sets the fields the step records from the
    form's cleaned data (`on_error` undoes what it stored outside the database); `notify`
    names the users who must act next, `task` what they do. With `own_records_only`, a user
    without the model's change permission takes the step only on records they own.
    """

    name: str
    label: str | Promise
    source: tuple[str, ...]
    target: str
    form_class: type[ActionForm] = ActionForm
    guard: Guard | None = None
    effect: Effect | None = None
    when: Callable[[models.Model], bool] | None = None
    notify: Recipients | None = None
    task: str | Promise = ""
    on_error: Callable[[models.Model], None] | None = None
    own_records_only: bool = False
    comment_required: bool = False
    irreversible: bool = False
    style: str = "primary"

    def applies_to(self, obj) -> bool:
        state = getattr(obj, getattr(type(obj), "workflow_field", "status"))
        return state in self.source and (self.when is None or self.when(obj))


@dataclass
class Workflow:
    """The states and transitions of one model.

    `owner_field` names who proposed a record; `read_only_states` freeze it (and what
    `workflow_root()` ties to it); `initial(obj)` gives the steps' forms their start values.
    """

    model: type[models.Model]
    transitions: list[Transition]
    field: str = "status"
    owner_field: str = ""
    read_only_states: tuple[str, ...] = ()
    initial: Callable[[models.Model], dict] | None = None
    by_name: dict[str, Transition] = dataclass_field(init=False)

    def __post_init__(self):
        self.by_name = {}
        for item in self.transitions:
            self.by_name.setdefault(item.name, item)
        self.model.workflow_field = self.field

    def get(self, obj, name: str) -> Transition | None:
        """Return the transition `name` as it applies to `obj` (names may repeat by `when`)."""
        matches = [t for t in self.transitions if t.name == name]
        return next((t for t in matches if t.applies_to(obj)), matches[0] if matches else None)

    def permission(self, name: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{name}_{opts.model_name}"

    def owner(self, obj):
        return getattr(obj, self.owner_field, None) if self.owner_field else None

    def may(self, user, obj, transition: Transition) -> bool:
        """Return whether `user` holds the transition's permission for this record."""
        if user is None or not user.has_perm(self.permission(transition.name)):
            return False
        opts = self.model._meta
        if not transition.own_records_only:
            return True
        if user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return True
        owner = self.owner(obj)
        return owner is not None and owner.pk == user.pk

    def actions_for(self, obj, user) -> list[Transition]:
        """Return the transitions `user` may take on `obj` now (guards are checked on POST)."""
        return [t for t in self.transitions if t.applies_to(obj) and self.may(user, obj, t)]


workflows: dict[type[models.Model], Workflow] = {}


def register_workflow(workflow: Workflow) -> Workflow:
    workflows[workflow.model] = workflow
    return workflow


def workflow_of(obj_or_model) -> Workflow | None:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return workflows.get(model)


# --- who acts next ---------------------------------------------------------------------------


def role(group: str) -> Recipients:
    """Return a recipients function: the active members of a role."""

    def users(obj):
        return get_user_model().objects.filter(is_active=True, groups__name=group).distinct()

    users.role = group
    return users


def owner(obj) -> Iterable:
    """The user who proposed the record (or prepared it), when there is one."""
    workflow = workflow_of(obj)
    user = workflow.owner(obj) if workflow else None
    return [user] if user is not None and user.is_active else []


office = role(OFFICE_STAFF)
leadership = role(LEADERSHIP)


# --- the one service path --------------------------------------------------------------------


def transition_run(
    *, obj: models.Model, name: str, user, data: dict | None = None, comment: str = ""
) -> models.Model:
    """Take transition `name` on `obj` as `user`; return the object in its new state.

    The step works on the stored row (locked), so fields changed by someone else since `obj`
    was read are kept; `obj` is updated to the result. Raises `PermissionDenied` without the
    permission, `ValidationError` (reason in words) when the step does not apply to the
    stored state or its guard refuses; then nothing is changed and `obj` stays as it was.
    """
    workflow = workflow_of(obj)
    transition = workflow.get(obj, name) if workflow else None
    if transition is None:
        raise ValidationError(_("There is no such step."), code="unknown_transition")
    if not workflow.may(user, obj, transition):
        raise PermissionDenied(_("You may not take this step on this record."))
    data = dict(data or {})
    comment = (comment or data.pop("comment", "") or "").strip()
    if transition.comment_required and not comment:
        raise ValidationError(_("Give a reason or comment for this step."), code="comment")
    _require_inputs(transition, data)
    stored = None
    try:
        with transaction.atomic():
            stored = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            _run(stored, getattr(obj, workflow.field), workflow, transition, user, data, comment)
    except BaseException:
        if transition.on_error and stored is not None:
            transition.on_error(stored)
        raise
    for field_ in obj._meta.concrete_fields:
        setattr(obj, field_.attname, getattr(stored, field_.attname))
    return obj


def _require_inputs(transition: Transition, data: dict) -> None:
    """Refuse a step whose form's required inputs are missing (a service call skips the form)."""
    missing = [
        str(field.label)
        for name, field in transition.form_class.base_fields.items()
        if name != "comment" and field.required and data.get(name) in (None, "", [])
    ]
    if missing:
        raise ValidationError(
            _("Give %(fields)s for this step.") % {"fields": "、".join(missing)}, code="required"
        )


def _run(obj, seen_state, workflow: Workflow, transition: Transition, user, data, comment):
    before = getattr(obj, workflow.field)
    if seen_state != before or not transition.applies_to(obj):
        raise ValidationError(
            _("This step is not possible in the state “%(state)s”.")
            % {"state": obj.get_status_display()},
            code="wrong_state",
        )
    data["comment"] = comment
    if transition.guard:
        transition.guard(obj, data)
    if transition.effect:
        transition.effect(obj, data, user)
    setattr(obj, workflow.field, transition.target)
    obj._history_user = user
    # simple-history keeps 100 characters; the whole comment is in the StateChange row.
    obj._change_reason = (comment or str(transition.label))[:100]
    obj.full_clean()
    obj.save()
    StateChange.objects.create(
        content_object=obj,
        transition=transition.name,
        source=before,
        target=transition.target,
        user=user,
        comment=comment,
    )
    _hand_over(obj, transition, user)


def _hand_over(obj, transition: Transition, user) -> None:
    """Close the record's open inbox items; open one for each user who must act next."""
    InboxItem.objects.for_object(obj).open().close()
    if transition.notify is not None:
        inbox_open(
            obj=obj,
            recipients=transition.notify(obj),
            task=transition.task or transition.label,
            actor=user,
        )


def inbox_open(*, obj, recipients: Iterable, task, actor) -> list[InboxItem]:
    """Open an inbox item of `obj` for each recipient and e-mail them.

    The e-mail goes after the commit: a rolled-back step sends nothing.
    """
    people = {u.pk: u for u in recipients}
    if len(people) > 1:  # the actor is told only when nobody else could act (a one-person office)
        people.pop(actor.pk, None)
    with translation.override(settings.LANGUAGE_CODE):  # stored in the portal's language
        task = str(task)[:200]
    items = [
        InboxItem(
            recipient=recipient,
            content_object=obj,
            object_repr=str(obj)[:200],
            url=obj.get_absolute_url(),
            task=task,
            actor=actor,
        )
        for recipient in people.values()
    ]
    InboxItem.objects.bulk_create(items)
    if items:
        records_changed(InboxItem)  # bulk_create sends no signal: the dashboard is told here
    mail_to = [(item.recipient.email, item) for item in items if item.recipient.email]
    if mail_to:
        transaction.on_commit(lambda: _mail(mail_to))
    return items


def _mail(mail_to) -> None:
    """E-mail each next actor their task (after the commit: a rollback sends nothing)."""
    with translation.override(settings.LANGUAGE_CODE):
        for address, item in mail_to:
            body = render_to_string(
                "email/inbox_item.txt", {"item": item, "site_url": settings.SITE_URL}
            )
            subject = f"[{settings.SCHOOL_NAME}] {item.task}：{item.object_repr}"
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)


# --- the read-only rule ----------------------------------------------------------------------


def _root_of(obj):
    """Return `obj`'s workflow root, or None when a parent on the way no longer exists."""
    if not hasattr(obj, "workflow_root"):
        return obj
    try:
        return obj.workflow_root()
    except ObjectDoesNotExist:  # the parent is gone: the foreign key check says so
        return None


def ensure_editable(obj: models.Model) -> None:
    """Refuse a change to a record whose workflow root is in a read-only state.

    The root is the record itself or what `obj.workflow_root()` returns (a report for its
    parts and sections); its *stored* state decides, so a transition into a read-only state
    may still save, and nothing saves after it. A row whose parent no longer exists has no
    root to check (its foreign key is refused by validation). Raises `ValidationError`
    (code `read_only`).
    """
    roots = [_root_of(obj)]
    if getattr(type(obj), "workflow_root_path", "") and obj.pk is not None:
        stored = type(obj)._base_manager.filter(pk=obj.pk).first()
        if stored is not None:  # a row moved away from a read-only parent changes it too
            roots.append(_root_of(stored))
    for root in roots:
        _ensure_root_editable(root)


def _ensure_root_editable(root) -> None:
    workflow = workflow_of(root) if root is not None else None
    if workflow is None or not workflow.read_only_states or root.pk is None:
        return
    stored = (
        type(root)._base_manager.filter(pk=root.pk).values_list(workflow.field, flat=True).first()
    )
    if stored in workflow.read_only_states:
        raise ValidationError(
            _("“%(obj)s” is %(state)s and read-only: it cannot be changed.")
            % {"obj": root, "state": dict(root._meta.get_field(workflow.field).choices)[stored]},
            code="read_only",
        )


def is_read_only(obj) -> bool:
    """Return whether `obj` may not change now (its workflow root is in a read-only state)."""
    if obj is None:
        return False
    try:
        ensure_editable(obj)
    except ValidationError:
        return True
    return False


def root_model(model: type[models.Model]) -> type[models.Model]:
    """Return the model of `model`'s workflow root, following `workflow_root_path`."""
    for name in filter(None, getattr(model, "workflow_root_path", "").split("__")):
        model = model._meta.get_field(name).related_model
    return model


def ensure_rows_editable(queryset: models.QuerySet) -> None:
    """Refuse a bulk write (update, delete) touching a row whose root is read-only.

    One query: the rows are filtered on their root's stored state through the model's
    `workflow_root_path` (e.g. `part__report`). Raises the `read_only` `ValidationError`
    naming the first such root.
    """
    model = queryset.model
    root = root_model(model)
    workflow = workflow_of(root)
    if workflow is None or not workflow.read_only_states:
        return
    path = getattr(model, "workflow_root_path", "")
    prefix = f"{path}__" if path else ""
    locked = (
        queryset.order_by()
        .filter(**{f"{prefix}{workflow.field}__in": workflow.read_only_states})
        .values_list(f"{prefix}pk", flat=True)
        .first()
    )
    if locked is not None:
        _ensure_root_editable(root._base_manager.get(pk=locked))


class WorkflowLockedQuerySet(models.QuerySet):
    """Bulk writes obey the read-only rule too: `update()`, `delete()`, `bulk_create()`,
    `bulk_update()`; each refuses before writing anything."""

    def update(self, **kwargs):
        ensure_rows_editable(self)
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        ensure_rows_editable(self)
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            ensure_editable(obj)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Checked before Django's own transaction starts, which a refusal would spoil.
        objs = list(objs)
        for obj in objs:
            ensure_editable(obj)
        return super().bulk_update(objs, fields, *args, **kwargs)


class WorkflowLockedMixin(models.Model):
    """A model whose rows cannot change while their workflow root is read-only.

    `workflow_root_path` names the root through foreign keys (`"part__report"`; empty: the
    row is its own root). The check runs in `clean()` (forms, the admin and restore show it
    as a message), again in `save()` and `delete()`, and in the default manager's bulk
    `update()`, `delete()` and `bulk_create()`, so no path writes around it.
    """

    workflow_root_path = ""

    objects = WorkflowLockedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        ensure_editable(self)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        ensure_editable(self)
        return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        ensure_editable(self)

    def workflow_root(self):
        """Return the record whose workflow state decides (DoesNotExist if a parent is gone)."""
        root = self
        for name in filter(None, self.workflow_root_path.split("__")):
            root = getattr(root, name)
        return root
