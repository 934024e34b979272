"""The dashboard's panels, cached per user in Django's cache (issue 12 §3).

A panel's key holds everything its HTML depends on: the user, their permissions (a role
change shows other panels), the language, today's date (days left move at midnight) and the
version of every kind of record the panel shows. Saving, deleting or relinking a record of a
domain app (workflow steps save too) bumps its kind's version, so the next dashboard renders
that panel anew; the stale entries expire on their own. Loaded by the registries'
autodiscovery (`ForeignAffairsConfig.ready`), so the receivers are connected before any write.

The versions are the portal's data generations: other caches of what records show key on
them too (`versions(labels)`: the report's draft PDF, reports.output). A version is bumped
when the record is written and again when its transaction commits, so a page rendered in
between from the rows as they were before (other connections see no uncommitted row) is not
kept under the new version. Writes that skip `save()` and `delete()` (`update()`,
`bulk_create()`: data migrations, `seed_bench`) send no signal: clear the cache after them.

The user's calendar address (`CalendarToken`, shown by the dashboard's "subscribe" panel) is
made when they log in, so a dashboard only reads it: the same queries on the first visit as
on every later one.
"""

import hashlib
import time
from collections.abc import Callable, Iterable

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from foreign_affairs.models import CalendarToken
from foreign_affairs.roles import DOMAIN_APPS

PANEL_SECONDS = 60 * 60  # a safety net: every change that matters bumps a version anyway
WATCHED_APPS = {*DOMAIN_APPS, "foreign_affairs"}  # foreign_affairs: workflow state changes


def version_key(label: str) -> str:
    return f"dashboard:version:{label}"


def versions(labels: Iterable[str]) -> dict[str, int]:
    """Return the current version of each kind of record (`app_label.model_name`)."""
    keys = {version_key(label): label for label in sorted(set(labels))}
    found = cache.get_many(keys)
    for key in keys.keys() - found.keys():
        # Unknown (never changed, or evicted): start from the clock, never from a number an
        # older entry may already have been keyed with.
        cache.add(key, time.time_ns(), None)
        found[key] = cache.get(key)
    return {keys[key]: value for key, value in found.items()}


def bump(label: str) -> None:
    """Mark every cached panel showing records of kind `label` as stale."""
    try:
        cache.incr(version_key(label))
    except ValueError:  # not in the cache: any new value differs from the panels' keys
        cache.set(version_key(label), time.time_ns(), None)


def bump_now_and_at_commit(label: str) -> None:
    """Bump `label` now (this connection sees the change at once) and once more when the
    transaction commits (immediately outside one): what another request rendered in between
    from the committed rows is stale by then."""
    bump(label)
    transaction.on_commit(lambda: bump(label))


def permissions_digest(user) -> str:
    """A short digest of the user's permissions: the same user with another role gets
    other panels."""
    perms = ",".join(sorted(user.get_all_permissions()))
    return hashlib.sha256(f"{user.is_superuser}:{perms}".encode()).hexdigest()[:16]


def panel_key(user, name: str, labels: Iterable[str]) -> str:
    current = versions(labels)
    stamp = hashlib.sha256(repr(sorted(current.items())).encode()).hexdigest()[:16]
    parts = (
        name,
        user.pk,
        permissions_digest(user),
        translation.get_language(),
        timezone.localdate().isoformat(),
        stamp,
    )
    return "dashboard:panel:" + ":".join(map(str, parts))


def cached_panel(user, name: str, labels: Iterable[str], render: Callable[[], str | dict]):
    """Return the panel's HTML (or a dict of HTML parts) from the cache, or `render()` it
    and keep it."""
    key = panel_key(user, name, labels)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(
            key,
            str(html) if isinstance(html, str) else {k: str(v) for k, v in html.items()},
            PANEL_SECONDS,
        )
    # Rendered by our templates (escaped there): safe to insert as they are.
    if isinstance(html, dict):
        return {part: mark_safe(value) for part, value in html.items()}  # noqa: S308
    return mark_safe(html)  # noqa: S308


def _label(model) -> str | None:
    opts = model._meta
    if opts.app_label not in WATCHED_APPS or model.__name__.startswith("Historical"):
        return None
    return opts.label_lower


@receiver(post_save, dispatch_uid="dashboard_saved")
@receiver(post_delete, dispatch_uid="dashboard_deleted")
def _record_changed(sender, **kwargs):
    label = _label(sender)
    if label:
        bump_now_and_at_commit(label)


@receiver(m2m_changed, dispatch_uid="dashboard_relinked")
def _links_changed(sender, instance, action, model, **kwargs):
    if not action.startswith("post_"):
        return
    for changed in (type(instance), model):
        label = _label(changed)
        if label:
            bump_now_and_at_commit(label)


@receiver(user_logged_in, dispatch_uid="dashboard_feed_at_login")
def _feed_at_login(sender, user, **kwargs):
    """Make the user's calendar address when they log in (a read after the first login)."""
    CalendarToken.feed_for(user)
