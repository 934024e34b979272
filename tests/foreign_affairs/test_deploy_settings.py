"""Issue 10 §11: HTTPS settings from the environment; `check --deploy` clean in production.

Before: `DEBUG=False SECRET_KEY=… ALLOWED_HOSTS=example.edu.cn manage.py check --deploy
--fail-level WARNING` warned security.W004 (no HSTS) and security.W008 (no SSL redirect) and
exited 1. .ci/run runs the same command with production-like variables.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every variable these tests set: none may leak in from the test run's own environment.
VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "DJANGO_SETTINGS_MODULE",
    "CACHE_URL",
}


def production_env(**overrides) -> dict[str, str]:
    """The environment of a production server: DEBUG off, a long random key, a host name."""
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="waishi.example.edu.cn",
        CSRF_TRUSTED_ORIGINS="https://waishi.example.edu.cn",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}  # None: unset


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    return run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(**overrides)
    )


def warnings_of(result: subprocess.CompletedProcess) -> list[str]:
    return re.findall(r"\(([\w.]+\.[WE]\d+)\)", result.stdout + result.stderr)


def test_check_deploy_is_clean_with_production_variables():
    result = check_deploy()
    assert warnings_of(result) == []
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_is_clean_with_only_the_required_variables():
    """DEBUG off, a key, a host and a shared cache: the HTTPS settings default to production
    values."""
    result = check_deploy(SECURE_PROXY_SSL_HEADER="", CSRF_TRUSTED_ORIGINS="")
    assert warnings_of(result) == [] and result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "overrides, warning",
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),  # HSTS explicitly off
        ({"SECURE_SSL_REDIRECT": "False"}, "security.W008"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "False"}, "security.W005"),
        ({"SESSION_COOKIE_SECURE": "False"}, "security.W012"),
        ({"CSRF_COOKIE_SECURE": "False"}, "security.W016"),
        ({"SECRET_KEY": "x"}, "security.W009"),
    ],
)
def test_each_setting_is_read_from_the_environment_and_checked(overrides, warning):
    """The check can fail: turning a protection off brings its warning back."""
    result = check_deploy(**overrides)
    assert warning in warnings_of(result)
    assert result.returncode == 1


PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "s.SECURE_HSTS_PRELOAD, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.CSRF_TRUSTED_ORIGINS)"
)


def settings_in(env: dict[str, str]) -> str:
    result = run(["-c", PRINT], {**env, "DJANGO_SETTINGS_MODULE": "foreign_affairs.settings"})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_values():
    assert settings_in(production_env()) == (
        "True 31536000 True False ('HTTP_X_FORWARDED_PROTO', 'https') True True "
        "['https://waishi.example.edu.cn']"
    )


def test_development_values():
    env = production_env(DEBUG="True", SECURE_PROXY_SSL_HEADER="", CSRF_TRUSTED_ORIGINS="")
    assert settings_in(env) == "False 0 False False None False False []"


def test_values_set_in_the_environment_win():
    env = production_env(
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="False",
        SECURE_HSTS_PRELOAD="True",
        SECURE_PROXY_SSL_HEADER=" HTTP_X_FORWARDED_SSL , on ",
    )
    assert settings_in(env).startswith("True 3600 False True ('HTTP_X_FORWARDED_SSL', 'on')")


@pytest.mark.parametrize(
    "value", ["HTTP_X_FORWARDED_PROTO", "X_FORWARDED_PROTO,https", "HTTP_X_FORWARDED_PROTO,"]
)
def test_a_malformed_proxy_header_stops_with_a_clear_message(value):
    env = production_env(SECURE_PROXY_SSL_HEADER=value)
    result = run(["-c", PRINT], {**env, "DJANGO_SETTINGS_MODULE": "foreign_affairs.settings"})
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be 'HTTP_<HEADER>,<value>'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_negative_hsts_time_stops_with_a_clear_message():
    result = check_deploy(SECURE_HSTS_SECONDS="-1")
    assert result.returncode != 0 and "SECURE_HSTS_SECONDS must be ≥ 0" in result.stderr


# --- what the settings do to requests (in this process, with the production values) ---------


@pytest.fixture
def https_production(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_plain_http_is_redirected_to_https(client, https_production):
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_https_behind_the_proxy_is_served_with_hsts(client, https_production):
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_check_deploy_warns_of_a_cache_each_process_keeps_to_itself():
    """Without CACHE_URL every gunicorn worker keeps its own cache: a change made through one
    leaves the dashboards and the exports' legal status of the others stale."""
    result = check_deploy(CACHE_URL=None)
    assert "foreign_affairs.W003" in warnings_of(result)
    assert result.returncode != 0
    assert warnings_of(check_deploy(CACHE_URL="locmemcache://portal")) == ["foreign_affairs.W003"]
