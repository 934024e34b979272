"""The block editor of a report section in Chromium: add a table, grow it, fill it, reorder."""

import shutil

import pytest
from playwright.sync_api import expect

from reports.blocks import parse_blocks
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 768}
NARROW = {"width": 390, "height": 844}
BODY = "第一段。\n\n（一）第二段。\n\n多余的一段。"
CELLS = [
    ["项目", "2022年", "2023年", "合计"],
    ["来访", "3", "4", "7"],
    ["出访", "2", "<", "2"],
    ["小计", "5", "4", "9"],
]
EXPECTED = (
    "第一段。\n\n"
    "| 项目 | 2022年 | 2023年 | 合计 |\n"
    "| 来访 | 3 | 4 | 7 |\n"
    "| 出访 | 2 | < | 2 |\n"
    "| 小计 | 5 | 4 | 9 |\n\n"
    "（一）第二段。\n\n"
    "〔署名〕国际交流合作处"
)


def _shots(portal, step: str):
    """Screenshots at 1366×768 and at a phone's 390×844, kept under /tmp as well."""
    page = portal.page
    for name, size in (("1366", WIDE), ("390", NARROW)):
        page.set_viewport_size(size)
        shot = portal.shot(f"{step}-{name}")
        shutil.copy(shot, f"/tmp/block-editor-{step}-{name}.png")
        # The page itself never scrolls sideways: a wide table scrolls inside its card.
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{step} at {name}px: the page is {overflow}px too wide"
    page.set_viewport_size(WIDE)


def test_a_table_is_added_grown_filled_and_moved(portal):
    report = AnnualReportFactory(year=2030)
    section = ReportSectionFactory(part=ReportPartFactory(report=report), body=BODY)
    page = portal.page
    portal.login("staff", "陈晓燕")
    portal.goto(f"/reports/2030/sections/{section.pk}/", "section-edit")
    cards = page.locator(".block-list > [data-block]")
    expect(cards).to_have_count(4)  # three paragraphs and the empty one to add a block
    expect(page.locator(".block-editor.js")).to_have_count(1)
    expect(cards.nth(0).locator(".block-order")).to_be_hidden()  # no-JavaScript controls

    # A table below the second paragraph: 3 × 3, one row and one column more, filled in.
    second = cards.nth(1)
    second.locator(".block-add-kind").select_option("table")
    second.locator("[data-action=add]").click()
    expect(cards).to_have_count(5)
    table = cards.nth(2)
    expect(table).to_have_attribute("data-kind", "table")
    expect(table.locator(".block-kind")).to_have_value("table")
    expect(table.locator(".block-cell")).to_have_count(9)
    table.locator("[data-action=add-row]").click()
    table.locator("[data-action=add-column]").click()
    rows = table.locator(".block-grid tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(3).locator(".block-cell")).to_have_count(4)
    for r, row in enumerate(CELLS):
        for c, value in enumerate(row):
            rows.nth(r).locator(".block-cell").nth(c).fill(value)
    merged = rows.nth(2).locator(".block-cell").nth(2)
    expect(merged).to_have_class("form-control form-control-sm block-cell block-merged")
    expect(merged).to_have_attribute("name", "body-2-cell-2-2")
    expect(merged).to_have_attribute(
        "title", page.locator(".block-editor").get_attribute("data-merge-left")
    )

    # The table one place up, above the second paragraph; the renamed inputs follow it.
    table.locator("[data-action=up]").click()
    expect(cards.nth(1)).to_have_attribute("data-kind", "table")
    expect(cards.nth(1).locator(".block-cell").first).to_have_attribute("name", "body-1-cell-0-0")
    expect(cards.nth(1).locator(".block-rows")).to_have_value("4")
    expect(cards.nth(1).locator(".block-columns")).to_have_value("4")

    # The third paragraph removed (after the confirmation), the empty block made a signature.
    page.once("dialog", lambda dialog: dialog.accept())
    cards.nth(3).locator("[data-action=delete]").click()
    expect(cards).to_have_count(4)
    last = cards.nth(3)
    last.locator(".block-kind").select_option("signature")
    last.locator(".block-text").fill("国际交流合作处")
    expect(page.locator("input[name=body-count]")).to_have_value("4")
    _shots(portal, "filled")
    scroll = cards.nth(1).locator(".block-grid-scroll")
    page.set_viewport_size(NARROW)
    assert scroll.evaluate("(el) => el.scrollWidth > el.clientWidth"), "the grid does not scroll"
    page.set_viewport_size(WIDE)

    with page.expect_navigation():
        page.click("#save-button")
    assert portal.path() == "/reports/2030/edit/"
    portal.shot("report-edit")  # the preface has its block editor too
    section.refresh_from_db()
    assert section.body == EXPECTED
    assert [block.kind for block in parse_blocks(section.body)] == [
        "paragraph",
        "table",
        "paragraph",
        "signature",
    ]
    portal.goto(f"/reports/2030/sections/{section.pk}/", "section-saved")
    expect(cards).to_have_count(5)
    _shots(portal, "saved")


def test_the_editor_works_without_javascript(portal):
    report = AnnualReportFactory(year=2031)
    section = ReportSectionFactory(part=ReportPartFactory(report=report), body=BODY)
    browser = portal.page.context.browser
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport=WIDE)
    try:
        page = context.new_page()
        page.goto(portal.url("/accounts/login/"))
        page.fill("#id_username", "staff")
        page.fill("#id_password", "demo12345")
        with page.expect_navigation():
            page.click("form[action='/accounts/login/'] button[type=submit]")
        page.goto(portal.url(f"/reports/2031/sections/{section.pk}/"))
        cards = page.locator(".block-list > [data-block]")
        expect(cards).to_have_count(4)
        expect(cards.nth(0).locator("[data-action=up]")).to_be_hidden()  # JavaScript's buttons
        # A new first paragraph in the empty block, the third paragraph deleted.
        cards.nth(3).locator(".block-text").fill("（二）新的一段。")
        cards.nth(3).locator(".block-order").fill("0")
        cards.nth(2).locator(".block-delete").check()
        page.screenshot(path="/tmp/block-editor-nojs-1366.png", full_page=True)
        with page.expect_navigation():
            page.click("#save-button")
        section.refresh_from_db()
        assert section.body == "（二）新的一段。\n\n第一段。\n\n（一）第二段。"
    finally:
        context.close()


def test_changing_the_kind_converts_the_content(portal):
    report = AnnualReportFactory(year=2032)
    section = ReportSectionFactory(part=ReportPartFactory(report=report), body=BODY)
    page = portal.page
    portal.login("staff", "陈晓燕")
    portal.goto(f"/reports/2032/sections/{section.pk}/", "section-edit")
    card = page.locator(".block-list > [data-block]").nth(3)
    card.locator(".block-text").fill("项目\t人数\n来访\t12\n出访")  # as pasted from a sheet
    card.locator(".block-kind").select_option("table")
    rows = card.locator(".block-grid tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator(".block-cell").nth(1)).to_have_value("人数")
    expect(rows.nth(2).locator(".block-cell").nth(1)).to_have_value("")
    expect(card.locator(".block-rows")).to_have_attribute("name", "body-3-rows")
    card.locator(".block-kind").select_option("attachments")
    expect(card.locator(".block-text")).to_have_value("项目 人数\n来访 12\n出访")
    expect(card.locator(".block-attachments-help")).to_be_visible()
    portal.shot("converted")
