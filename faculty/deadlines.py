"""Deadlines of the faculty app: documents expiring, permit extensions, contracts ending."""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from faculty.models import Contract, ForeignTeacher, IdentityDocument
from foreign_affairs.registry import Deadline, register_deadlines

PERMITS = (IdentityDocument.Kind.WORK_PERMIT, IdentityDocument.Kind.RESIDENCE_PERMIT)


@register_deadlines
def document_expiry(until):
    """Yield documents of current teachers expiring by `until`; permits fall due earlier."""
    extension_lead = timedelta(days=settings.PERMIT_EXTENSION_OFFICE_DAYS)
    documents = IdentityDocument.objects.filter(
        teacher__status__in=[ForeignTeacher.Status.EMPLOYED, ForeignTeacher.Status.UNDER_REVIEW],
        expires_on__lte=until + extension_lead,
    ).select_related("teacher")
    for document in documents:
        if document.kind in PERMITS:
            due_on, kind = document.expires_on - extension_lead, _("permit extension due")
        else:
            due_on, kind = document.expires_on, _("document expires")
        if due_on <= until:
            yield Deadline(
                due_on=due_on,
                title=f"{document.teacher} · {document.get_kind_display()}",
                kind=kind,
                obj=document,
                permission="faculty.view_identitydocument",
            )


@register_deadlines
def contract_end(until):
    """Yield signed contracts ending by `until`."""
    contracts = Contract.objects.filter(
        status=Contract.Status.SIGNED, end_on__lte=until
    ).select_related("teacher")
    for contract in contracts:
        yield Deadline(
            due_on=contract.end_on,
            title=f"{contract.teacher} · {contract.position}",
            kind=_("contract ends"),
            obj=contract,
            permission="faculty.view_contract",
        )
