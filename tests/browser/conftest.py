"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every test gets a `portal`: one browser page whose requests may only reach the live server and
whose JavaScript console must stay free of errors; each page it visits is screenshotted into
test-artifacts/screenshots/<test name>/ (git-ignored).
"""

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import django.apps
import pytest
from django.core.management import call_command
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
# Schemes that never leave the page (Bootstrap's CSS draws its icons from data: URLs).
LOCAL_SCHEMES = {"data", "blob", "about"}
DEMO_PASSWORD = "demo12345"
_shot_folders: list[Path] = []


def pytest_terminal_summary(terminalreporter):
    if _shot_folders:
        terminalreporter.write_sep("-", "browser screenshots")
        for folder in _shot_folders:
            terminalreporter.write_line(str(folder))


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an asyncio event loop in the test's own thread (through
    # greenlets), so Django sees a running loop and refuses ORM calls made by the test or its
    # fixtures with SynchronousOnlyOperation. Nothing here shares a connection with a coroutine:
    # the loop only talks to the browser. Set for these tests only, not the whole session.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def demo(transactional_db):
    """The demo users (admin/staff/leader/liaison) and data, in a live-server database.

    Transactional tests flush the database after each test, which also removes the groups the
    data migration created; recreate them before loading the demo users into them.
    """
    from foreign_affairs.roles import sync_roles

    # sync_roles is written for a migration's app registry: it sets every app config's
    # `models_module` to None when done. On the global registry that would stop post_migrate
    # (after the next flush) from recreating content types and permissions, so put them back.
    registry = django.apps.apps
    saved = {config.label: config.models_module for config in registry.get_app_configs()}
    try:
        sync_roles(registry)
    finally:
        for config in registry.get_app_configs():
            config.models_module = saved[config.label]
    call_command("load_demo", verbosity=0)


@dataclass
class Portal:
    """One Chromium page on the live server, with the network and console guards."""

    page: object
    base_url: str
    shots: Path
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    count: int = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def shot(self, step: str) -> Path:
        """Screenshot the whole page as NN-<step>.png and check both guards."""
        self.count += 1
        target = self.shots / f"{self.count:02d}-{step}.png"
        self.page.screenshot(path=target, full_page=True)
        self.assert_clean(step)
        return target

    def goto(self, path: str, step: str, status: int = 200):
        """Open `path`, check its HTTP status, screenshot it."""
        response = self.page.goto(self.url(path))
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
        if status >= 400:
            self.forget_status_error(response.url, status)
        self.shot(step)
        return response

    def forget_status_error(self, url: str, status: int):
        """Drop Chromium's own console line about an HTTP error status the test asked for."""
        self.page.wait_for_load_state("load")
        expected = f"status of {status}"
        self.errors[:] = [e for e in self.errors if not (expected in e and url in e)]

    def login(self, username: str, full_name: str):
        self.goto("/accounts/login/", f"login-{username}")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", DEMO_PASSWORD)
        with self.page.expect_navigation():
            self.page.click("form[action='/accounts/login/'] button[type=submit]")
        assert self.path() == "/", f"login as {username} ended at {self.page.url}"
        assert full_name in self.page.inner_text("#user-menu")
        self.shot(f"dashboard-{username}")

    def choose(self, select: str, search: str, value: str | None = None):
        """Pick in a searchable select (Tom Select, static/forms.js) as a user does: open it,
        type `search`, click the option `value` (default: the first match)."""
        wrapper = self.page.locator(f"{select} ~ .ts-wrapper").first
        wrapper.locator(".ts-control").click()
        wrapper.locator(".ts-control input").fill(search)
        options = wrapper.locator(".ts-dropdown .option")
        option = options.and_(self.page.locator(f'[data-value="{value}"]')) if value else options
        option.first.click()
        # Close a multiple select's list (no Escape: it would close a modal around it).
        wrapper.locator(".ts-control input").evaluate("input => input.blur()")

    def assert_clean(self, step: str = "end"):
        assert not self.blocked, f"{step}: requests to other hosts: {self.blocked}"
        assert not self.errors, f"{step}: JavaScript console errors: {self.errors}"


def _test_folder_name(request) -> str:
    return re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")


@pytest.fixture
def chromium():
    """Debian's Chromium: a missing browser fails the tests (never a silent skip)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Run scripts/system-deps.sh (as root) or `make test`, which installs it.",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture
def portal(request, chromium, live_server, demo):
    """Chromium (zh-CN, Asia/Shanghai) on a fresh context, guarded; screenshots per test."""
    from playwright.sync_api import sync_playwright

    shots = SCREENSHOTS / _test_folder_name(request)
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    _shot_folders.append(shots)
    print(f"\nscreenshots: {shots}")

    server = urlsplit(live_server.url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        portal = Portal(page=None, base_url=live_server.url, shots=shots)

        def guard(route):
            url = urlsplit(route.request.url)
            if url.scheme in LOCAL_SCHEMES or url.netloc == server.netloc:
                route.continue_()
            else:
                portal.blocked.append(route.request.url)
                route.abort()

        def on_console(message):
            if message.type == "error":
                where = message.location.get("url", "")
                portal.errors.append(f"{message.text} ({where})")

        context.route("**/*", guard)
        context.on("console", on_console)
        context.on("weberror", lambda error: portal.errors.append(f"pageerror: {error.error}"))
        portal.page = context.new_page()
        try:
            yield portal
        finally:
            context.close()
            browser.close()
            # ORM calls made while Playwright's loop runs get their own connection (asgiref
            # keys Django's connections by context): close it here, or PostgreSQL cannot drop
            # the test database at the end of the run.
            connections.close_all()
