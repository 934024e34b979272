"""System checks: what PDF rendering needs from the machine; a cache the workers share."""

import ctypes.util

from django.core import checks


@checks.register(deploy=False)
def pdf_rendering_check(app_configs, **kwargs):
    """Warn when no CJK font or no HarfBuzz subsetter is installed (PDF would be slow or blank)."""
    problems = []
    if not ctypes.util.find_library("harfbuzz-subset"):
        problems.append(
            checks.Warning(
                "HarfBuzz subsetter (libharfbuzz-subset0) not found: "
                "WeasyPrint takes ~10 s per PDF instead of ~0.2 s.",
                hint="Run scripts/system-deps.sh as root, or apt-get install libharfbuzz-subset0.",
                id="foreign_affairs.W001",
            )
        )
    if not _has_cjk_font():
        problems.append(
            checks.Warning(
                "No Chinese (CJK) font found: report PDFs would show empty boxes.",
                hint="apt-get install fonts-noto-cjk fonts-lxgw-wenkai",
                id="foreign_affairs.W002",
            )
        )
    return problems


def _has_cjk_font() -> bool:
    import subprocess

    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


# Caches each process keeps to itself: the dashboard's pages and panels, the record versions
# that make them stale, and the legal-status column of exports (foreign_affairs.dashboard).
PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    """Warn (`check --deploy`) when the default cache is kept per process: with several
    workers (gunicorn -w 3, docs/deploy.md) a change made through one worker is not seen by
    the others, whose dashboards and legal-status exports stay stale for up to an hour."""
    from django.conf import settings

    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            "The default cache is kept by each process (CACHE_URL is not set): with more "
            "than one worker, a change made through one worker leaves the dashboard and the "
            "legal status of exports stale in the others for up to an hour.",
            hint="Set CACHE_URL to a cache every worker shares, e.g. redis://127.0.0.1:6379/1.",
            id="foreign_affairs.W003",
        )
    ]
