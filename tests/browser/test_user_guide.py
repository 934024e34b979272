"""The user guide's tasks (docs/user-guide.md), walked in Chromium on the demo data.

Each test is one chapter or a few of the guide: it does what the guide tells a user to do
and asserts what the user should then see. With USER_GUIDE_SHOTS=1 (scripts/user-guide.sh,
`make user-guide`) the guide's screenshots are also written to docs/user-guide/<name>.png:
the 1366×768 viewport, not the full page, reduced to a palette so each stays small.

The steps rely on element ids, roles and URLs rather than on the demo's names, so a changed
demo does not break the guide; the records they open are the first rows of the lists.
"""

import os
import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin

import openpyxl
import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from exchanges.models import Visit
from partners.models import Agreement, Institution, Interaction
from partners.resources import InstitutionResource
from reports.models import AnnualReport
from tests.browser.conftest import DEMO_PASSWORD, REPO

pytestmark = pytest.mark.browser

GUIDE = REPO / "docs" / "user-guide"
VIEWPORT = {"width": 1366, "height": 768}
MAX_BYTES = 150_000

STAFF = ("staff", "陈晓燕")
LEADER = ("leader", "李建国")
LIAISON = ("liaison", "张丽华")

AGREEMENT_TITLE = "护理专业学生交换协议（用户指南示例）"
VISIT_TITLE = "赴日本东京医科齿科大学洽谈护理学合作"
IMPORTED = {
    "name_zh": "玛希隆大学护理学院",
    "name_en": "Faculty of Nursing, Mahidol University",
    "country": "泰国",
    "city": "曼谷",
}


def guide_shot(portal, name: str) -> None:
    """Check the page's guards (and keep the test artifact); with USER_GUIDE_SHOTS=1 also
    save the viewport as docs/user-guide/<name>.png."""
    portal.shot(name)
    if os.environ.get("USER_GUIDE_SHOTS") != "1":
        return
    GUIDE.mkdir(parents=True, exist_ok=True)
    target = GUIDE / f"{name}.png"
    portal.page.screenshot(path=target)
    _optimise(target)


def _optimise(target: Path) -> None:
    """Reduce the screenshot to a palette (fewer colours until it is under MAX_BYTES)."""
    try:
        from PIL import Image
    except ImportError:  # the screenshots stay as Chromium wrote them
        return
    original = Image.open(target).convert("RGB")
    for colours in (256, 128, 64):
        original.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(
            target, optimize=True
        )
        if target.stat().st_size <= MAX_BYTES:
            return


def _login(portal, user: tuple[str, str], shot: str | None = None) -> None:
    """Log in from the login page and land on the dashboard (screenshotted as `shot`)."""
    page = portal.page
    username, full_name = user
    page.goto(portal.url("/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/accounts/login/'] button[type=submit]")
    assert portal.path() == "/", f"login as {username} ended at {page.url}"
    expect(page.locator("#user-menu")).to_contain_text(full_name)
    if shot:
        guide_shot(portal, shot)


def _logout(portal) -> None:
    page = portal.page
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("#logout")


def _open(portal, path: str):
    response = portal.page.goto(portal.url(path))
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )


def _first_record(portal, pattern: str) -> str:
    """Open the first row of the list on screen whose link matches `pattern`; return its path."""
    hrefs = portal.page.locator("main table tbody a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    paths = [href for href in hrefs if re.fullmatch(pattern, href.split("?")[0])]
    assert paths, f"{portal.page.url}: no row links to {pattern} (links: {hrefs})"
    _open(portal, paths[0])
    return paths[0]


def _list_rows(page) -> int:
    rows = page.locator("main table tbody tr:not(.row-detail)")
    expect(rows.first).to_be_visible()
    return rows.count()


def _show_tab(page, pane: str) -> None:
    """Show a detail page's tab (`#tab-…`) and wait for Bootstrap's fade-in to finish."""
    page.click(f"[data-bs-target='{pane}'], a[href='{pane}']")
    page.wait_for_function(
        "(pane) => getComputedStyle(document.querySelector(pane)).opacity === '1'", arg=pane
    )


def _open_modal(page, step: str):
    """Click a workflow step's button and wait until its dialog has faded in."""
    page.click(f"#action-{step}")
    page.wait_for_function(
        """(id) => {
            const modal = document.getElementById(id);
            return modal.classList.contains('show')
                && getComputedStyle(modal).opacity === '1'
                && getComputedStyle(modal.querySelector('.modal-dialog')).transform === 'none';
        }""",
        arg=f"step-{step}",
    )
    return page.locator(f"#step-{step}")


def _expect_status(page, label: str) -> None:
    expect(page.locator("#workflow-status")).to_have_text(label)


def _download(portal, selector: str) -> tuple[str, bytes]:
    """Fetch what the link `selector` points to, as the logged-in user; return type and body."""
    href = portal.page.locator(selector).first.get_attribute("href")
    response = portal.page.request.get(urljoin(portal.page.url, href))
    assert response.status == 200, f"{href}: HTTP {response.status}"
    return response.headers["content-type"], response.body()


def test_staff_partners_teachers_projects(portal):
    """登录与首页、合作院校与协议、外籍教师及证件、交流项目."""
    page = portal.page
    page.set_viewport_size(VIEWPORT)

    _open(portal, "/accounts/login/")
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("#id_password")).to_be_visible()
    guide_shot(portal, "login")
    _login(portal, STAFF, shot="dashboard")
    expect(page.locator("#deadlines")).to_be_visible()
    expect(page.locator("#key-counts")).to_be_visible()
    expect(page.locator("#inbox-link")).to_be_visible()

    # 合作院校: the list, then a partner's page and its agreements tab.
    _open(portal, "/partners/")
    assert _list_rows(page) >= 1
    expect(page.locator("#filter-form #id_q")).to_be_attached()
    guide_shot(portal, "partners-list")
    path = _first_record(portal, r"/partners/\d+/")
    institution = Institution.objects.get(pk=int(path.strip("/").split("/")[-1]))
    expect(page.locator("main h1")).to_contain_text(institution.name_zh)
    _show_tab(page, "#tab-agreements")
    add_agreement = page.locator("#tab-agreements a[href^='/partners/agreements/add/']")
    expect(add_agreement).to_be_visible()
    guide_shot(portal, "partner-detail")

    # A new agreement from that tab: the form knows its institution.
    with page.expect_navigation():
        add_agreement.click()
    expect(page.locator("#id_institution")).to_have_value(str(institution.pk))
    today = timezone.localdate()
    page.fill("#id_title", AGREEMENT_TITLE)
    page.select_option("#id_status", "in_force", force=True)
    page.fill("#id_valid_from", today.isoformat())
    page.fill("#id_valid_until", (today + timedelta(days=3 * 365)).isoformat())
    guide_shot(portal, "agreement-form")
    with page.expect_navigation():
        page.click("#save-button")
    expect(page.locator("main .alert-success")).to_contain_text(AGREEMENT_TITLE)
    agreement = Agreement.objects.get(title=AGREEMENT_TITLE)
    assert agreement.institution == institution
    assert agreement.status == Agreement.Status.IN_FORCE

    # 外籍教师: the list, then a teacher's legal status and documents.
    _open(portal, "/faculty/")
    assert _list_rows(page) >= 1
    guide_shot(portal, "teachers-list")
    _first_record(portal, r"/faculty/\d+/")
    expect(page.locator("#legal-status")).to_be_visible()
    guide_shot(portal, "teacher-detail")
    _show_tab(page, "#tab-documents")
    expect(page.locator("#tab-documents a[href^='/faculty/documents/add/']")).to_be_visible()

    # 交流项目: the list and a project's page.
    _open(portal, "/exchanges/projects/")
    assert _list_rows(page) >= 1
    guide_shot(portal, "projects-list")
    _first_record(portal, r"/exchanges/projects/\d+/")
    expect(page.locator("#edit-button")).to_be_visible()
    guide_shot(portal, "project-detail")
    portal.assert_clean()


def test_staff_excel_export_and_import(portal, tmp_path):
    """Excel导入导出: the filtered list as .xlsx, then new partners from the template."""
    page = portal.page
    page.set_viewport_size(VIEWPORT)
    _login(portal, STAFF)

    _open(portal, "/partners/")
    shown = _list_rows(page)
    content_type, body = _download(portal, "#export-xlsx")
    assert "spreadsheetml" in content_type
    sheet = openpyxl.load_workbook(BytesIO(body)).active
    assert sheet.max_row - 1 == min(shown, Institution.objects.count())

    _open(portal, "/partners/import/")
    expect(page.locator("#upload-form")).to_be_visible()
    expect(page.locator("#import-columns")).to_be_visible()
    portal.shot("import-upload")

    # The user's workbook: the template downloaded from the page, one row filled in.
    content_type, body = _download(portal, "#template-link")
    workbook = openpyxl.load_workbook(BytesIO(body))
    sheet = workbook.active
    with translation.override("zh-hans"):
        names = {str(column.label): column.name for column in InstitutionResource().columns()}
        values = {
            **IMPORTED,
            "kind": str(Institution.Kind.UNIVERSITY.label),
            "status": str(Institution.Status.PROSPECTIVE.label),
        }
    headers = [cell.value for cell in sheet[1]]
    sheet.append([values.get(names.get(header, header), None) for header in headers])
    upload = tmp_path / "合作院校.xlsx"
    workbook.save(upload)

    page.set_input_files("#id_file", str(upload))
    with page.expect_navigation():
        page.click("#preview-button")
    expect(page.locator("#preview-table")).to_contain_text(IMPORTED["name_zh"])
    expect(page.locator("#import-errors")).to_have_count(0)
    guide_shot(portal, "import-preview")
    assert not Institution.objects.filter(name_zh=IMPORTED["name_zh"]).exists()
    with page.expect_navigation():
        page.click("#confirm-button")
    imported = Institution.objects.get(name_zh=IMPORTED["name_zh"])
    assert (imported.country.code, imported.kind) == ("TH", Institution.Kind.UNIVERSITY)
    portal.assert_clean()


def test_visit_proposed_reviewed_and_deadlines(portal):
    """出访与来访（审批流程）、收件箱与截止事项: the liaison proposes, the office reviews."""
    page = portal.page
    page.set_viewport_size(VIEWPORT)
    start = timezone.localdate() + timedelta(days=40)

    _login(portal, LIAISON)
    _open(portal, "/exchanges/visits/add/")
    page.select_option("#id_direction", "outbound", force=True)
    page.select_option("#id_trip_kind", "official", force=True)
    page.fill("#id_title", VISIT_TITLE)
    page.fill("#id_department", "护理学院")
    page.fill("#id_off_plan_reason", "对方邀请于年度计划下达后发出，需专门报批")
    portal.choose("#id_destinations", "日本", "JP")  # a searchable select (Tom Select)
    page.fill("#id_planned_start", start.isoformat())
    with page.expect_response("**/exchanges/visits/findings/"):
        page.fill("#id_planned_end", (start + timedelta(days=4)).isoformat())
    expect(page.locator("#findings .finding[data-code='visit.off_plan']")).to_have_count(1)
    page.fill("#id_members-0-name", "王明")
    page.select_option("#id_members-0-role", "leader", force=True)
    page.fill("#id_members-0-unit", "护理学院")
    page.fill("#id_members-0-position", "院长")
    # Leaving the last field posts the findings again (htmx): let that settle first.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.wait_for_function("() => !document.querySelector('#visit-form.htmx-request')")
    page.locator("#findings .finding").first.scroll_into_view_if_needed()
    guide_shot(portal, "visit-form")
    with page.expect_navigation():
        page.click("#save-button")
    visit = Visit.objects.get(title=VISIT_TITLE)
    assert portal.path() == visit.get_absolute_url()
    _expect_status(page, "草稿")
    with page.expect_navigation():
        page.click("#action-submit")
    _expect_status(page, "已报批")
    expect(page.locator("#workflow-waiting")).to_contain_text(STAFF[1])
    _logout(portal)

    # The office finds it in the inbox, opens it and takes it into review.
    _login(portal, STAFF)
    expect(page.locator("#inbox-count")).to_be_visible()
    _open(portal, "/inbox/")
    item = page.locator(f"#inbox-items a[href='{visit.get_absolute_url()}']")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(VISIT_TITLE)
    guide_shot(portal, "inbox")
    with page.expect_navigation():
        item.click()
    expect(page.locator("#action-review")).to_be_visible()
    portal.shot("visit-detail")
    with page.expect_navigation():
        page.click("#action-review")
    _expect_status(page, "外事办审核中")
    modal = _open_modal(page, "approve")
    expect(modal.locator("#id_approve-approval_number")).to_be_visible()
    expect(modal.locator("#id_approve-approval_file")).to_be_attached()
    guide_shot(portal, "visit-approve")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.OFFICE_REVIEW

    # Every deadline the office may see: overdue first, then the soonest.
    _open(portal, "/deadlines/")
    expect(page.locator("#deadlines")).to_be_visible()
    expect(page.locator("#deadlines a[href]").first).to_be_visible()
    guide_shot(portal, "deadlines")
    portal.assert_clean()


def test_report_drafted_imported_reviewed_and_downloaded(portal, tmp_path):
    """年度总结与计划: draft from data, import a Word file, submit, approve, download."""
    page = portal.page
    page.set_viewport_size(VIEWPORT)
    taken = set(AnnualReport.objects.values_list("year", flat=True))
    year = next(y for y in range(timezone.localdate().year, 2100) if y not in taken)
    imported_year = next(y for y in range(year + 1, 2100) if y not in taken)

    _login(portal, STAFF)
    _open(portal, "/reports/")
    expect(page.locator("#report-table")).to_be_visible()
    page.fill("#new-report-form input[name=year]", str(year))
    portal.shot("reports-list")
    with page.expect_navigation():
        page.click("#new-report-form button[type=submit]")
    # The new draft opens in the editor: the standard parts and sections, with the year's
    # records listed under each section for the writer.
    assert portal.path() == f"/reports/{year}/edit/"
    expect(page.locator("#report-form")).to_be_visible()
    expect(page.locator(".report-part").first).to_be_visible()
    guide_shot(portal, "report-edit")
    _open(portal, f"/reports/{year}/")
    _expect_status(page, "草稿")
    preview = page.frame_locator("#tab-preview iframe").locator("body")
    expect(preview).to_contain_text(f"{year}年")
    portal.shot("report-draft")

    # Word out and in again: the draft's .docx imported as another year's report.
    content_type, docx = _download(portal, "#download-docx")
    assert "wordprocessingml" in content_type and docx.startswith(b"PK")
    word = tmp_path / f"{year}年外事工作总结.docx"
    word.write_bytes(docx)
    _open(portal, "/reports/import/")
    page.set_input_files("#report-import-form input[type=file]", str(word))
    page.fill("#report-import-form input[name=year]", str(imported_year))
    portal.shot("report-import")
    with page.expect_navigation():
        page.click("#report-import-form button[type=submit]")
    assert AnnualReport.objects.filter(year=imported_year).exists()
    _open(portal, f"/reports/{year}/")

    # The office submits the draft; the PDF is a draft (watermarked) until approved.
    with page.expect_navigation():
        page.click("#action-submit")
    _expect_status(page, "审核中")
    content_type, pdf = _download(portal, "#download-pdf")
    assert content_type == "application/pdf" and pdf.startswith(b"%PDF")
    _logout(portal)

    # The leader reviews and approves it; the approved PDF is archived.
    _login(portal, LEADER)
    _open(portal, f"/reports/{year}/")
    expect(page.locator("#action-return")).to_be_visible()
    expect(page.locator("#edit-button")).to_have_count(0)
    _open_modal(page, "approve")
    portal.shot("report-approve")
    with page.expect_navigation():
        page.click("#confirm-approve")
    _expect_status(page, "已批准")
    report = AnnualReport.objects.get(year=year)
    assert report.status == AnnualReport.Status.APPROVED and report.pdf_sha256
    content_type, pdf = _download(portal, "#download-pdf")
    assert content_type == "application/pdf" and pdf.startswith(b"%PDF")
    guide_shot(portal, "report-approved")
    portal.assert_clean()


def test_calendar_delete_restore_and_password(portal):
    """日历订阅、删除与恢复、修改密码."""
    page = portal.page
    page.set_viewport_size(VIEWPORT)
    _login(portal, STAFF)

    # The private calendar address, from the dashboard's "subscribe" button, read by a
    # calendar app; and the month calendar of deadlines and trips.
    page.click("#subscribe-button")
    address = page.locator("#calendar-url")
    expect(address).to_be_visible()
    page.wait_for_function("() => !document.querySelector('#subscribe-panel.collapsing')")
    url = address.input_value()
    assert re.fullmatch(r"https?://\S+/calendar/[\w-]+\.ics", url), url
    page.click("#copy-calendar-url")
    expect(page.locator("#calendar-feed [data-copy-status]")).not_to_be_empty()
    guide_shot(portal, "calendar")
    feed = page.request.get(url)
    assert feed.status == 200 and feed.text().startswith("BEGIN:VCALENDAR")
    _open(portal, "/")
    expect(page.locator("#calendar-url")).to_have_value(url)  # the same address every time
    _open(portal, "/calendar/month/")
    expect(page.locator("#month-grid")).to_be_visible()
    guide_shot(portal, "calendar-month")

    # A record deleted, found among the deleted records and restored whole.
    _open(portal, "/partners/interactions/")
    path = _first_record(portal, r"/partners/interactions/\d+/")
    pk = int(path.strip("/").split("/")[-1])
    with page.expect_navigation():
        page.click("#delete-button")
    expect(page.locator("#confirm-delete")).to_be_visible()
    guide_shot(portal, "delete-confirm")
    with page.expect_navigation():
        page.click("#confirm-delete")
    assert not Interaction.objects.filter(pk=pk).exists()
    _open(portal, "/partners/interactions/deleted/")
    restore = page.locator("#deleted-records a[href*='/restore/']")
    expect(restore.first).to_be_visible()
    portal.shot("deleted-records")
    with page.expect_navigation():
        restore.first.click()
    expect(page.locator("#confirm-restore")).to_be_visible()
    guide_shot(portal, "restore-preview")
    with page.expect_navigation():
        page.click("#confirm-restore")
    assert Interaction.objects.filter(pk=pk).exists()

    # The user's own password, from the user menu.
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("#password-change-link")
    assert portal.path() == "/accounts/password/"
    page.fill("#id_old_password", DEMO_PASSWORD)
    page.fill("#id_new_password1", "Xijiang-2026-jiaoliu")
    page.fill("#id_new_password2", "Xijiang-2026-jiaoliu")
    guide_shot(portal, "password")
    with page.expect_navigation():
        page.click("#password-change button[type=submit]")
    assert portal.path() == "/"
    expect(page.locator(".alert-success")).to_be_visible()
    portal.assert_clean()
