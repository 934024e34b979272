"""An outbound visit from the liaison's proposal to its closing, in the browser.

The liaison proposes a trip (the rules' findings show live as they type), submits it; the
office takes it into review, records the approval (批件), records the briefing and the pledge,
hands out the passport, records the departure and the return; the liaison files the post-trip
report; the office closes the visit. At each step the right person has the inbox item (and the
e-mail), and nobody else.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exchanges.models import PassportCustody, Visit
from foreign_affairs.models import InboxItem

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 768}
NARROW = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"

TITLE = "赴日本东京医科齿科大学洽谈护理学合作"
OFF_PLAN_REASON = "对方邀请于年度计划下达后发出，需专门报批"
LEADER = "王明"
MEMBER = "李娜"
PASSPORT_NUMBER = "SE7654321"
APPROVAL_NUMBER = "粤外办〔2025〕123号"
REPORT_SUMMARY = "与对方商定护理学专业学生互换方案，拟于下半年签署合作协议。"

# Status labels as the pages show them.
DRAFT = "草稿"
SUBMITTED = "已报批"
IN_REVIEW = "外事办审核中"
APPROVED = "已批准"
DEPARTED = "已出发"
RETURNED = "已回国"
REPORT_FILED = "已交出访报告"
CLOSED = "已结束"
IN_CUSTODY = "外事办保管中"
HANDED_OUT = "已发放"

# The inbox tasks (also the subjects of the e-mails).
TASK_REVIEW = "审核出访申请"
TASK_BRIEFING = "参加行前外事教育并领取证照"
TASK_REPORT = "提交出访报告"
TASK_CLOSE = "审阅出访报告并结束"

FINDINGS_URL = "**/exchanges/visits/findings/"


def _chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _narrow_shot(portal, step: str):
    """Screenshot the current page at a phone's width (390×844), then go back to 1366×768."""
    portal.page.set_viewport_size(NARROW)
    try:
        portal.shot(f"{step}-390")
    finally:
        portal.page.set_viewport_size(WIDE)


def _logout(portal):
    page = portal.page
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("#logout")


def _open_modal(page, step: str):
    """Click the step's button and wait until its modal has finished fading in."""
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
    modal = page.locator(f"#step-{step}")
    expect(modal).to_be_visible()
    return modal


def _take_step(portal, step: str, shot: str):
    """Post a step without input (its button is the form's submit button)."""
    with portal.page.expect_navigation():
        portal.page.click(f"#action-{step}")
    portal.shot(shot)


def _confirm(portal, step: str, shot: str):
    with portal.page.expect_navigation():
        portal.page.click(f"#confirm-{step}")
    portal.shot(shot)


def _detail_value(page, label: str):
    """The <dd> of the details list whose <dt> is `label`."""
    term = page.locator(
        "#tab-details dl.detail-fields dt", has_text=re.compile(f"^{re.escape(label)}$", re.I)
    )
    expect(term).to_have_count(1)
    return term.locator("xpath=following-sibling::dd[1]")


def _expect_members_table_shown(page):
    """The members' rows can be seen (and clicked): their scrolling box is not 0 px wide."""
    box = page.locator("#members-fieldset .table-responsive")
    width = box.evaluate("e => e.clientWidth")
    assert width > 0, (
        f"{page.url}: the delegation members table is {width} px wide, so its fields are hidden"
    )


def _save_visit(page):
    """Save the visit form once its live findings have settled.

    Leaving the last field fires its change event, which posts the findings (htmx); let that
    answer first, so it does not race the save itself.
    """
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.wait_for_function("() => !document.querySelector('#visit-form.htmx-request')")
    with page.expect_navigation():
        page.click("#save-button")


def _show_tab(page, button: str, pane: str):
    page.click(button)
    page.wait_for_function(  # let Bootstrap's fade-in finish before the screenshot
        "(pane) => getComputedStyle(document.querySelector(pane)).opacity === '1'", arg=pane
    )


def _expect_status(page, label: str):
    expect(page.locator("#workflow-status")).to_have_text(label)


def _expect_success(page, text: str):
    expect(page.locator("main .alert-success")).to_contain_text(text)


def _others(username: str, visit=None) -> int:
    """How many open inbox items the user has besides the visit's (the demo data's own)."""
    items = InboxItem.objects.filter(recipient__username=username).open()
    if visit is not None:
        items = items.exclude(pk__in=InboxItem.objects.for_object(visit).values("pk"))
    return items.count()


def _expect_badge(page, count: int):
    badge = page.locator("#inbox-count")
    if count:
        expect(badge).to_have_text(str(count))
    else:
        expect(badge).to_have_count(0)


def _expect_inbox(portal, username: str, visit, task: str | None, step: str):
    """The badge counts the visit's item (if any) on top of the user's others; /inbox/ lists
    the visit once, with `task`, or not at all."""
    page = portal.page
    portal.goto("/inbox/", step)
    others = _others(username, visit)
    _expect_badge(page, others + (task is not None))
    items = page.locator("#inbox-items .list-group-item")
    expect(items).to_have_count(others + (task is not None))
    ours = page.locator(f"#inbox-items .list-group-item a[href='{visit.get_absolute_url()}']")
    if task is None:
        expect(ours).to_have_count(0)
        return None
    expect(ours).to_have_count(1)
    expect(ours).to_contain_text(task)
    expect(ours).to_contain_text(TITLE)
    return ours


def _open_items(visit) -> list[tuple[str, str]]:
    items = InboxItem.objects.for_object(visit).filter(closed_at__isnull=True)
    return sorted((item.recipient.username, item.task) for item in items)


def _mails(mailoutbox) -> list[tuple[str, str]]:
    """(to, subject) of the e-mails about this visit (the demo data sends its own)."""
    return [(", ".join(mail.to), mail.subject) for mail in mailoutbox if TITLE in mail.subject]


def test_visit_from_proposal_to_closing(portal, mailoutbox, tmp_path):
    page = portal.page
    page.set_viewport_size(WIDE)
    pdf = tmp_path / "upload" / "批件.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(PDF)
    report_pdf = tmp_path / "upload" / "出访报告.pdf"
    report_pdf.write_bytes(PDF)
    today = timezone.localdate()
    start = today + timedelta(days=30)
    visits_before = Visit.objects.count()

    # 1. The liaison proposes the trip; the rules' findings follow the form as it is typed.
    portal.login("liaison", "张丽华")
    portal.goto("/exchanges/visits/add/", "visit-add")
    page.select_option("#id_direction", "outbound")
    page.select_option("#id_trip_kind", "official")
    page.fill("#id_title", TITLE)
    page.fill("#id_department", "护理学院")
    page.fill("#id_off_plan_reason", OFF_PLAN_REASON)
    portal.choose("#id_destinations", "日本", "JP")  # a searchable select (Tom Select)
    page.fill("#id_planned_start", start.isoformat())
    with page.expect_response(FINDINGS_URL):
        page.fill("#id_planned_end", (start + timedelta(days=6)).isoformat())  # 7 days
    days = page.locator("#findings .finding[data-code='visit.days']")
    expect(days).to_have_count(1)
    expect(days).to_have_class(re.compile(r"\bfinding-blocking\b"))
    expect(days).to_contain_text("7")
    assert portal.path() == "/exchanges/visits/add/"
    assert Visit.objects.count() == visits_before, "the live findings must not save the visit"
    portal.shot("visit-add-7-days-blocked")
    with page.expect_response(FINDINGS_URL):
        page.fill("#id_planned_end", (start + timedelta(days=4)).isoformat())  # 5 days
    expect(days).to_have_count(0)
    expect(page.locator("#findings .finding[data-code='visit.off_plan']")).to_have_count(1)
    _expect_members_table_shown(page)
    page.fill("#id_members-0-name", LEADER)
    page.select_option("#id_members-0-role", "leader")
    page.fill("#id_members-0-unit", "护理学院")
    page.fill("#id_members-0-position", "院长")
    portal.shot("visit-add-5-days")
    _save_visit(page)
    found = re.fullmatch(r"/exchanges/visits/(\d+)/", portal.path())
    assert found, f"saving the visit ended at {page.url}"
    visit = Visit.objects.get(pk=int(found[1]))
    assert visit.proposed_by.username == "liaison"
    assert [m.name for m in visit.members.all()] == [LEADER]
    visit_url = visit.get_absolute_url()
    portal.shot("visit-saved-one-member")

    # The second member: the formset offers a new empty row once the first is saved. The
    # liaison's detail page has no edit button (no change permission), so open the edit URL.
    portal.goto(f"{visit_url}edit/", "visit-edit-liaison")
    expect(page.locator("#id_members-0-name")).to_have_value(LEADER)
    _expect_members_table_shown(page)
    page.fill("#id_members-1-name", MEMBER)
    page.select_option("#id_members-1-role", "member")
    page.fill("#id_members-1-unit", "护理学院")
    page.fill("#id_members-1-position", "讲师")
    portal.shot("visit-edit-second-member")
    _narrow_shot(portal, "visit-edit-second-member")
    _save_visit(page)
    assert portal.path() == visit_url
    _expect_success(page, TITLE)
    _expect_status(page, DRAFT)
    off_plan = page.locator("#findings .finding[data-code='visit.off_plan']")
    expect(off_plan).to_have_count(1)
    expect(off_plan).to_have_class(re.compile(r"\bfinding-warning\b"))
    expect(off_plan).to_contain_text(OFF_PLAN_REASON)
    expect(page.locator("#findings .finding-blocking")).to_have_count(0)
    _show_tab(page, "#members-tab", "#tab-members")
    expect(page.locator("#members tbody tr")).to_have_count(2)
    portal.shot("visit-draft")
    _narrow_shot(portal, "visit-draft")
    visit.refresh_from_db()
    assert visit.persons == 2

    # 2. The liaison submits: the office has the item, the liaison none.
    _take_step(portal, "submit", "visit-submitted")
    _expect_status(page, SUBMITTED)
    expect(page.locator("#workflow-waiting")).to_contain_text("陈晓燕")
    expect(page.locator("#workflow-waiting")).to_contain_text(TASK_REVIEW)
    assert _open_items(visit) == [("staff", TASK_REVIEW)]
    assert _mails(mailoutbox) == [("staff@example.edu.cn", f"[{_school()}] {TASK_REVIEW}：{TITLE}")]
    _expect_inbox(portal, "liaison", visit, None, "inbox-liaison-nothing")
    _logout(portal)

    portal.login("staff", "陈晓燕")
    _expect_badge(page, _others("staff", visit) + 1)
    item = _expect_inbox(portal, "staff", visit, TASK_REVIEW, "inbox-staff-review")
    with page.expect_navigation():
        item.click()
    assert portal.path() == visit_url
    portal.shot("visit-office-opens")

    # 3. The office takes it into review and records the approval (批件).
    _take_step(portal, "review", "visit-in-review")
    _expect_status(page, IN_REVIEW)
    # The office acts next; in this one-person office the reviewer gets the item.
    assert _open_items(visit) == [("staff", "登记出访批件")]
    _expect_badge(page, _others("staff", visit) + 1)

    modal = _open_modal(page, "approve")
    page.fill("#id_approve-approval_number", APPROVAL_NUMBER)
    portal.shot("approve-modal")
    _narrow_shot(portal, "approve-modal")
    # Without the file, the browser keeps the form (the file input is required)...
    page.click("#confirm-approve")
    file_input = page.locator("#id_approve-approval_file")
    assert file_input.evaluate("e => e.validity.valueMissing")
    assert file_input.evaluate("e => e.validationMessage")
    assert portal.path() == visit_url
    expect(modal).to_be_visible()
    portal.shot("approve-without-file-kept-by-browser")
    # ...and the server refuses it too, when the browser's check is bypassed.
    page.eval_on_selector("#step-approve form", "form => { form.noValidate = true; }")
    _confirm(portal, "approve", "approve-without-file-refused")
    refusal = page.locator("main .alert-danger")
    expect(refusal).to_contain_text("批件")
    expect(refusal).to_contain_text("这个字段是必填项")
    _expect_status(page, IN_REVIEW)
    visit.refresh_from_db()
    assert (visit.status, visit.approval_number) == (Visit.Status.OFFICE_REVIEW, "")

    _open_modal(page, "approve")
    page.fill("#id_approve-approval_number", APPROVAL_NUMBER)
    page.set_input_files("#id_approve-approval_file", str(pdf))
    _confirm(portal, "approve", "visit-approved")
    _expect_status(page, APPROVED)
    expect(_detail_value(page, "批件号")).to_have_text(APPROVAL_NUMBER)
    visit.refresh_from_db()
    assert visit.approval_file.name.endswith(".pdf")
    assert _open_items(visit) == [("liaison", TASK_BRIEFING)]
    assert _mails(mailoutbox)[-1][0] == "liaison@example.edu.cn"

    # 4. The passport is not handed out before the briefing and the pledge are recorded.
    passport = PassportCustody.objects.create(
        kind=PassportCustody.Kind.PASSPORT,
        holder=LEADER,
        passport_number=PASSPORT_NUMBER,
        issued_on=today - timedelta(days=365),
        expires_on=today + timedelta(days=365 * 8),
    )
    passport_url = passport.get_absolute_url()
    portal.goto(passport_url, "passport-in-custody")
    _expect_status(page, IN_CUSTODY)
    _open_modal(page, "hand_out")
    portal.choose("#id_hand_out-visit", TITLE, str(visit.pk))
    expect(page.locator("#id_hand_out-handed_out_on")).to_have_value(today.isoformat())
    portal.shot("hand-out-modal")
    _narrow_shot(portal, "hand-out-modal")
    _confirm(portal, "hand_out", "hand-out-refused")
    refusal = page.locator("main .alert-danger")
    expect(refusal).to_contain_text("行前外事教育")
    expect(refusal).to_contain_text("保密承诺书")
    _expect_status(page, IN_CUSTODY)
    passport.refresh_from_db()
    assert (passport.status, passport.visit) == (PassportCustody.Status.IN_CUSTODY, None)

    portal.goto(visit_url, "visit-before-briefing")
    with page.expect_navigation():
        page.click("#edit-button")
    assert portal.path() == f"{visit_url}edit/"
    page.fill("#id_briefing_on", today.isoformat())
    page.fill("#id_pledge_signed_on", today.isoformat())
    portal.shot("visit-edit-briefing")
    _narrow_shot(portal, "visit-edit-briefing")
    _save_visit(page)
    assert portal.path() == visit_url
    _expect_success(page, TITLE)
    _expect_status(page, APPROVED)
    portal.shot("visit-briefed")
    visit.refresh_from_db()
    assert (visit.briefing_on, visit.pledge_signed_on) == (today, today)

    portal.goto(passport_url, "passport-again")
    _open_modal(page, "hand_out")
    portal.choose("#id_hand_out-visit", TITLE, str(visit.pk))
    _confirm(portal, "hand_out", "passport-handed-out")
    _expect_status(page, HANDED_OUT)
    planned_due = start + timedelta(days=4 + 7)
    expect(_detail_value(page, "应交回日期")).to_have_text(_chinese_date(planned_due))
    passport.refresh_from_db()
    assert (passport.visit, passport.handed_out_on) == (visit, today)

    # 5. Departure and return; the passport is due back 7 days after the actual return.
    portal.goto(visit_url, "visit-before-departure")
    _open_modal(page, "depart")
    expect(page.locator("#id_depart-actual_start")).to_have_value(start.isoformat())
    # A step records what has happened: the group leaves today, earlier than planned (the
    # planned start, a month ahead, would be refused as a date after today).
    page.fill("#id_depart-actual_start", today.isoformat())
    portal.shot("depart-modal")
    _confirm(portal, "depart", "visit-departed")
    _expect_status(page, DEPARTED)
    assert _open_items(visit) == []  # the liaison's briefing item is done

    back = today  # a short trip: back the same day
    _open_modal(page, "come_back")
    page.fill("#id_come_back-actual_start", today.isoformat())
    page.fill("#id_come_back-actual_end", back.isoformat())
    portal.shot("come-back-modal")
    _confirm(portal, "come_back", "visit-returned")
    _expect_status(page, RETURNED)
    expect(_detail_value(page, "实际结束日期")).to_have_text(_chinese_date(back))
    assert _open_items(visit) == [("liaison", TASK_REPORT)]
    assert _mails(mailoutbox)[-1] == (
        "liaison@example.edu.cn",
        f"[{_school()}] {TASK_REPORT}：{TITLE}",
    )
    portal.goto(passport_url, "passport-due-back")
    _expect_status(page, HANDED_OUT)
    expect(_detail_value(page, "应交回日期")).to_have_text(_chinese_date(back + timedelta(days=7)))
    _logout(portal)

    # 6. The liaison files the post-trip report; the office closes the visit.
    portal.login("liaison", "张丽华")
    _expect_badge(page, _others("liaison", visit) + 1)
    item = _expect_inbox(portal, "liaison", visit, TASK_REPORT, "inbox-liaison-report")
    with page.expect_navigation():
        item.click()
    assert portal.path() == visit_url
    _expect_status(page, RETURNED)
    modal = _open_modal(page, "file_report")
    page.set_input_files("#id_file_report-report_file", str(report_pdf))
    page.fill("#id_file_report-report_summary", REPORT_SUMMARY)
    portal.shot("file-report-modal")
    _narrow_shot(portal, "file-report-modal")
    _confirm(portal, "file_report", "visit-report-filed")
    _expect_status(page, REPORT_FILED)
    _expect_badge(page, _others("liaison", visit))
    assert _open_items(visit) == [("staff", TASK_CLOSE)]
    _logout(portal)

    portal.login("staff", "陈晓燕")
    _expect_badge(page, _others("staff", visit) + 1)
    item = _expect_inbox(portal, "staff", visit, TASK_CLOSE, "inbox-staff-close")
    with page.expect_navigation():
        item.click()
    assert portal.path() == visit_url
    expect(_detail_value(page, "出访报告摘要")).to_have_text(REPORT_SUMMARY)
    modal = _open_modal(page, "close")
    expect(modal.locator(".alert-warning")).to_have_text("此步骤无法撤销。")
    portal.shot("close-modal")
    _narrow_shot(portal, "close-modal")
    _confirm(portal, "close", "visit-closed")
    _expect_status(page, CLOSED)
    expect(page.locator("#workflow [id^='action-']")).to_have_count(0)
    _expect_badge(page, _others("staff", visit))
    _narrow_shot(portal, "visit-closed")
    _show_tab(page, "#steps-tab", "#tab-steps")
    steps = page.locator("#state-changes tbody tr")
    expect(steps).to_have_count(7)  # submit, review, approve, depart, return, report, close
    portal.shot("visit-steps")

    visit.refresh_from_db()
    assert visit.status == Visit.Status.CLOSED
    assert (visit.actual_start, visit.actual_end) == (today, back)
    assert visit.report_file.name.endswith(".pdf")
    assert (visit.report_summary, visit.report_submitted_on) == (REPORT_SUMMARY, today)
    assert _open_items(visit) == []
    # Who was told: the office at the submission, the review (a one-person office) and the
    # report, the liaison at the approval and the return; the school leadership never.
    assert [to for to, _subject in _mails(mailoutbox)] == [
        "staff@example.edu.cn",
        "staff@example.edu.cn",
        "liaison@example.edu.cn",
        "liaison@example.edu.cn",
        "staff@example.edu.cn",
    ]
    leader_items = InboxItem.objects.for_object(visit).filter(recipient__username="leader")
    assert not leader_items.exists()
    portal.assert_clean()


def _school() -> str:
    from django.conf import settings

    return settings.SCHOOL_NAME
