"""Issue 10 item 4, with a real PostgreSQL server restarted under a stream of requests.

Before: during a PostgreSQL restart some requests answered 500. Now: none does (503 "try
again shortly" with Retry-After is allowed while the server is down), and every request after
the server is back succeeds.

The portal runs as in production: the real settings (DEBUG off, CONN_MAX_AGE=60 so one
persistent connection is reused across requests, health checks on), served by a
single-threaded WSGI server like one gunicorn sync worker. The PostgreSQL server restarted is
a private one (the installed PostgreSQL binaries, a new cluster in a temporary folder, its
own port): restarting the shared server at 127.0.0.1:5432 would break every other test run
using it. PostgreSQL runs only (skipped on SQLite); deselect with `-m "not pg_restart"`.
"""

import contextlib
import glob
import http.cookiejar
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.pg_restart,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="restarts a PostgreSQL server: runs with a PostgreSQL DATABASE_URL",
    ),
]

BASE_DIR = Path(settings.BASE_DIR)
BEFORE = 40  # requests while the database is up
AFTER = 40  # requests after each restart has finished
MAX_DURING = 400  # a bound on the requests sent while the restart runs
PACE = 0.02  # seconds between requests
USERNAME, PASSWORD = "restart-test", "Restart-Test-42!"
SERVER = """
import os, sys
from wsgiref.simple_server import WSGIRequestHandler, make_server
from django.core.wsgi import get_wsgi_application

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

server = make_server("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), handler_class=Quiet)
server.serve_forever()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pg_bindir() -> Path | None:
    """The folder of the installed PostgreSQL server binaries (newest version), or None."""
    found = shutil.which("pg_ctl")
    candidates = [found] if found else sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).resolve().parent if candidates else None


class PrivateCluster:
    """A PostgreSQL cluster of its own in a temporary folder, on its own port.

    As root the server runs as the `postgres` system user (PostgreSQL refuses root)."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="fa-pg-restart-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self.owner = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            for name in ("initdb.out", "pg_ctl.out", "server.log"):  # written by root or by it
                (self.folder / name).touch()
                os.chown(self.folder / name, account.pw_uid, account.pw_gid)
            self.owner = ["runuser", "-u", "postgres", "--"]

    def run(self, program: str, *args: str, timeout: int = 120) -> None:
        """Run a PostgreSQL program; its output goes to a file (a pipe would be held open by
        the server that pg_ctl starts)."""
        with (self.folder / f"{program}.out").open("ab") as output:
            subprocess.run(
                [*self.owner, str(self.bindir / program), *args],
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                timeout=timeout,
            )

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale=C", "--no-sync")  # fmt: skip
        self.start_server()

    def stop_server(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "fast", "stop")

    def start_server(self) -> None:
        """Start the server: TCP on 127.0.0.1 at its own port, its socket in its folder."""
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                 "-o", self.options, "start")  # fmt: skip

    def restart(self) -> None:
        """`pg_ctl restart -m fast`, as `pg_ctlcluster … restart` does: every connection is
        cut, the server stops and starts again (same options); returns once it accepts
        connections."""
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                 "-m", "fast", "restart")  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def cluster():
    bindir = pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        pytest.skip("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
    cluster = PrivateCluster(bindir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def portal(cluster, tmp_path):
    """The portal on a fresh database of the private cluster: migrated, one superuser, served
    on a free port. Yields its base URL."""
    with contextlib.closing(psycopg2.connect(cluster.url("postgres"))) as admin:
        admin.autocommit = True
        admin.cursor().execute("CREATE DATABASE portal")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "foreign_affairs.settings",
        "DATABASE_URL": cluster.url("portal"),
        "CONN_MAX_AGE": "60",
        "SECRET_KEY": "restart-test-secret-key-not-for-production-0123456789",
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on 127.0.0.1: the production HTTPS settings would redirect and hide cookies.
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "ERROR",
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=BASE_DIR, check=True,
                   timeout=600)  # fmt: skip
    create_user = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser({USERNAME!r}, 'restart@example.com', {PASSWORD!r})"
    )
    subprocess.run([*manage, "shell", "-c", create_user], env=env, cwd=BASE_DIR, check=True,
                   timeout=120)  # fmt: skip
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], env=env, cwd=BASE_DIR, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(base + "/accounts/login/", timeout=5).status == 200:
                    break
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        else:
            pytest.fail("the portal did not start: " + (tmp_path / "server.log").read_text())
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(*, logged_in_at: str | None = None) -> urllib.request.OpenerDirector:
    """A client with its own cookies; logged in through the login form when asked."""
    jar = http.cookiejar.CookieJar()
    client = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    if logged_in_at:
        page = client.open(logged_in_at + "/accounts/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token}
        with contextlib.suppress(urllib.error.HTTPError):  # the 302 after a login
            client.open(logged_in_at + "/accounts/login/", urllib.parse.urlencode(form).encode())
        assert any(cookie.name == "sessionid" for cookie in jar), "the login did not succeed"
    return client


def status_of(client, url: str) -> int | str:
    """The HTTP status of a GET, or the name of the error when no answer came."""
    try:
        with client.open(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        if error.code == 503:
            assert error.headers["Retry-After"], "a 503 without Retry-After"
        return error.code
    except OSError as error:
        return type(error).__name__


def test_no_500_while_postgresql_restarts_and_none_fails_after(cluster, portal):
    anonymous, staff = opener(), opener(logged_in_at=portal)
    targets = [(anonymous, portal + "/accounts/login/"), (staff, portal + "/partners/")]
    assert status_of(staff, portal + "/partners/") == 200  # logged in: the list, not a redirect

    results = []  # (phase, path, status)

    def request(phase: str) -> None:
        client, url = targets[len(results) % 2]
        results.append((phase, url.removeprefix(portal), status_of(client, url)))
        time.sleep(PACE)

    def slow_restart() -> None:
        """Down for 2 s, as a restart that waits for a long checkpoint or a package upgrade."""
        cluster.stop_server()
        time.sleep(2)
        cluster.start_server()

    for _ in range(BEFORE):
        request("before")
    for event, action in (("restart", cluster.restart), ("slow restart", slow_restart)):
        worker = threading.Thread(target=action)
        worker.start()
        while worker.is_alive() and len(results) < BEFORE + MAX_DURING:
            request(f"during {event}")
        worker.join(timeout=120)
        assert not worker.is_alive(), f"{event} did not finish"
        for _ in range(AFTER):
            request(f"after {event}")

    phases = list(dict.fromkeys(phase for phase, _, _ in results))
    tally = {
        phase: dict(Counter(status for p, _, status in results if p == phase)) for phase in phases
    }
    summary = f"{len(results)} requests, statuses by phase: {tally}"
    print(summary)
    for event in ("restart", "slow restart"):
        during = [s for p, _, s in results if p == f"during {event}"]
        assert len(during) >= 3, f"too few requests during the {event} to test it: {summary}"
    assert [s for _, _, s in results if s not in (200, 503)] == [], summary
    assert {s for p, _, s in results if not p.startswith("during")} == {200}, summary
