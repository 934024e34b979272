"""The portal's settings plus the hello-world view the gunicorn step compares with
(tests/bench/bench_pages.py); used only by the benchmark's gunicorn process."""

from foreign_affairs.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.bench_urls"
