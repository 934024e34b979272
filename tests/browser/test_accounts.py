"""Issue 10 §3 and §12 in Chromium: the lockout page, changing one's password from the user
menu, and creating the calendar feed address."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _submit_login(portal, username: str, password: str):
    page = portal.page
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation() as navigation:
        page.click("form[action='/accounts/login/'] button[type=submit]")
    return navigation.value


def test_a_locked_login_shows_the_portals_page(portal, settings):
    settings.AXES_FAILURE_LIMIT = 3
    portal.goto("/accounts/login/", "login")
    for n in range(2):
        assert _submit_login(portal, "liaison", f"wrong-{n}").status == 200
    response = _submit_login(portal, "liaison", "wrong-2")
    assert response.status == 429
    portal.forget_status_error(response.url, 429)
    expect(portal.page.locator("#locked-out")).to_be_visible()
    expect(portal.page.locator("#locked-out .alert")).to_contain_text("30")
    portal.shot("locked-out")
    # The right password is refused too, with the same page.
    portal.page.click("#locked-out a")
    response = _submit_login(portal, "liaison", DEMO_PASSWORD)
    assert response.status == 429
    portal.forget_status_error(response.url, 429)
    expect(portal.page.locator("#locked-out")).to_be_visible()
    portal.assert_clean()


def test_a_user_changes_their_password_from_the_user_menu(portal):
    page = portal.page
    portal.login("liaison", "张丽华")
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("#password-change-link")
    assert portal.path() == "/accounts/password/"
    portal.shot("password-form")
    page.fill("#id_old_password", DEMO_PASSWORD)
    page.fill("#id_new_password1", "Huanghe-2025-jiaoliu")
    page.fill("#id_new_password2", "Huanghe-2025-jiaoliu")
    with page.expect_navigation():
        page.click("#password-change button[type=submit]")
    assert portal.path() == "/"
    expect(page.locator(".alert-success")).to_be_visible()
    portal.shot("password-changed")


def test_a_user_creates_their_calendar_feed_address(portal):
    page = portal.page
    portal.login("leader", "李建国")
    page.click("#subscribe-button")  # 订阅日历: the address and its copy button
    expect(page.locator("#calendar-url")).to_be_visible()
    shown = page.input_value("#calendar-url")
    page.click("#copy-calendar-url")
    expect(page.locator("[data-copy-status]").first).not_to_be_empty()
    portal.shot("calendar-subscribe")
    with page.expect_navigation():
        page.click("#calendar-link")
    assert page.input_value("#calendar-url") == shown  # the same address on every page
    portal.shot("calendar-page")
    with page.expect_navigation():
        page.click("#new-calendar-url")
    url = page.input_value("#calendar-url")
    assert url != shown and page.request.get(shown).status == 404
    assert url.startswith(portal.url("/calendar/")) and url.endswith(".ics")
    portal.shot("calendar-address")
    feed = page.request.get(url)
    assert feed.status == 200 and feed.text().startswith("BEGIN:VCALENDAR")
