"""System checks of what PDF rendering needs from the machine."""

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
