"""Deadlines of the faculty app: documents expiring, permit extensions, contracts ending."""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from faculty.models import Contract, ForeignTeacher, IdentityDocument, TeacherChange
from faculty.rules import CHANGE_FILING_DAYS
from foreign_affairs.regions import HONG_KONG_MACAU_TAIWAN
from foreign_affairs.registry import DeadlineSource, register_deadlines

PERMITS = (IdentityDocument.Kind.WORK_PERMIT, IdentityDocument.Kind.RESIDENCE_PERMIT)
CURRENT = (ForeignTeacher.Status.EMPLOYED, ForeignTeacher.Status.UNDER_REVIEW)
DOCUMENT_WATCHES = ("faculty.identitydocument", "faculty.foreignteacher")


def _manager(teacher) -> tuple:
    """The teacher's manager acts on their deadlines; without one, the office does."""
    return (teacher.manager,) if teacher.manager_id else ()


def _latest_documents(today):
    """Documents of current teachers that are their latest of a kind: a renewed document
    retires the old one, which is then no longer due."""
    newer = IdentityDocument.objects.filter(
        teacher=OuterRef("teacher"), kind=OuterRef("kind"), expires_on__gt=OuterRef("expires_on")
    )
    return (
        IdentityDocument.objects.filter(teacher__status__in=CURRENT, expires_on__isnull=False)
        .exclude(Exists(newer))
        .select_related("teacher__manager")
    )


def _document(document, due_on) -> dict:
    return {
        "title": f"{document.teacher} · {document.get_kind_display()}",
        "responsible": _manager(document.teacher),
        "expires_on": document.expires_on if due_on != document.expires_on else None,
    }


# A permit is extended at the office `PERMIT_EXTENSION_OFFICE_DAYS` before it expires.
register_deadlines(
    DeadlineSource(
        key="permit",
        label=_("permit extension due"),
        permission="faculty.view_identitydocument",
        queryset=lambda today: _latest_documents(today).filter(kind__in=PERMITS),
        date_field="expires_on",
        offset=lambda: -settings.PERMIT_EXTENSION_OFFICE_DAYS,
        make=_document,
        url_name="faculty:identitydocument",
        watches=DOCUMENT_WATCHES,
    )
)

register_deadlines(
    DeadlineSource(
        key="document",
        label=_("document expires"),
        permission="faculty.view_identitydocument",
        queryset=lambda today: _latest_documents(today).exclude(kind__in=PERMITS),
        date_field="expires_on",
        make=_document,
        url_name="faculty:identitydocument",
        watches=DOCUMENT_WATCHES,
    )
)


def _contracts(today):
    """Signed contracts of employed teachers not followed by the teacher's next one."""
    later = Contract.objects.filter(teacher=OuterRef("teacher"), start_on__gt=OuterRef("start_on"))
    return (
        Contract.objects.filter(
            status=Contract.Status.SIGNED, teacher__status=ForeignTeacher.Status.EMPLOYED
        )
        .exclude(Exists(later))
        .select_related("teacher__manager")
    )


register_deadlines(
    DeadlineSource(
        key="contract",
        label=_("contract ends"),
        permission="faculty.view_contract",
        queryset=_contracts,
        date_field="end_on",
        make=lambda contract, due_on: {
            "title": f"{contract.teacher} · {contract.position}",
            "responsible": _manager(contract.teacher),
        },
        url_name="faculty:contract",
        watches=("faculty.contract", "faculty.foreignteacher"),
    )
)


def _changes(today):
    """Changes (passport, position, employer) not yet filed, of foreign teachers still
    employed (港澳台 teachers and those who left file no such change)."""
    return (
        TeacherChange.objects.filter(filed_on=None, teacher__status__in=CURRENT)
        .exclude(teacher__nationality__in=HONG_KONG_MACAU_TAIWAN)
        .select_related("teacher__manager")
    )


register_deadlines(
    DeadlineSource(
        key="teacher_change",
        label=_("change to file"),
        permission="faculty.view_teacherchange",
        queryset=_changes,
        date_field="changed_on",
        offset=lambda: CHANGE_FILING_DAYS,
        make=lambda change, due_on: {
            "title": str(change),
            "responsible": _manager(change.teacher),
        },
        url_name="faculty:teacherchange",
        watches=("faculty.teacherchange", "faculty.foreignteacher"),
        stages=(7,),
    )
)
