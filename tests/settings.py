"""Settings for the test run: the real settings, with a key supplied and fast hashing."""

import os

# DEBUG stays off as in production; the key only has to exist.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "False")

from foreign_affairs.settings import *  # noqa: E402,F403

# Argon2 costs ~50 ms a hash; the tests create many users and log in often.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Persistent connections (held by the live server's threads in browser tests) would keep the
# test database open at teardown, and PostgreSQL could not drop it.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# The test client and the live server speak plain HTTP: production's redirect to HTTPS would
# answer every request with 301 (tests/foreign_affairs/test_deploy_settings.py checks it).
SECURE_SSL_REDIRECT = False

# PDFs in tests use the full faces unless a test prepares fonts (a developer's var/fonts/ must
# not change what the layout tests measure); tests/reports/test_prepared_fonts.py sets its own.
PREPARED_FONTS_DIR = BASE_DIR / "var" / "no-prepared-fonts-in-tests"  # noqa: F405
