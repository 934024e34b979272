"""A deleted record comes back whole (issue 10 item 8).

Reproductions: a teacher deleted with their 4 documents, contract, qualification check and
incident came back alone; a project without its partners and participants; a visit without
its institutions. Deletion now records everything it takes along (`DeletionBatch`), the
restore page shows it all before the user confirms, and the restore brings every row and
link back with the same values, in one transaction, or nothing with the reason.
"""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from exchanges.models import ExchangeProject, Participant, PassportCustody, Visit, VisitMember
from faculty.models import (
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
)
from foreign_affairs.history import deleted_records, record_restore, restore_plan
from foreign_affairs.models import DeletedRow, DeletionBatch
from foreign_affairs.roles import OFFICE_STAFF
from partners.models import Institution
from tests.exchanges.factories import (
    ExchangeProjectFactory,
    ParticipantFactory,
    PassportCustodyFactory,
    VisitFactory,
    VisitMemberFactory,
)
from tests.factories import UserFactory, admin_url, violation_message
from tests.faculty.factories import (
    ContractFactory,
    ForeignTeacherFactory,
    IdentityDocumentFactory,
    IncidentFactory,
    QualificationCheckFactory,
)
from tests.partners.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

DOCUMENT_KINDS = (
    IdentityDocument.Kind.PASSPORT,
    IdentityDocument.Kind.WORK_PERMIT,
    IdentityDocument.Kind.RESIDENCE_PERMIT,
    IdentityDocument.Kind.HEALTH_CERTIFICATE,
    IdentityDocument.Kind.CRIMINAL_RECORD,
    IdentityDocument.Kind.VISA,
    IdentityDocument.Kind.DEGREE_CERTIFICATION,
    IdentityDocument.Kind.MAINLAND_TRAVEL_PERMIT,
)


@pytest.fixture
def staff(client):
    user = UserFactory(username="chen", first_name="陈晓燕", last_name="")
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))
    client.force_login(user)
    return user


def stored(obj) -> dict:
    """Return the stored values of a row, but `updated` (a restore is a change)."""
    row = type(obj)._base_manager.get(pk=obj.pk)
    return {
        field.attname: getattr(row, field.attname)
        for field in type(obj)._meta.concrete_fields
        if field.name != "updated"
    }


def snapshot(*objs) -> dict:
    return {(type(obj), obj.pk): stored(obj) for obj in objs}


def make_teacher(documents: int = 4, name: str = "Carter"):
    """A teacher with `documents` documents, a contract, a check, an incident, an assistant."""
    teacher = ForeignTeacherFactory(family_name=name, given_name="Emily", phone="13812345678")
    teacher.assistants.add(UserFactory(username=f"assistant-{name}"))
    rows = [
        IdentityDocumentFactory(teacher=teacher, kind=kind, number=f"{name}{index:04d}")
        for index, kind in enumerate(DOCUMENT_KINDS[:documents])
    ]
    rows += [
        ContractFactory(teacher=teacher, position="英语外教"),
        QualificationCheckFactory(teacher=teacher, year=2025),
        IncidentFactory(teacher=teacher, description="课时费结算争议"),
    ]
    return teacher, rows


def restore_url(model, history_id) -> str:
    opts = model._meta
    return reverse(f"{opts.app_label}:{opts.model_name}_restore", args=[history_id])


def deletion_of(model, pk):
    return model.history.get(**{model._meta.pk.attname: pk, "history_type": "-"})


# --- the teacher -------------------------------------------------------------------------------


def test_a_teacher_comes_back_with_documents_contract_check_incident(client, staff):
    teacher, rows = make_teacher()
    assistants = set(teacher.assistants.values_list("pk", flat=True))
    before = snapshot(teacher, *rows)

    page = client.get(reverse("faculty:foreignteacher_delete", args=[teacher.pk]))
    taken = {str(item["model"]): item["count"] for item in page.context["taken_along"]}
    assert taken[str(IdentityDocument._meta.verbose_name_plural)] == 4  # said before deleting
    assert taken[str(Contract._meta.verbose_name_plural)] == 1
    response = client.post(reverse("faculty:foreignteacher_delete", args=[teacher.pk]))
    assert response.status_code == 302
    assert not ForeignTeacher.objects.exists() and not IdentityDocument.objects.exists()
    batch = DeletionBatch.objects.get()
    assert (batch.user, batch.object_id) == (staff, teacher.pk)
    assert batch.rows.count() == 1 + len(rows)
    assert [link["model"] for link in batch.links] == ["faculty.foreignteacher_assistants"]

    # Only the teacher is listed: the rows it took along come back with it.
    assert [r.id for r in client.get(reverse("faculty:foreignteacher_deleted")).context["records"]]
    assert not list(deleted_records(IdentityDocument))
    record = deletion_of(ForeignTeacher, teacher.pk)

    preview = client.get(restore_url(ForeignTeacher, record.history_id))
    assert preview.status_code == 200
    html = preview.content.decode()
    for row in rows:
        assert str(row) in html  # every row is named
    summary = {str(group["model"]): group["count"] for group in preview.context["summary"]}
    assert summary[str(IdentityDocument._meta.verbose_name_plural)] == 4
    assert summary[str(Contract._meta.verbose_name_plural)] == 1
    assert summary[str(QualificationCheck._meta.verbose_name_plural)] == 1
    assert summary[str(Incident._meta.verbose_name_plural)] == 1
    assert summary[str(ForeignTeacher._meta.verbose_name_plural)] == 1
    assert 'id="confirm-restore"' in html
    assert not ForeignTeacher.objects.exists()  # the preview restores nothing

    response = client.post(restore_url(ForeignTeacher, record.history_id))
    assert response.status_code == 302
    assert snapshot(teacher, *rows) == before  # same values, `created` included
    assert set(ForeignTeacher.objects.get().assistants.values_list("pk", flat=True)) == assistants
    assert ForeignTeacher.objects.get().history.first().history_user == staff
    batch.refresh_from_db()
    assert (batch.restored_by, batch.restored_at is not None) == (staff, True)
    assert not list(deleted_records(ForeignTeacher))


def test_the_preview_makes_a_fixed_number_of_queries(client, staff):
    """The preview reads per kind of record, not per row: 4 or 8 documents, same queries."""
    counts = []
    for documents, name in ((4, "Small"), (8, "Large")):
        teacher, _rows = make_teacher(documents, name)
        pk = teacher.pk
        teacher.delete()
        record = deletion_of(ForeignTeacher, pk)
        url = restore_url(ForeignTeacher, record.history_id)
        client.get(url)  # warm the content-type cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 25


@pytest.mark.parametrize("documents", [4, 8])
def test_the_plan_reads_each_kind_of_record_once(django_assert_num_queries, documents):
    """The row asked for with its batch and user, the batch's rows; per kind of record
    (teacher, documents, contract, check, incident) its history rows, then whether any
    exists again; the assistant's account (a link's other end: does it exist, its name)."""
    teacher, _rows = make_teacher(documents)
    pk = teacher.pk
    teacher.delete()
    record = deletion_of(ForeignTeacher, pk)
    ContentType.objects.get_for_models(*{type(row) for row in _rows}, ForeignTeacher)

    with django_assert_num_queries(2 + 5 + 5 + 1 + 1):
        plan = restore_plan(record)
        summary = plan.summary()

    assert not plan.problems
    assert sum(group["count"] for group in summary) == 1 + documents + 3 + 1


def test_restore_is_refused_whole_when_a_unique_value_is_taken_since(client, staff):
    teacher, rows = make_teacher()
    pk = teacher.pk
    teacher.delete()
    record = deletion_of(ForeignTeacher, pk)
    # Someone enters the same passport again before the teacher is restored.
    other = ForeignTeacherFactory(family_name="Other")
    IdentityDocumentFactory(teacher=other, kind=IdentityDocument.Kind.PASSPORT, number="Carter0000")

    response = client.post(restore_url(ForeignTeacher, record.history_id), follow=True)

    assert response.status_code == 200
    [message] = [str(message) for message in response.context["messages"]]
    with translation.override("zh-hans"):
        expected = violation_message(IdentityDocument, "document_unique_kind_number")
    assert expected in message and "护照" in message  # which row, and why
    assert list(ForeignTeacher.objects.all()) == [other]  # nothing of the batch came back
    assert IdentityDocument.objects.count() == 1
    assert not Contract.objects.exists()


def test_restore_of_a_row_whose_parent_is_gone_is_refused_with_the_reason(client, staff):
    teacher, rows = make_teacher()
    document = rows[0]
    pk = document.pk
    document.delete()  # deleted on its own: listed with the documents
    teacher.delete()
    record = deletion_of(IdentityDocument, pk)
    assert record in deleted_records(IdentityDocument)

    preview = client.get(restore_url(IdentityDocument, record.history_id))
    assert preview.status_code == 200
    [problem] = preview.context["plan"].problems  # the teacher is gone: named by kind and id
    assert f"#{pk}" in problem and problem in preview.content.decode()
    assert 'id="confirm-restore"' not in preview.content.decode()

    response = client.post(restore_url(IdentityDocument, record.history_id), follow=True)
    assert response.status_code == 200
    assert not IdentityDocument.objects.exists()


def test_a_record_deleted_before_batches_is_restored_on_its_own(staff):
    teacher = ForeignTeacherFactory()
    document = IdentityDocumentFactory(teacher=teacher)
    before = stored(document)
    IdentityDocument.objects.filter(pk=document.pk).delete()  # a bulk delete: no batch
    record = deletion_of(IdentityDocument, document.pk)
    assert not DeletedRow.objects.exists()

    restored = record_restore(record=record, user=staff)

    assert stored(restored) == before


# --- the project -------------------------------------------------------------------------------


def test_a_project_comes_back_with_partners_and_participants_in_the_admin(admin_client, admin_user):
    partners = [InstitutionFactory(), InstitutionFactory()]
    project = ExchangeProjectFactory(name="澳门镜湖护理学院交换项目")
    project.partners.set(partners)
    participants = [ParticipantFactory(project=project) for _ in range(3)]
    before = snapshot(project, *participants)

    confirm = admin_client.get(admin_url(ExchangeProject, "delete", project.pk))
    assert confirm.status_code == 200
    admin_client.post(admin_url(ExchangeProject, "delete", project.pk), {"post": "yes"})
    assert not Participant.objects.exists()
    assert not ExchangeProject.partners.through.objects.exists()
    record = deletion_of(ExchangeProject, project.pk)

    preview = admin_client.get(admin_url(ExchangeProject, "restore", record.history_id))
    assert preview.status_code == 200
    html = preview.content.decode()
    for row in [*participants, *partners]:
        assert str(row) in html
    summary = {str(group["model"]): group["count"] for group in preview.context["summary"]}
    assert summary[str(Participant._meta.verbose_name_plural)] == 3
    assert summary[str(Institution._meta.verbose_name_plural)] == 2  # the links

    response = admin_client.post(admin_url(ExchangeProject, "restore", record.history_id))
    assert response.status_code == 302
    assert snapshot(project, *participants) == before
    restored = ExchangeProject.objects.get()
    assert set(restored.partners.all()) == set(partners)
    assert restored.history.first().history_user == admin_user


def test_a_project_whose_partner_is_gone_is_not_restored_by_half(client, staff):
    partner = InstitutionFactory()
    project = ExchangeProjectFactory()
    project.partners.add(partner)
    ParticipantFactory(project=project)
    pk = project.pk
    project.delete()
    partner.delete()
    record = deletion_of(ExchangeProject, pk)

    plan = restore_plan(record)
    assert plan.problems
    response = client.post(restore_url(ExchangeProject, record.history_id), follow=True)

    assert response.status_code == 200
    assert not ExchangeProject.objects.exists() and not Participant.objects.exists()


# --- the visit ---------------------------------------------------------------------------------


def test_a_visit_comes_back_with_institutions_members_and_its_passports(client, staff):
    institutions = [InstitutionFactory(), InstitutionFactory()]
    visit = VisitFactory(title="赴马来西亚交流访问团")
    visit.institutions.set(institutions)
    members = [VisitMemberFactory(visit=visit, name=name) for name in ("王芳", "李强")]
    passport = PassportCustodyFactory()
    PassportCustody.objects.filter(pk=passport.pk).update(
        visit=visit, returned_on=date(2025, 11, 9)
    )
    before = snapshot(visit, *members)

    client.post(reverse("exchanges:visit_delete", args=[visit.pk]))
    assert not Visit.objects.exists() and not VisitMember.objects.exists()
    assert PassportCustody.objects.get().visit is None
    record = deletion_of(Visit, visit.pk)

    preview = client.get(restore_url(Visit, record.history_id))
    html = preview.content.decode()
    for row in [*members, *institutions]:
        assert str(row) in html
    response = client.post(restore_url(Visit, record.history_id))

    assert response.status_code == 302
    assert snapshot(visit, *members) == before
    restored = Visit.objects.get()
    assert set(restored.institutions.all()) == set(institutions)
    assert PassportCustody.objects.get().visit == restored  # pointed at it again


def test_a_liaison_cannot_see_the_preview(client):
    visit = VisitFactory()
    pk = visit.pk
    visit.delete()
    liaison = UserFactory()
    liaison.groups.add(Group.objects.get(name="liaison"))
    client.force_login(liaison)
    record = deletion_of(Visit, pk)
    assert client.get(restore_url(Visit, record.history_id)).status_code == 403
    assert client.post(restore_url(Visit, record.history_id)).status_code == 403
    assert not Visit.objects.exists()


def test_the_dashboard_names_rows_deleted_with_their_parent(client, staff):
    teacher, rows = make_teacher()
    teacher.delete()  # the documents' "-" records name a teacher that is gone

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert f"{IdentityDocument._meta.verbose_name} #{rows[0].pk}" in response.content.decode()


def test_a_visit_with_a_document_handed_out_is_not_deleted_and_says_why(client, staff):
    visit = VisitFactory()
    passport = PassportCustodyFactory(holder="王芳")
    PassportCustody.objects.filter(pk=passport.pk).update(
        visit=visit, status=PassportCustody.Status.HANDED_OUT, handed_out_on=date(2025, 11, 1)
    )

    response = client.post(reverse("exchanges:visit_delete", args=[visit.pk]), follow=True)

    assert response.status_code == 200  # was a server error (integrity error)
    [message] = [str(message) for message in response.context["messages"]]
    assert "王芳" in message
    assert Visit.objects.filter(pk=visit.pk).exists()
    assert PassportCustody.objects.get().visit_id == visit.pk
    assert not DeletionBatch.objects.exists()
