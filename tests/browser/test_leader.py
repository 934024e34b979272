"""School leaders see the partner pages but can change nothing."""

import pytest
from playwright.sync_api import expect

from tests.browser.data import AGREEMENT, INSTITUTION, create_partner

pytestmark = pytest.mark.browser

# Anything that would let a user add, change or delete: the buttons and any link to such a URL.
EDIT_CONTROLS = ", ".join(
    [
        "#add-button",
        "#edit-button",
        "#delete-button",
        "a[href*='/add/']",
        "a[href$='/edit/']",
        "a[href$='/delete/']",
        "a[href*='/deleted/']",
        "a[href*='/import']",
    ]
)


@pytest.fixture
def partner(demo):
    return create_partner()


def test_leader_sees_the_pages_without_edit_buttons(portal, partner):
    institution, agreement = partner
    page = portal.page
    portal.login("leader", "李建国")
    pages = [
        ("/", "dashboard", AGREEMENT),
        ("/partners/", "institutions", INSTITUTION),
        (institution.get_absolute_url(), "institution-detail", INSTITUTION),
        ("/partners/agreements/", "agreements", AGREEMENT),
        (agreement.get_absolute_url(), "agreement-detail", AGREEMENT),
    ]
    for path, step, text in pages:
        portal.goto(path, step)
        expect(page.locator("main")).to_contain_text(text)
        controls = page.locator(EDIT_CONTROLS)
        found = [controls.nth(i).evaluate("e => e.outerHTML") for i in range(controls.count())]
        assert not found, f"{path} offers the leader edit controls: {found}"
    portal.goto("/", "dashboard-deadlines")
    expect(page.locator("#deadlines li", has_text=AGREEMENT)).to_have_count(1)
    portal.assert_clean()


def test_leader_gets_403_on_edit_urls(portal, partner):
    institution, agreement = partner
    portal.login("leader", "李建国")
    forbidden = [
        (f"/partners/{institution.pk}/edit/", "institution-edit"),
        (f"/partners/agreements/{agreement.pk}/edit/", "agreement-edit"),
        ("/partners/add/", "institution-add"),
        (f"/partners/{institution.pk}/delete/", "institution-delete"),
    ]
    for path, step in forbidden:
        portal.goto(path, f"{step}-403", status=403)
    portal.assert_clean()
