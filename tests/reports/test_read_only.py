"""An approved report, its parts and its sections are read-only on every path.

Each refusal says why: the message names the report (code `read_only`).
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from foreign_affairs.history import deleted_records, record_restore
from foreign_affairs.roles import LEADERSHIP, OFFICE_STAFF
from reports import services
from reports.importer import ReportImportError, report_import
from reports.models import AnnualReport, ReportPart, ReportSection
from tests.factories import UserFactory, admin_form_data, admin_url
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory

pytestmark = pytest.mark.django_db

IMPORTED = "2020年外事工作总结\n\n一、对外交流\n\n接待来访团组3批。\n"


def user_in(role: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def draft():
    """A draft report of 2020 with one part of two sections."""
    report = AnnualReportFactory(year=2020)
    part = ReportPartFactory(report=report, order=1)
    ReportSectionFactory(part=part, order=1, title="对外交流")
    ReportSectionFactory(part=part, order=2, title="外籍教师")
    return report


def approve(report: AnnualReport) -> AnnualReport:
    """Submit the report as office staff and approve it as a leader (renders the PDF)."""
    services.report_submit(report=report, user=user_in(OFFICE_STAFF))
    services.report_approve(report=report, user=user_in(LEADERSHIP))
    assert AnnualReport.objects.get(pk=report.pk).status == AnnualReport.Status.APPROVED
    return report


@pytest.fixture
def approved(draft):
    return approve(draft)


@pytest.fixture
def part(approved):
    return approved.parts.get()


@pytest.fixture
def section(part):
    return part.sections.get(order=1)


def assert_read_only(error: ValidationError, report: AnnualReport) -> None:
    """The refusal is the read-only one and names the report."""
    assert error.code == "read_only"
    assert report.title in error.message % (error.params or {})


def test_the_approved_report_is_not_saved(approved):
    approved.preface = "改过的前言"
    with pytest.raises(ValidationError) as error:
        approved.save()
    assert_read_only(error.value, approved)
    assert AnnualReport.objects.get(pk=approved.pk).preface != "改过的前言"


def test_a_part_of_the_approved_report_is_not_saved(approved, part):
    part.intro = "改过的引言"
    with pytest.raises(ValidationError) as error:
        part.save()
    assert_read_only(error.value, approved)
    assert ReportPart.objects.get(pk=part.pk).intro != "改过的引言"


def test_a_section_of_the_approved_report_is_not_saved(approved, section):
    section.body = "改过的正文"
    with pytest.raises(ValidationError) as error:
        section.save()
    assert_read_only(error.value, approved)
    assert ReportSection.objects.get(pk=section.pk).body != "改过的正文"


def test_full_clean_refuses_a_change_too(approved, section):
    section.body = "改过的正文"
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert error.value.messages == [approved_message(approved)]


def approved_message(report) -> str:
    with pytest.raises(ValidationError) as error:
        AnnualReport.objects.get(pk=report.pk).save()
    return error.value.messages[0]


@pytest.mark.parametrize("how", ["full_clean", "save"])
def test_no_section_is_added_to_a_part_of_the_approved_report(approved, part, how):
    new = ReportSection(part=part, order=3, title="新增一节", body="")
    with pytest.raises(ValidationError) as error:
        getattr(new, how)()
    if how == "save":
        assert_read_only(error.value, approved)
    else:
        assert error.value.messages == [approved_message(approved)]
    assert part.sections.count() == 2


def test_the_section_service_refuses_too(approved, part):
    with pytest.raises(ValidationError) as error:
        services.section_add(part=part, title="新增一节")
    assert_read_only(error.value, approved)
    assert part.sections.count() == 2


def test_no_part_is_added_to_the_approved_report(approved):
    with pytest.raises(ValidationError) as error:
        ReportPart(report=approved, kind=ReportPart.Kind.PLAN, title="计划", order=2).save()
    assert_read_only(error.value, approved)


def test_a_section_is_not_moved_out_of_the_approved_report(approved, section):
    other = ReportPartFactory(report=AnnualReportFactory(year=2021), order=1)
    section.part = other
    with pytest.raises(ValidationError) as error:
        section.save()
    assert_read_only(error.value, approved)
    assert ReportSection.objects.get(pk=section.pk).part.report == approved


def test_a_section_is_not_deleted(approved, section):
    with pytest.raises(ValidationError) as error:
        section.delete()
    assert_read_only(error.value, approved)
    assert ReportSection.objects.filter(pk=section.pk).exists()


def test_the_approved_report_is_not_deleted(approved):
    with pytest.raises(ValidationError) as error:
        approved.delete()
    assert_read_only(error.value, approved)
    assert AnnualReport.objects.filter(pk=approved.pk).exists()


def delete_then_approve(draft):
    """Delete a section of the draft, approve the report; return the deletion's record."""
    gone = ReportSection.objects.get(part__report=draft, order=2)
    pk = gone.pk
    gone.delete()
    approve(draft)
    return deleted_records(ReportSection).get(id=pk)


def test_a_section_deleted_in_the_draft_is_not_restored_after_the_approval(draft):
    record = delete_then_approve(draft)
    with pytest.raises(ValidationError) as error:
        record_restore(record=record, user=user_in(OFFICE_STAFF))
    assert error.value.messages == [approved_message(draft)]
    assert not ReportSection.objects.filter(pk=record.id).exists()


# --- the admin ----------------------------------------------------------------------------------


def test_the_admin_add_page_refuses_a_section_of_the_approved_report(
    client, superuser, approved, part
):
    client.force_login(superuser)
    data = admin_form_data(client.get(admin_url(ReportSection, "add")))
    data.update(part=str(part.pk), order="3", title="新增一节", body="正文")
    response = client.post(admin_url(ReportSection, "add"), data)
    assert response.status_code == 200  # the form again, with the reason
    assert approved_message(approved) in response.content.decode()
    assert part.sections.count() == 2


def test_the_admin_change_page_is_read_only(client, superuser, section):
    client.force_login(superuser)
    page = client.get(admin_url(ReportSection, "change", section.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(
        admin_url(ReportSection, "change", section.pk),
        {
            "part": section.part_id,
            "order": 1,
            "title": "改过",
            "body": "",
            "version": section.version,
        },
    )
    assert response.status_code == 403
    assert ReportSection.objects.get(pk=section.pk).title == "对外交流"


def test_the_admin_delete_page_refuses(client, superuser, section):
    client.force_login(superuser)
    url = admin_url(ReportSection, "delete", section.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert ReportSection.objects.filter(pk=section.pk).exists()


def test_the_admin_delete_action_refuses(client, superuser, section):
    client.force_login(superuser)
    client.post(
        admin_url(ReportSection, "changelist"),
        {"action": "delete_selected", "_selected_action": [section.pk], "post": "yes"},
    )
    assert ReportSection.objects.filter(pk=section.pk).exists()


def test_the_admin_restore_refuses(client, superuser, draft):
    record = delete_then_approve(draft)
    client.force_login(superuser)
    response = client.post(admin_url(ReportSection, "restore", record.history_id), follow=True)
    assert approved_message(draft) in response.content.decode()
    assert not ReportSection.objects.filter(pk=record.id).exists()


# --- the importer -------------------------------------------------------------------------------


def test_the_importer_does_not_replace_the_approved_report(approved):
    sections = set(ReportSection.objects.values_list("pk", flat=True))
    with pytest.raises(ReportImportError) as error:
        report_import(
            file=io.BytesIO(IMPORTED.encode()), filename="2020.txt", year=2020, replace=True
        )
    assert error.value.code == "read_only"
    assert error.value.messages == [approved_message(approved)]
    assert AnnualReport.objects.get(pk=approved.pk).status == AnnualReport.Status.APPROVED
    assert set(ReportSection.objects.values_list("pk", flat=True)) == sections


def test_a_draft_report_stays_editable(draft):
    section = ReportSection.objects.filter(part__report=draft).first()
    section.body = "改过的正文"
    section.full_clean()
    section.save()
    assert ReportSection.objects.get(pk=section.pk).body == "改过的正文"


# --- every other path (issue 10 item 7): one rule, the workflow layer's -------------------------


def test_a_bulk_update_of_sections_is_refused(approved, section):
    with pytest.raises(ValidationError) as error:
        ReportSection.objects.filter(pk=section.pk).update(body="改过的正文")
    assert_read_only(error.value, approved)
    with pytest.raises(ValidationError):
        section.body = "改过的正文"
        ReportSection.objects.bulk_update([section], ["body"])
    with pytest.raises(ValidationError):
        approved.parts.update(intro="改过的引言")
    assert ReportSection.objects.get(pk=section.pk).body != "改过的正文"


def test_a_bulk_delete_of_sections_is_refused(approved, part):
    with pytest.raises(ValidationError) as error:
        ReportSection.objects.filter(part=part).delete()
    assert_read_only(error.value, approved)
    with pytest.raises(ValidationError):
        AnnualReport.objects.filter(pk=approved.pk).delete()
    assert part.sections.count() == 2


def test_a_bulk_create_of_a_section_is_refused(approved, part):
    with pytest.raises(ValidationError) as error:
        ReportSection.objects.bulk_create([ReportSection(part=part, order=3, title="新增一节")])
    assert_read_only(error.value, approved)
    assert part.sections.count() == 2


def test_bulk_writes_to_a_draft_still_work(draft):
    part = draft.parts.get()
    assert ReportSection.objects.filter(part=part).update(body="草稿正文") == 2
    ReportSection.objects.filter(part=part, order=2).delete()
    assert list(part.sections.values_list("body", flat=True)) == ["草稿正文"]


def test_the_admin_offers_no_inline_row_to_add_under_the_approved_report(
    client, superuser, approved, part
):
    client.force_login(superuser)
    url = admin_url(ReportPart, "change", part.pk)
    page = client.get(url)
    assert page.status_code == 200
    [sections] = [
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.opts.model is ReportSection
    ]
    assert not sections.has_add_permission
    assert not sections.has_change_permission and not sections.has_delete_permission
    response = client.post(
        url,
        {
            "sections-TOTAL_FORMS": "3",
            "sections-INITIAL_FORMS": "2",
            "sections-2-order": "3",
            "sections-2-title": "新增一节",
            "sections-2-body": "正文",
            "sections-2-part": str(part.pk),
        },
    )
    assert response.status_code == 403
    assert part.sections.count() == 2


def test_the_admin_add_page_refuses_a_part_of_the_approved_report(client, superuser, approved):
    client.force_login(superuser)
    data = admin_form_data(client.get(admin_url(ReportPart, "add")))
    data.update(report=str(approved.pk), kind="plan", order="2", title="2021年工作计划")
    response = client.post(admin_url(ReportPart, "add"), data)
    assert response.status_code == 200
    assert approved_message(approved) in response.content.decode()
    assert approved.parts.count() == 1


def test_the_admin_revert_of_a_section_of_the_approved_report_is_refused(client, superuser, draft):
    section = ReportSection.objects.get(part__report=draft, order=1)
    first = section.history.earliest("history_date")
    section.body = "第二稿"
    section.save()
    approve(draft)
    client.force_login(superuser)
    url = admin_url(ReportSection, "simple_history", section.pk, first.history_id)

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no revert button
    data = {"part": section.part_id, "order": 1, "title": "对外交流", "body": "初稿"}
    response = client.post(url, {**data, "version": section.version})
    assert response.status_code == 403
    assert ReportSection.objects.get(pk=section.pk).body == "第二稿"


def test_the_admin_revert_cannot_bring_back_a_section_deleted_in_the_draft(
    client, superuser, draft
):
    record = delete_then_approve(draft)
    created = ReportSection.history.get(id=record.id, history_type="+")
    client.force_login(superuser)
    url = admin_url(ReportSection, "simple_history", record.id, created.history_id)
    response = client.post(
        url, {"part": record.part_id, "order": 2, "title": "外籍教师", "body": "", "version": 1}
    )
    assert response.status_code == 403
    assert not ReportSection.objects.filter(pk=record.id).exists()


def test_the_admin_restore_preview_says_why_and_offers_no_button(client, superuser, draft):
    record = delete_then_approve(draft)
    client.force_login(superuser)
    page = client.get(admin_url(ReportSection, "restore", record.history_id))
    assert page.status_code == 200
    html = page.content.decode()
    assert approved_message(draft) in html
    assert 'id="confirm-restore"' not in html


def test_a_part_deleted_whole_in_the_draft_is_not_restored_after_the_approval(client, draft):
    part = draft.parts.get()
    pk = part.pk
    part.delete()  # with its two sections, as one deletion
    approve(draft)
    record = ReportPart.history.get(id=pk, history_type="-")
    with pytest.raises(ValidationError) as error:
        record_restore(record=record, user=user_in(OFFICE_STAFF))
    assert approved_message(draft) in error.value.messages
    assert not ReportPart.objects.filter(pk=pk).exists()
    assert not ReportSection.objects.filter(part_id=pk).exists()


def test_a_section_whose_part_is_gone_is_refused_clearly_not_with_a_server_error(draft):
    part = draft.parts.get()
    section = part.sections.get(order=1)
    pk, part_pk = section.pk, part.pk
    section.delete()
    part.delete()
    record = ReportSection.history.get(id=pk, history_type="-")
    with pytest.raises(ValidationError) as error:
        record_restore(record=record, user=user_in(OFFICE_STAFF))
    [message] = error.value.messages  # the part it belonged to is named as gone
    assert f"#{part_pk}" in message
    assert not ReportSection.objects.filter(pk=pk).exists()


def test_a_closed_visit_keeps_its_members_on_bulk_writes(db):
    from exchanges.models import Visit, VisitMember
    from tests.exchanges.factories import VisitFactory, VisitMemberFactory

    visit = VisitFactory()
    member = VisitMemberFactory(visit=visit, name="王芳")
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.CLOSED)  # as its workflow ends
    with pytest.raises(ValidationError) as error:
        VisitMember.objects.filter(pk=member.pk).update(name="李强")
    assert error.value.code == "read_only"
    with pytest.raises(ValidationError):
        VisitMember.objects.filter(visit=visit).delete()
    with pytest.raises(ValidationError):
        Visit.objects.filter(pk=visit.pk).update(title="改过的标题")
    assert VisitMember.objects.get(pk=member.pk).name == "王芳"
