"""Deadlines of the exchanges app: passports due back and post-trip reports due."""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from exchanges.models import PassportCustody, Visit
from foreign_affairs.registry import Deadline, register_deadlines


@register_deadlines
def passport_due_back(until):
    """Yield passports handed out and not yet returned, due back by `until`."""
    passports = PassportCustody.objects.filter(
        status=PassportCustody.Status.HANDED_OUT, due_back_on__lte=until
    )
    for passport in passports:
        yield Deadline(
            due_on=passport.due_back_on,
            title=passport.holder,
            kind=_("passport due back"),
            obj=passport,
            permission="exchanges.view_passportcustody",
        )


@register_deadlines
def passport_expiry(until):
    """Yield travel documents in custody that expire by `until` (a new one takes months)."""
    for passport in PassportCustody.objects.filter(expires_on__lte=until):
        yield Deadline(
            due_on=passport.expires_on,
            title=f"{passport}",
            kind=_("travel document expires"),
            obj=passport,
            permission="exchanges.view_passportcustody",
            stages=(180, 90, 30),
        )


@register_deadlines
def post_trip_report(until):
    """Yield outbound visits back home whose post-trip report is due by `until`."""
    latest_return = until - timedelta(days=settings.VISIT_REPORT_DUE_DAYS)
    visits = Visit.objects.filter(
        direction=Visit.Direction.OUTBOUND,
        status=Visit.Status.RETURNED,
        actual_end__lte=latest_return,
    ).select_related("proposed_by")
    for visit in visits:
        yield Deadline(
            due_on=visit.report_due_on,
            title=visit.title,
            kind=_("post-trip report due"),
            obj=visit,
            permission="exchanges.view_visit",
            responsible=(visit.proposed_by,) if visit.proposed_by else (),
        )
