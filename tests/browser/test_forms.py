"""Forms that help, in Chromium at a laptop's and a phone's size (issue 11 item 5): searchable
selects for countries, institutions and people, tags instead of Ctrl-click, the visit form's
direction, the return to the parent's tab, the list filter's select after an htmx swap."""

import re

import pytest
from playwright.sync_api import expect

from exchanges.models import ExchangeProject
from partners.models import Contact, Institution

pytestmark = pytest.mark.browser

SIZES = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}


def _wrapper(page, select: str):
    return page.locator(f"{select} ~ .ts-wrapper").first


def _save(portal):
    with portal.page.expect_navigation():
        portal.page.click("#save-button")


@pytest.mark.parametrize("size", SIZES, ids=lambda size: size)
def test_searchable_selects_and_the_return_to_the_parents_tab(portal, size):
    page = portal.page
    page.set_viewport_size(SIZES[size])
    portal.login("staff", "陈晓燕")

    # A country from ~250, found by typing part of its Chinese name.
    portal.goto("/partners/add/", "institution-add")
    page.fill("#id_name_zh", "奥克兰理工大学")
    page.fill("#id_name_en", "Auckland University of Technology")
    page.select_option("#id_kind", "university")
    country = _wrapper(page, "#id_country")
    country.locator(".ts-control").click()
    country.locator(".ts-control input").fill("新西")
    expect(country.locator(".ts-dropdown .option")).to_have_text(["新西兰"])
    portal.shot("country-search")
    country.locator(".ts-dropdown .option").first.click()
    expect(page.locator("#id_country")).to_have_value("NZ")
    expect(country.locator(".ts-control .item")).to_have_text("新西兰")
    page.select_option("#id_status", "active")
    _save(portal)
    institution = Institution.objects.get(name_zh="奥克兰理工大学")
    assert institution.country.code == "NZ"
    assert portal.path() == institution.get_absolute_url()

    # A contact added from the institution's contacts tab comes back to that tab.
    page.click("button[data-bs-target='#tab-contacts']")
    add = page.locator("#tab-contacts a", has_text="新增").first
    expect(add).to_be_visible()
    with page.expect_navigation():
        add.click()
    assert "next=" in portal.path()
    expect(_wrapper(page, "#id_institution").locator(".item")).to_have_text("奥克兰理工大学")
    page.fill("#id_name", "Jane Smith")
    page.fill("#id_title", "国际处主任")
    portal.shot("contact-add-from-tab")
    _save(portal)
    assert portal.path() == institution.get_absolute_url()
    assert page.evaluate("location.hash") == "#tab-contacts"
    expect(page.locator("#tab-contacts")).to_be_visible()
    expect(page.locator("#tab-contacts")).to_contain_text("Jane Smith")
    expect(page.locator("#tab-details")).to_be_hidden()
    page.wait_for_function(  # let Bootstrap's fade-in finish before the screenshot
        "() => getComputedStyle(document.querySelector('#tab-contacts')).opacity === '1'"
    )
    portal.shot("back-on-the-contacts-tab")
    assert Contact.objects.get(name="Jane Smith").institution == institution

    # An institution and a person picked through the autocomplete endpoint; two partners as
    # tags, without Ctrl-click.
    portal.goto("/exchanges/projects/add/", "project-add")
    page.fill("#id_name", "护理学生海外见习")
    page.select_option("#id_kind", "student_exchange")
    portal.choose("#id_partners", "奥克兰")
    portal.choose("#id_partners", "清迈")
    partners = _wrapper(page, "#id_partners")
    expect(partners.locator(".item")).to_have_count(2)
    expect(partners.locator(".item .remove")).to_have_count(2)
    owner = _wrapper(page, "#id_owner")
    owner.locator(".ts-control").click()
    owner.locator(".ts-control input").fill("晓燕")
    expect(owner.locator(".ts-dropdown .option")).to_have_text(["陈晓燕"])  # not "staff"
    owner.locator(".ts-dropdown .option").first.click()
    portal.shot("project-partners-and-owner")
    # A tag's remove button takes it out again, and it can be picked back.
    partners.locator(".item", has_text="清迈").locator(".remove").click()
    expect(partners.locator(".item")).to_have_count(1)
    portal.choose("#id_partners", "清迈")
    page.select_option("#id_status", "planning")
    _save(portal)
    project = ExchangeProject.objects.get(name="护理学生海外见习")
    assert {p.name_zh for p in project.partners.all()} == {"奥克兰理工大学", "泰国清迈大学护理学院"}
    assert project.owner.username == "staff"

    # A list filter's autocomplete survives the list's htmx swap.
    portal.goto("/partners/contacts/", "contacts")
    if not page.locator("#filter-form").is_visible():  # the phone's filter panel is collapsed
        page.click("#filter-toggle")
    portal.choose("#filter-form #id_institution", "奥克兰")
    page.click("#filter-form button[type=submit]")
    page.wait_for_url(re.compile(r"institution=\d+"))
    expect(page.locator("main table tbody tr:not(.row-detail)")).to_have_count(1)
    expect(page.locator("#filter-form select[name=institution] ~ .ts-wrapper")).to_have_count(1)
    expect(_wrapper(page, "#filter-form #id_institution").locator(".item")).to_have_text(
        "奥克兰理工大学"
    )
    portal.shot("contacts-filtered")
    portal.assert_clean()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: size)
def test_the_visit_form_shows_only_its_directions_fields(portal, size):
    page = portal.page
    page.set_viewport_size(SIZES[size])
    portal.login("staff", "陈晓燕")
    portal.goto("/exchanges/visits/add/", "visit-add")
    outbound = page.locator("[data-field='plan_line']")
    inbound = page.locator("[data-field='delegation']")
    members = page.locator("#members-fieldset")

    page.select_option("#id_direction", "outbound")
    expect(outbound).to_be_visible()
    expect(members).to_be_visible()
    expect(inbound).to_be_hidden()
    expect(page.locator("[data-field='host_department']")).to_be_hidden()
    portal.shot("outbound")

    page.select_option("#id_direction", "inbound")
    expect(inbound).to_be_visible()
    expect(page.locator("[data-field='nationality'] .ts-wrapper")).to_be_visible()
    expect(outbound).to_be_hidden()
    expect(members).to_be_hidden()
    expect(page.locator("[data-field='stopovers']")).to_be_hidden()
    portal.shot("inbound")

    # The destinations: several countries as tags, typed and picked without Ctrl.
    page.select_option("#id_direction", "outbound")
    portal.choose("#id_destinations", "日本", "JP")
    portal.choose("#id_destinations", "韩国", "KR")
    expect(_wrapper(page, "#id_destinations").locator(".item")).to_contain_text(["日本", "韩国"])
    selected = page.eval_on_selector(
        "#id_destinations", "s => Array.from(s.selectedOptions, o => o.value)"
    )
    assert selected == ["JP", "KR"]
    portal.shot("destinations")
    portal.assert_clean()
