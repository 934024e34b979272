"""Deadlines of the faculty app: documents expiring, permit extensions, contracts ending."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from faculty.models import Contract, ForeignTeacher, IdentityDocument, TeacherChange
from faculty.rules import CHANGE_FILING_DAYS
from foreign_affairs.regions import HONG_KONG_MACAU_TAIWAN
from foreign_affairs.registry import Deadline, register_deadlines

PERMITS = (IdentityDocument.Kind.WORK_PERMIT, IdentityDocument.Kind.RESIDENCE_PERMIT)
CURRENT = (ForeignTeacher.Status.EMPLOYED, ForeignTeacher.Status.UNDER_REVIEW)


@register_deadlines
def document_expiry(until):
    """Yield documents of current teachers expiring by `until`; permits fall due earlier."""
    extension_lead = timedelta(days=settings.PERMIT_EXTENSION_OFFICE_DAYS)
    # Only each teacher's latest document of a kind: a renewed permit retires the old one.
    newer = IdentityDocument.objects.filter(
        teacher=OuterRef("teacher"), kind=OuterRef("kind"), expires_on__gt=OuterRef("expires_on")
    )
    documents = (
        IdentityDocument.objects.filter(
            teacher__status__in=[
                ForeignTeacher.Status.EMPLOYED,
                ForeignTeacher.Status.UNDER_REVIEW,
            ],
            expires_on__lte=until + extension_lead,
        )
        .exclude(Exists(newer))
        .select_related("teacher__manager")
    )
    for document in documents:
        if document.kind in PERMITS:
            due_on, kind = document.expires_on - extension_lead, _("permit extension due")
        else:
            due_on, kind = document.expires_on, _("document expires")
        if due_on <= until:
            expires = date_format(document.expires_on, "DATE_FORMAT")
            yield Deadline(
                due_on=due_on,
                title=f"{document.teacher} · {document.get_kind_display()}（{expires}）",
                kind=kind,
                obj=document,
                permission="faculty.view_identitydocument",
                responsible=_manager(document.teacher),
            )


@register_deadlines
def contract_end(until):
    """Yield signed contracts ending by `until`."""
    # A contract followed by the teacher's next one needs nothing more.
    later = Contract.objects.filter(teacher=OuterRef("teacher"), start_on__gt=OuterRef("start_on"))
    contracts = (
        Contract.objects.filter(
            status=Contract.Status.SIGNED,
            end_on__lte=until,
            teacher__status=ForeignTeacher.Status.EMPLOYED,
        )
        .exclude(Exists(later))
        .select_related("teacher__manager")
    )
    for contract in contracts:
        yield Deadline(
            due_on=contract.end_on,
            title=f"{contract.teacher} · {contract.position}",
            kind=_("contract ends"),
            obj=contract,
            permission="faculty.view_contract",
            responsible=_manager(contract.teacher),
        )


@register_deadlines
def change_to_file(until):
    """Yield changes (passport, position, employer) not yet filed, due 10 days after."""
    days = timedelta(days=CHANGE_FILING_DAYS)
    # Foreign teachers still employed (港澳台 teachers and those who left file no such change).
    changes = (
        TeacherChange.objects.filter(
            filed_on=None,
            changed_on__lte=until - days,
            teacher__status__in=[
                ForeignTeacher.Status.EMPLOYED,
                ForeignTeacher.Status.UNDER_REVIEW,
            ],
        )
        .exclude(teacher__nationality__in=HONG_KONG_MACAU_TAIWAN)
        .select_related("teacher__manager")
    )
    for change in changes:
        yield Deadline(
            due_on=change.changed_on + days,
            title=str(change),
            kind=_("change to file"),
            obj=change,
            permission="faculty.view_teacherchange",
            responsible=_manager(change.teacher),
            stages=(7,),
        )


def _manager(teacher) -> tuple:
    """The teacher's manager acts on their deadlines; without one, the office does."""
    return (teacher.manager,) if teacher.manager_id else ()
