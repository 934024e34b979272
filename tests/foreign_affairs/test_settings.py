"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _start_django(**env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="foreign_affairs.settings", **env_overrides)
    code = "import django; django.setup(); print('started')"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_secret_key_stops_with_a_clear_message(tmp_path):
    result = _start_django(DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY is not set and DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr
    assert "started" not in result.stdout


def test_debug_off_with_secret_key_starts():
    result = _start_django(DEBUG="False", SECRET_KEY="a-real-secret-for-this-test")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_chinese_defaults():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
