"""A day of office staff: a new partner, its agreement, the dashboard, a filtered export."""

import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect

from partners.models import Agreement, Institution
from tests.browser.data import (
    AGREEMENT,
    INSTITUTION,
    INSTITUTION_EN,
    SEARCH,
    agreement_dates,
)

pytestmark = pytest.mark.browser


def _chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_staff_day(portal):
    page = portal.page
    portal.login("staff", "陈晓燕")

    # A new partner institution, typed in with its Chinese name.
    portal.goto("/partners/", "institutions")
    with page.expect_navigation():
        page.click("#add-button")
    assert portal.path() == "/partners/add/"
    portal.shot("institution-add")
    page.fill("#id_name_zh", INSTITUTION)
    page.fill("#id_name_en", INSTITUTION_EN)
    page.select_option("#id_kind", "college")
    portal.choose("#id_country", "新西兰", "NZ")  # a searchable select (Tom Select)
    page.select_option("#id_status", "active")
    with page.expect_navigation():
        page.click("#save-button")
    found = re.fullmatch(r"/partners/(\d+)/", portal.path())
    assert found, f"saving the institution ended at {page.url}"
    expect(page.locator("main h1")).to_have_text(INSTITUTION)
    portal.shot("institution-detail")
    institution = Institution.objects.get(pk=int(found[1]))
    assert (institution.name_zh, institution.country.code) == (INSTITUTION, "NZ")

    # Its agreement, from the Agreements tab, ending in 30 days.
    page.click("button[data-bs-target='#tab-agreements']")
    add_agreement = page.locator("#tab-agreements a[href^='/partners/agreements/add/']")
    expect(add_agreement).to_be_visible()
    page.wait_for_function(  # let Bootstrap's fade-in finish before the screenshot
        "() => getComputedStyle(document.querySelector('#tab-agreements')).opacity === '1'"
    )
    portal.shot("institution-agreements-tab")
    with page.expect_navigation():
        add_agreement.click()
    # The form comes back to the tab: ?institution=<pk>&next=/partners/<pk>/#tab-agreements
    assert portal.path().startswith(f"/partners/agreements/add/?institution={institution.pk}&next=")
    expect(page.locator("#id_institution")).to_have_value(str(institution.pk))
    valid_from, valid_until = agreement_dates()
    page.fill("#id_title", AGREEMENT)
    page.select_option("#id_status", "in_force")
    page.fill("#id_valid_from", valid_from.isoformat())
    page.fill("#id_valid_until", valid_until.isoformat())
    portal.shot("agreement-add")
    with page.expect_navigation():
        page.click("#save-button")
    # Saved from the tab, the form returns to it, the new agreement listed there.
    assert portal.path() == institution.get_absolute_url()
    expect(page.locator("#tab-agreements")).to_contain_text(AGREEMENT)
    agreement = Agreement.objects.get(title=AGREEMENT)
    portal.goto(agreement.get_absolute_url(), "agreement-detail")
    expect(page.locator("main h1")).to_have_text(AGREEMENT)
    expect(page.locator(".alert-warning")).to_contain_text(_chinese_date(valid_until))
    assert agreement.institution == institution
    assert (agreement.status, agreement.valid_until) == (Agreement.Status.IN_FORCE, valid_until)

    # The dashboard lists it among the deadlines.
    portal.goto("/", "dashboard-deadlines")
    deadline = page.locator("#deadlines li", has_text=AGREEMENT)
    expect(deadline).to_have_count(1)
    expect(deadline).to_contain_text(_chinese_date(valid_until))
    expect(deadline.locator("a")).to_have_attribute("href", agreement.get_absolute_url())

    # The agreements list, filtered down to it.
    portal.goto("/partners/agreements/", "agreements")
    rows = page.locator("main table tbody tr:not(.row-detail)")  # a hidden detail row each
    assert rows.count() > 1, "the demo agreements should be listed too"
    page.fill("#filter-form input[name=q]", SEARCH)
    # htmx swaps the list in place and pushes the filtered URL (no full page load).
    page.click("#filter-form button[type=submit]")
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("q") == [SEARCH])
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(AGREEMENT)
    expect(rows.first).to_contain_text(INSTITUTION)
    portal.shot("agreements-filtered")

    # Its Excel export holds exactly the filtered row.
    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    saved = portal.shots / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    header, *data = [row for row in sheet.iter_rows(values_only=True) if any(cell for cell in row)]
    assert len(data) == 1, data
    assert AGREEMENT in data[0]
    assert INSTITUTION in data[0]
    assert len(header) == len(data[0])
    portal.assert_clean()
