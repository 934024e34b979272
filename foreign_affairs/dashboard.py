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

The whole page is cached too (`cached_page`), per user, keyed by the versions of every kind
of record it shows, the version of the users, groups and permissions (`AUTH_LABEL`: the
navbar's name, roles and menus, the actors' names; bumped by any write to them but a login's
`last_login`), the language, time zone, date, address and the templates (`page_stamp`). An
unchanged dashboard is then two cache reads and no query beyond the session and the user.
Per request, the cached HTML gets the request's CSRF token (a masked token is valid only
for its own secret); a request with messages to show, or with a query string, is rendered
as before (its panels from the cache) and not kept.
"""

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from foreign_affairs.models import CalendarToken
from foreign_affairs.roles import DOMAIN_APPS

PANEL_SECONDS = 60 * 60  # a safety net: every change that matters bumps a version anyway
WATCHED_APPS = {*DOMAIN_APPS, "foreign_affairs"}  # foreign_affairs: workflow state changes
# The version of who sees what and by which name: users, groups, permissions and their links.
AUTH_LABEL = "auth"
AUTH_MODELS = {settings.AUTH_USER_MODEL.lower(), "auth.group", "auth.permission"}
# Where a cached page gets the request's CSRF token: no escaped text (a record's name) can
# contain it, as escaping turns "<" into "&lt;".
CSRF_SLOT = mark_safe("<csrf-token-slot>")  # noqa: S308


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


@functools.cache
def page_stamp() -> str:
    """Return a digest of the templates and of the settings every page shows (read once per
    process, 16 hex digits): a page cached in a shared cache (Redis) before a deployment is
    not served after it."""
    digest = hashlib.sha256(f"{settings.SCHOOL_NAME}\x00{settings.STATIC_URL}\x00".encode())
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for file in sorted(Path(folder).rglob("*")):
            if file.is_file():
                digest.update(f"{file.relative_to(folder)}\x00".encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def state_digest(labels: Iterable[str], *parts) -> str:
    """Return 32 hex digits of the current versions of `labels` (one cache round trip), the
    language, the time zone, today's date and `parts` (`repr`-able): what a cached result
    derived from those records, in that language, on that day, is kept under."""
    state = (
        sorted(versions(labels).items()),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        parts,
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()[:32]


def page_key(request: HttpRequest, name: str, labels: Iterable[str]) -> str:
    """Return the cache key of the page `name` as `request` would render it now: the user,
    the versions of `labels` and of the users, groups and permissions (`AUTH_LABEL`, read in
    the same cache round trip), the language, time zone, today's date, the page's absolute
    address and the templates."""
    digest = state_digest([*labels, AUTH_LABEL], request.build_absolute_uri(), page_stamp())
    return f"dashboard:page:{name}:{request.user.pk}:{digest}"


def cached_page(
    request: HttpRequest,
    name: str,
    labels: Iterable[str],
    render: Callable[[str | None], tuple[HttpResponse, datetime | None]],
) -> HttpResponse:
    """Return the page `name` of `request.user` from the cache, or `render` it and keep it.

    `labels`: every kind of record the page shows (`AUTH_LABEL` is added). `render(csrf)`
    returns the response, rendered, and when what it shows goes stale by the clock alone (None:
    only at midnight, or when a record changes); `csrf` is the value to render as the CSRF
    token (`CSRF_SLOT`, replaced by the request's token on every response), or None for a
    page that is not kept: a request with a query string, or with messages to show (they
    show once, on this page).
    """
    if (
        request.method not in ("GET", "HEAD")
        or request.META.get("QUERY_STRING")
        or not request.user.is_authenticated
        or len(messages.get_messages(request))  # counts them: they stay to show
    ):
        return render(None)[0]
    key = page_key(request, name, labels)
    entry = cache.get(key)
    now = timezone.now()
    if entry is not None and (entry["until"] is None or now.timestamp() < entry["until"]):
        return HttpResponse(entry["html"].replace(CSRF_SLOT, get_token(request)))
    response, until = render(CSRF_SLOT)  # rendered
    html = response.content.decode()
    seconds = PANEL_SECONDS
    if until is not None:
        seconds = min(seconds, (until - now).total_seconds())
    if response.status_code == 200 and seconds > 0:
        entry = {"html": html, "until": until.timestamp() if until else None}
        cache.set(key, entry, seconds)
    response.content = html.replace(CSRF_SLOT, get_token(request))
    return response


@functools.cache
def source_stamp(*modules: str) -> str:
    """Return a digest of the source of `modules` (dotted names) and of every setting their
    source names (`settings.NAME`, `getattr(settings, "NAME", …)`), read once per process, 16
    hex digits: a result cached in a shared cache (Redis) by an older deployment, or under
    other settings, is not reused."""
    import importlib
    import inspect
    import re

    digest = hashlib.sha256()
    names = set()
    for module in modules:
        source = inspect.getsource(importlib.import_module(module))
        digest.update(f"{module}\x00{source}\x00".encode())
        names.update(re.findall(r"\bsettings\.([A-Z][A-Z0-9_]*)", source))
        names.update(re.findall(r"getattr\(\s*settings,\s*[\"']([A-Z][A-Z0-9_]*)", source))
    for name in sorted(names):
        digest.update(f"{name}={getattr(settings, name, None)!r}\x00".encode())
    return digest.hexdigest()[:16]


def data_stamp(*models) -> tuple:
    """Return what the tables of `models` (`VersionedModel`s) hold now, read in one query:
    each one's number of rows, latest `updated` and sum of `version`. Kept in a cached
    result's key, it keeps the result from being served after a write no version told of: one
    made by another process with its own cache, a `bulk_create`, a restore (issue 12: a
    teacher added by `seed_bench` exported without a legal status)."""
    using = router.db_for_read(models[0])
    quote = connections[using].ops.quote_name
    updated, version = quote("updated"), quote("version")
    reads = []
    for model in models:
        reads.append(
            f"(SELECT CAST(COUNT(*) AS TEXT) || ':' || COALESCE(CAST(MAX({updated}) AS TEXT), '')"
            f" || ':' || CAST(COALESCE(SUM({version}), 0) AS TEXT)"
            f" FROM {quote(model._meta.db_table)})"
        )
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(reads))
        return tuple(cursor.fetchone())


def cached_computation(
    name: str, labels: Iterable[str], parts: tuple, compute: Callable[[], object]
) -> object:
    """Return what `compute()` returned when nothing it reads had changed, or compute it now
    and keep it (for `PANEL_SECONDS` at most).

    `labels`: every kind of record (`app_label.model_name`) `compute` reads; `parts`: the rest
    it depends on (a query's SQL and parameters, `source_stamp` of its code), as a `repr`-able
    tuple. The key holds their versions, the language, the time zone and today's date: a
    result derived from dates ("expired", "overdue") is derived again each day. The versions
    are read before `compute` runs: a change while it runs keys the result under versions
    that are already stale, so it is never served."""
    key = f"computed:{name}:{state_digest(labels, parts)}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, PANEL_SECONDS)
    return found


def _label(model) -> str | None:
    opts = model._meta
    if opts.label_lower in AUTH_MODELS:
        return AUTH_LABEL
    if opts.app_label not in WATCHED_APPS or model.__name__.startswith("Historical"):
        return None
    return opts.label_lower


def records_changed(model) -> None:
    """Mark what shows records of `model` as stale after a write that sends no signal
    (`QuerySet.update()`, `bulk_create()`)."""
    label = _label(model)
    if label:
        bump_now_and_at_commit(label)


@receiver(post_save, dispatch_uid="dashboard_saved")
@receiver(post_delete, dispatch_uid="dashboard_deleted")
def _record_changed(sender, update_fields=None, **kwargs):
    label = _label(sender)
    if label == AUTH_LABEL and update_fields and set(update_fields) <= {"last_login"}:
        return  # a login: nothing a page shows
    if label:
        bump_now_and_at_commit(label)


@receiver(m2m_changed, dispatch_uid="dashboard_relinked")
def _links_changed(sender, instance, action, model, **kwargs):
    if not action.startswith("post_"):
        return
    for label in {_label(type(instance)), _label(model)} - {None}:
        bump_now_and_at_commit(label)


@receiver(user_logged_in, dispatch_uid="dashboard_feed_at_login")
def _feed_at_login(sender, user, **kwargs):
    """Make the user's calendar address when they log in (a read after the first login)."""
    CalendarToken.feed_for(user)
