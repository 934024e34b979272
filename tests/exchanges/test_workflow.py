"""The visit and travel-document processes, run through `transition_run` by users in roles."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.models import PassportCustody, Visit, VisitMember
from exchanges.workflows import VISIT_WORKFLOW, ApproveForm, CancelForm
from foreign_affairs.compliance import findings
from foreign_affairs.models import InboxItem, StateChange
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from foreign_affairs.workflow import transition_run
from reports import services as report_services
from tests.exchanges.factories import PassportCustodyFactory, VisitFactory
from tests.factories import UserFactory
from tests.reports.factories import AnnualReportFactory

pytestmark = pytest.mark.django_db

S = Visit.Status
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
PLANNED_START, PLANNED_END = date(2025, 11, 3), date(2025, 11, 7)


def user_in(role: str, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def pdf(name="批件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def step_data(name: str) -> dict:
    """Return valid input of step `name`, as its form's cleaned data would be."""
    return {
        "send_back": {"comment": "请补充邀请函"},
        "approve": {"approval_number": "粤外办批〔2025〕12号", "approval_file": pdf()},
        "depart": {"actual_start": PLANNED_START},
        "come_back": {"actual_start": PLANNED_START, "actual_end": PLANNED_END},
        "receive": {"actual_start": PLANNED_START, "actual_end": PLANNED_END},
        "file_report": {"report_file": pdf("出访报告.pdf"), "report_summary": "完成交流任务。"},
        "cancel": {"cancel_reason": "对方取消邀请"},
    }.get(name, {})


def run(visit, name: str, user, **data):
    """Take step `name` with valid input, overridden by `data`."""
    return transition_run(obj=visit, name=name, user=user, data={**step_data(name), **data})


def blocking_message(visit) -> str:
    """Return the message of the visit's one blocking finding."""
    (finding,) = [finding for finding in findings(visit) if finding.blocking]
    return finding.message


@pytest.fixture
def office():
    return user_in(OFFICE_STAFF)


@pytest.fixture
def liaison():
    return user_in(LIAISON)


@pytest.fixture
def leader():
    return user_in(LEADERSHIP)


def draft_visit(proposed_by, **fields) -> Visit:
    """An outbound draft to Malaysia with two members, outside the plan (with the reason)."""
    values = {
        "planned_start": PLANNED_START,
        "planned_end": PLANNED_END,
        "briefing_on": date(2025, 10, 28),
        "pledge_signed_on": date(2025, 10, 28),
    }
    visit = VisitFactory(proposed_by=proposed_by, **{**values, **fields})
    VisitMember.objects.create(visit=visit, name="陈老师", role=VisitMember.Role.LEADER)
    VisitMember.objects.create(visit=visit, name="林老师")
    return visit


@pytest.fixture
def visit(liaison):
    return draft_visit(liaison)


# The outbound path, and the step that leads into each state.
PATH = [
    ("submit", S.SUBMITTED),
    ("review", S.OFFICE_REVIEW),
    ("approve", S.APPROVED),
    ("depart", S.DEPARTED),
    ("come_back", S.RETURNED),
    ("file_report", S.REPORT_FILED),
    ("close", S.CLOSED),
]


def advance(visit, state: str, user) -> Visit:
    """Take the outbound steps, as `user` (office staff), until the visit is in `state`."""
    for name, target in PATH:
        if visit.status == state:
            break
        run(visit, name, user)
        assert visit.status == target
    assert visit.status == state
    return visit


# --- who may take which step -------------------------------------------------------------------

STEPS = [
    ("submit", S.DRAFT, S.SUBMITTED),
    ("review", S.SUBMITTED, S.OFFICE_REVIEW),
    ("send_back", S.SUBMITTED, S.DRAFT),
    ("send_back", S.OFFICE_REVIEW, S.DRAFT),
    ("approve", S.OFFICE_REVIEW, S.APPROVED),
    ("depart", S.APPROVED, S.DEPARTED),
    ("come_back", S.DEPARTED, S.RETURNED),
    ("file_report", S.RETURNED, S.REPORT_FILED),
    ("close", S.REPORT_FILED, S.CLOSED),
    ("cancel", S.DRAFT, S.CANCELLED),
    ("cancel", S.SUBMITTED, S.CANCELLED),
    ("cancel", S.OFFICE_REVIEW, S.CANCELLED),
    ("cancel", S.APPROVED, S.CANCELLED),
]
LIAISON_STEPS = {"submit", "file_report", "cancel"}


@pytest.mark.parametrize(("name", "source", "target"), STEPS, ids=lambda v: str(v))
def test_office_staff_take_every_step(visit, office, name, source, target):
    advance(visit, source, office)
    run(visit, name, office)
    assert visit.status == target
    assert Visit.objects.get(pk=visit.pk).status == target


@pytest.mark.parametrize(("name", "source", "target"), STEPS, ids=lambda v: str(v))
def test_leadership_takes_no_step_of_a_visit(visit, office, leader, name, source, target):
    advance(visit, source, office)
    with pytest.raises(PermissionDenied):
        run(visit, name, leader)
    assert Visit.objects.get(pk=visit.pk).status == source


@pytest.mark.parametrize(("name", "source", "target"), STEPS, ids=lambda v: str(v))
def test_a_liaison_takes_only_the_proposers_steps(visit, office, liaison, name, source, target):
    advance(visit, source, office)
    if name in LIAISON_STEPS:
        run(visit, name, liaison)
        assert visit.status == target
    else:
        with pytest.raises(PermissionDenied):
            run(visit, name, liaison)
        assert Visit.objects.get(pk=visit.pk).status == source


@pytest.mark.parametrize(
    ("name", "source"), [("submit", S.DRAFT), ("cancel", S.DRAFT), ("file_report", S.RETURNED)]
)
def test_a_liaison_takes_no_step_on_someone_elses_visit(office, liaison, name, source):
    visit = advance(draft_visit(user_in(LIAISON)), source, office)
    with pytest.raises(PermissionDenied):
        run(visit, name, liaison)
    assert Visit.objects.get(pk=visit.pk).status == source


def test_a_step_that_does_not_exist_is_refused(visit, office):
    with pytest.raises(ValidationError) as error:
        run(visit, "teleport", office)
    assert error.value.code == "unknown_transition"


@pytest.mark.parametrize(
    ("name", "state"),
    [("review", S.DRAFT), ("approve", S.SUBMITTED), ("close", S.APPROVED), ("depart", S.DRAFT)],
)
def test_a_step_from_the_wrong_state_is_refused(visit, office, name, state):
    advance(visit, state, office)
    with pytest.raises(ValidationError) as error:
        run(visit, name, office)
    assert error.value.code == "wrong_state"


# --- inbound visits ---------------------------------------------------------------------------


def test_an_inbound_visit_is_approved_received_and_closed(office):
    visit = VisitFactory(direction=Visit.Direction.INBOUND, off_plan_reason="", persons=8)
    for name, target in [("approve", S.APPROVED), ("receive", S.RECEIVED), ("close", S.CLOSED)]:
        run(visit, name, office)
        assert visit.status == target
    assert visit.approval_number == ""


def test_an_inbound_visit_has_no_submit_step(office):
    visit = VisitFactory(direction=Visit.Direction.INBOUND)
    with pytest.raises(ValidationError) as error:
        run(visit, "submit", office)
    assert error.value.code == "wrong_state"


# --- what each step requires ------------------------------------------------------------------


def test_submit_is_refused_while_a_blocking_finding_stands(liaison):
    visit = draft_visit(liaison, off_plan_reason="")
    with pytest.raises(ValidationError) as error:
        run(visit, "submit", liaison)
    assert error.value.messages == [blocking_message(visit)]
    assert Visit.objects.get(pk=visit.pk).status == S.DRAFT


def test_submit_is_refused_for_a_group_over_the_limit(liaison):
    visit = draft_visit(liaison)
    for n in range(5):
        VisitMember.objects.create(visit=visit, name=f"团员{n}")
    with pytest.raises(ValidationError) as error:
        run(visit, "submit", liaison)
    assert error.value.messages == [blocking_message(visit)]
    assert "7" in error.value.messages[0]


def test_submit_is_refused_without_members(liaison):
    visit = VisitFactory(proposed_by=liaison)
    with pytest.raises(ValidationError) as error:
        run(visit, "submit", liaison)
    assert error.value.messages == [_("List the members of the delegation.")]
    assert Visit.objects.get(pk=visit.pk).status == S.DRAFT


@pytest.mark.parametrize(
    ("fields", "code"),
    [({"off_plan_reason": ""}, "blocking_findings"), ({"persons": 1}, "incomplete")],
)
def test_a_refused_submit_says_which_kind_of_refusal(liaison, fields, code):
    visit = draft_visit(liaison, **fields)
    if code == "incomplete":
        visit.members.all().delete()
    with pytest.raises(ValidationError) as error:
        run(visit, "submit", liaison)
    assert [item.code for item in error.value.error_list] == [code]


def test_a_warning_does_not_stop_the_submit(visit, liaison):
    run(visit, "submit", liaison)  # outside the plan, with the reason: a warning
    assert visit.status == S.SUBMITTED


@pytest.mark.parametrize("missing", ["approval_number", "approval_file"])
def test_the_approve_form_requires_the_number_and_the_file(missing):
    data = {"approval_number": "粤外办批〔2025〕12号"}
    files = {"approval_file": pdf()}
    (data if missing == "approval_number" else files).pop(missing)
    form = ApproveForm(data=data, files=files)
    assert not form.is_valid()
    assert missing in form.errors


def test_approve_is_refused_with_a_blank_number(visit, office):
    advance(visit, S.OFFICE_REVIEW, office)
    with pytest.raises(ValidationError):
        run(visit, "approve", office, approval_number="  ")
    assert Visit.objects.get(pk=visit.pk).status == S.OFFICE_REVIEW


@pytest.mark.parametrize("missing", ["approval_number", "approval_file"])
def test_approve_without_the_number_or_the_file_is_refused(visit, office, missing):
    advance(visit, S.OFFICE_REVIEW, office)
    data = step_data("approve")
    del data[missing]
    with pytest.raises(ValidationError):
        transition_run(obj=visit, name="approve", user=office, data=data)
    assert Visit.objects.get(pk=visit.pk).status == S.OFFICE_REVIEW


def test_approve_with_an_empty_file_is_refused(visit, office):
    advance(visit, S.OFFICE_REVIEW, office)
    with pytest.raises(ValidationError):
        run(visit, "approve", office, approval_file=None)
    assert Visit.objects.get(pk=visit.pk).status == S.OFFICE_REVIEW


def test_approve_records_the_number_and_the_file(visit, office):
    advance(visit, S.APPROVED, office)
    stored = Visit.objects.get(pk=visit.pk)
    assert stored.approval_number == "粤外办批〔2025〕12号"
    assert stored.approval_file.name.endswith(".pdf")


def test_approve_is_refused_when_a_blocking_finding_arose_after_the_submit(visit, office):
    advance(visit, S.OFFICE_REVIEW, office)
    for n in range(5):
        VisitMember.objects.create(visit=visit, name=f"团员{n}")
    with pytest.raises(ValidationError) as error:
        run(visit, "approve", office)
    assert error.value.messages == [blocking_message(visit)]


@pytest.mark.parametrize("missing", ["briefing_on", "pledge_signed_on"])
def test_departure_needs_the_briefing_and_the_pledge(office, liaison, missing):
    visit = advance(draft_visit(liaison, **{missing: None}), S.APPROVED, office)
    with pytest.raises(ValidationError) as error:
        run(visit, "depart", office)
    assert error.value.code == "briefing"


def test_the_return_cannot_be_before_the_start(visit, office):
    advance(visit, S.DEPARTED, office)
    with pytest.raises(ValidationError):
        run(visit, "come_back", office, actual_end=PLANNED_START - timedelta(days=1))
    assert Visit.objects.get(pk=visit.pk).status == S.DEPARTED


def test_filing_the_report_records_its_date(visit, office):
    advance(visit, S.REPORT_FILED, office)
    assert visit.report_summary == "完成交流任务。"
    assert visit.report_submitted_on is not None


# --- cancellation -------------------------------------------------------------------------------


def test_the_cancel_form_requires_a_reason():
    form = CancelForm(data={"cancel_reason": ""})
    assert not form.is_valid()
    assert "cancel_reason" in form.errors


def test_cancel_with_a_blank_reason_is_refused(visit, office):
    with pytest.raises(ValidationError):
        run(visit, "cancel", office, cancel_reason="  ")
    assert Visit.objects.get(pk=visit.pk).status == S.DRAFT


def test_cancel_records_the_reason(visit, liaison):
    run(visit, "cancel", liaison)
    assert Visit.objects.get(pk=visit.pk).cancel_reason == "对方取消邀请"


@pytest.mark.parametrize("state", [S.DEPARTED, S.RETURNED, S.REPORT_FILED, S.CLOSED])
def test_cancel_is_impossible_after_departure(visit, office, state):
    advance(visit, state, office)
    with pytest.raises(ValidationError) as error:
        run(visit, "cancel", office)
    assert error.value.code == "wrong_state"
    assert Visit.objects.get(pk=visit.pk).status == state


# --- stale state --------------------------------------------------------------------------------


@pytest.mark.parametrize("second_step", ["review", "send_back"])
def test_a_step_on_a_stale_state_is_refused(visit, office, liaison, second_step):
    advance(visit, S.SUBMITTED, office)
    seen_by_other = Visit.objects.get(pk=visit.pk)
    run(visit, "review", office)
    with pytest.raises(ValidationError) as error:
        run(seen_by_other, second_step, user_in(OFFICE_STAFF))
    assert error.value.code == "wrong_state"
    assert seen_by_other.status == S.SUBMITTED  # the caller's object is left as it was
    assert Visit.objects.get(pk=visit.pk).status == S.OFFICE_REVIEW
    assert StateChange.objects.filter(object_id=visit.pk).count() == 2


# --- history and state changes ------------------------------------------------------------------


def test_each_step_writes_one_state_change_and_one_history_record(visit, liaison):
    changes, records = StateChange.objects.count(), visit.history.count()
    transition_run(obj=visit, name="submit", user=liaison, comment="请审核")
    assert StateChange.objects.count() == changes + 1
    assert visit.history.count() == records + 1
    change = StateChange.objects.get(object_id=visit.pk)
    assert (change.transition, change.source, change.target) == ("submit", S.DRAFT, S.SUBMITTED)
    assert (change.user, change.comment) == (liaison, "请审核")
    record = visit.history.first()
    assert (record.history_user, record.history_change_reason) == (liaison, "请审核")
    assert record.status == S.SUBMITTED


def test_the_comment_may_come_with_the_form_data(visit, office):
    advance(visit, S.SUBMITTED, office)
    run(visit, "send_back", office, comment="  请补充邀请函  ")
    assert StateChange.objects.filter(transition="send_back").get().comment == "请补充邀请函"
    assert visit.history.first().history_change_reason == "请补充邀请函"


def test_without_a_comment_the_history_names_the_step(visit, liaison):
    run(visit, "submit", liaison)
    assert visit.history.first().history_change_reason == str(
        VISIT_WORKFLOW.by_name["submit"].label
    )


def test_send_back_needs_a_comment(visit, office):
    advance(visit, S.SUBMITTED, office)
    with pytest.raises(ValidationError) as error:
        run(visit, "send_back", office, comment="")
    assert error.value.code == "comment"


def test_a_refused_step_writes_nothing(liaison):
    visit = draft_visit(liaison, off_plan_reason="")
    records = visit.history.count()
    with pytest.raises(ValidationError):
        run(visit, "submit", liaison)
    assert not StateChange.objects.exists()
    assert visit.history.count() == records


def test_a_long_comment_is_kept_in_full(visit, office):
    advance(visit, S.SUBMITTED, office)
    comment = "请补充邀请函和经费预算。" * 20  # 240 characters; the form allows 2000
    run(visit, "send_back", office, comment=comment)
    assert StateChange.objects.get(transition="send_back").comment == comment
    # simple-history's reason column holds 100 characters: the start of the comment
    assert visit.history.first().history_change_reason == comment[:100]


# --- who acts next: inbox and e-mail ------------------------------------------------------------


def _open_items(visit):
    return InboxItem.objects.for_object(visit).open()


def test_after_a_liaison_submits_every_active_office_user_is_told(
    visit, liaison, django_capture_on_commit_callbacks
):
    office = [user_in(OFFICE_STAFF), user_in(OFFICE_STAFF)]
    user_in(OFFICE_STAFF, is_active=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run(visit, "submit", liaison)
    assert {item.recipient for item in _open_items(visit)} == set(office)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(user.email for user in office)
    assert all(visit.title in m.subject for m in mail.outbox)


def test_an_office_user_without_an_address_gets_the_item_but_no_mail(
    visit, liaison, django_capture_on_commit_callbacks
):
    silent = user_in(OFFICE_STAFF, email="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run(visit, "submit", liaison)
    assert [item.recipient for item in _open_items(visit)] == [silent]
    assert mail.outbox == []


def test_a_refused_step_sends_no_mail(liaison, django_capture_on_commit_callbacks):
    user_in(OFFICE_STAFF)
    visit = draft_visit(liaison, off_plan_reason="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        run(visit, "submit", liaison)
    assert mail.outbox == []
    assert not _open_items(visit).exists()


def test_the_liaison_is_told_when_the_office_sends_the_visit_back(
    visit, office, liaison, django_capture_on_commit_callbacks
):
    run(visit, "submit", liaison)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run(visit, "send_back", office)
    assert [item.recipient for item in _open_items(visit)] == [liaison]
    assert [m.to for m in mail.outbox] == [[liaison.email]]


def test_the_items_close_when_the_next_step_is_taken(visit, office, liaison):
    run(visit, "submit", liaison)
    item = _open_items(visit).get(recipient=office)
    run(visit, "send_back", office)
    item.refresh_from_db()
    assert item.closed_at is not None
    assert list(_open_items(visit).values_list("recipient", flat=True)) == [liaison.pk]


def test_a_step_without_a_next_actor_closes_the_items(visit, office):
    advance(visit, S.APPROVED, office)
    assert _open_items(visit).exists()  # the proposer: attend the briefing
    run(visit, "depart", office)
    assert not _open_items(visit).exists()


def test_the_actor_gets_no_item_of_their_own(visit, office, liaison):
    colleague = user_in(OFFICE_STAFF)
    run(visit, "submit", office)
    assert set(_open_items(visit).values_list("recipient", flat=True)) == {colleague.pk}


def test_leadership_is_told_when_a_report_is_submitted(
    office, leader, django_capture_on_commit_callbacks
):
    report = AnnualReportFactory(prepared_by=office)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(report=report, user=office)
    items = InboxItem.objects.for_object(report).open()
    assert [item.recipient for item in items] == [leader]
    assert [m.to for m in mail.outbox] == [[leader.email]]


# --- travel documents ---------------------------------------------------------------------------


def hand_out(passport, visit, user, **data):
    data = {"visit": visit, "handed_out_on": date(2025, 10, 30), **data}
    return transition_run(obj=passport, name="hand_out", user=user, data=data)


@pytest.fixture
def approved(visit, office):
    return advance(visit, S.APPROVED, office)


def test_a_passport_is_handed_out_for_an_approved_visit_due_back_7_days_after_the_return(
    approved, office
):
    passport = hand_out(PassportCustodyFactory(), approved, office)
    stored = PassportCustody.objects.get(pk=passport.pk)
    assert stored.status == PassportCustody.Status.HANDED_OUT
    assert stored.visit == approved
    assert stored.due_back_on == PLANNED_END + timedelta(days=7)


def test_due_back_follows_the_setting(approved, office, settings):
    settings.PASSPORT_DUE_BACK_DAYS = 10
    passport = hand_out(PassportCustodyFactory(), approved, office)
    assert passport.due_back_on == PLANNED_END + timedelta(days=10)


def test_due_back_is_recomputed_from_the_actual_return(approved, office):
    passport = hand_out(PassportCustodyFactory(), approved, office)
    run(approved, "depart", office, actual_start=PLANNED_START + timedelta(days=1))
    actual_end = PLANNED_END + timedelta(days=3)
    run(
        approved,
        "come_back",
        office,
        actual_start=PLANNED_START + timedelta(days=1),
        actual_end=actual_end,
    )
    passport.refresh_from_db()
    assert passport.due_back_on == actual_end + timedelta(days=7)


def test_a_document_already_taken_back_keeps_its_dates_on_the_return(approved, office):
    passport = hand_out(PassportCustodyFactory(), approved, office)
    transition_run(
        obj=passport, name="take_back", user=office, data={"returned_on": date(2025, 10, 31)}
    )
    run(approved, "depart", office)
    run(approved, "come_back", office, actual_end=PLANNED_END + timedelta(days=3))
    passport.refresh_from_db()
    assert passport.due_back_on == PLANNED_END + timedelta(days=7)


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.OFFICE_REVIEW])
def test_a_passport_is_not_handed_out_before_the_approval(visit, office, state):
    advance(visit, state, office)
    passport = PassportCustodyFactory()
    with pytest.raises(ValidationError) as error:
        hand_out(passport, visit, office)
    assert error.value.code == "not_approved"
    assert PassportCustody.objects.get(pk=passport.pk).status == PassportCustody.Status.IN_CUSTODY


@pytest.mark.parametrize("missing", ["briefing_on", "pledge_signed_on"])
def test_a_passport_is_not_handed_out_before_the_briefing_and_pledge(office, liaison, missing):
    visit = advance(draft_visit(liaison, **{missing: None}), S.APPROVED, office)
    with pytest.raises(ValidationError) as error:
        hand_out(PassportCustodyFactory(), visit, office)
    assert error.value.code == "briefing"


def test_a_hong_kong_macau_permit_is_not_handed_out_for_a_trip_abroad(approved, office):
    permit = PassportCustodyFactory(kind=PassportCustody.Kind.HK_MACAU_PERMIT)
    with pytest.raises(ValidationError) as error:
        hand_out(permit, approved, office)
    assert error.value.code == "wrong_document"


def test_a_passport_is_not_handed_out_for_a_trip_to_macau(office, liaison):
    visit = advance(draft_visit(liaison, destinations=["MO"]), S.APPROVED, office)
    with pytest.raises(ValidationError) as error:
        hand_out(PassportCustodyFactory(), visit, office)
    assert error.value.code == "wrong_document"
    hand_out(PassportCustodyFactory(kind=PassportCustody.Kind.HK_MACAU_PERMIT), visit, office)


def test_a_document_is_taken_back(approved, office):
    passport = hand_out(PassportCustodyFactory(), approved, office)
    transition_run(
        obj=passport, name="take_back", user=office, data={"returned_on": date(2025, 11, 9)}
    )
    stored = PassportCustody.objects.get(pk=passport.pk)
    assert stored.status == PassportCustody.Status.IN_CUSTODY
    assert stored.returned_on == date(2025, 11, 9)


def test_a_document_is_not_taken_back_before_it_was_handed_out(approved, office):
    passport = hand_out(PassportCustodyFactory(), approved, office)
    with pytest.raises(ValidationError):
        transition_run(
            obj=passport, name="take_back", user=office, data={"returned_on": date(2025, 10, 29)}
        )
    assert PassportCustody.objects.get(pk=passport.pk).status == PassportCustody.Status.HANDED_OUT


@pytest.mark.parametrize("role", [LEADERSHIP, LIAISON])
def test_only_the_office_hands_out_and_takes_back_documents(approved, office, role):
    user = user_in(role)
    passport = PassportCustodyFactory()
    with pytest.raises(PermissionDenied):
        hand_out(passport, approved, user)
    hand_out(passport, approved, office)
    with pytest.raises(PermissionDenied):
        transition_run(
            obj=passport, name="take_back", user=user, data={"returned_on": date(2025, 11, 9)}
        )


def test_the_recomputed_due_date_names_who_recorded_the_return(approved, office):
    passport = hand_out(PassportCustodyFactory(), approved, office)
    run(approved, "depart", office)
    run(approved, "come_back", office, actual_end=PLANNED_END + timedelta(days=3))
    record = PassportCustody.objects.get(pk=passport.pk).history.first()
    assert record.due_back_on == PLANNED_END + timedelta(days=10)
    assert record.history_user == office


def test_a_user_marks_a_notice_done_but_not_someone_elses(client, visit, office, liaison):
    advance(visit, S.SUBMITTED, office)
    item = _open_items(visit).first()
    other = liaison if item.recipient != liaison else office
    client.force_login(other)
    assert client.post(reverse("inbox_done", args=[item.pk])).status_code == 404
    client.force_login(item.recipient)
    assert client.post(reverse("inbox_done", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.closed_at is not None


@pytest.mark.parametrize("step", ["depart", "come_back"])
def test_a_step_cannot_record_a_date_after_today(approved, office, step):
    from exchanges.workflows import ComeBackForm, DepartForm

    form_class = {"depart": DepartForm, "come_back": ComeBackForm}[step]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    form = form_class({"actual_start": tomorrow, "actual_end": tomorrow})
    assert not form.is_valid()
    assert form.errors["actual_start"]


def test_departure_is_refused_while_a_blocking_finding_stands(approved, office):
    # An office edit after the approval made the trip too long for an official group.
    Visit.objects.filter(pk=approved.pk).update(planned_end=approved.planned_start + timedelta(20))
    approved.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        run(approved, "depart", office)
    assert refused.value.code == "blocking_findings"


def test_a_one_person_office_gets_the_item_of_its_own_review(visit, office):
    advance(visit, S.SUBMITTED, office)
    Group.objects.get(name=OFFICE_STAFF).user_set.exclude(pk=office.pk).update(is_active=False)
    run(visit, "review", office)
    assert list(_open_items(visit).values_list("recipient", flat=True)) == [office.pk]


def test_a_liaisons_project_proposal_reaches_the_office(client, liaison, office):
    from exchanges.models import ExchangeProject

    client.force_login(liaison)
    response = client.post(
        reverse("exchanges:exchangeproject_add"),
        {"name": "护理学院赴泰国见习项目", "kind": "student_exchange"},
    )
    assert response.status_code == 302
    project = ExchangeProject.objects.get()
    assert project.status == ExchangeProject.Status.PROPOSED
    assert InboxItem.objects.for_object(project).open().filter(recipient=office).exists()
