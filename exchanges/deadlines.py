"""Deadlines of the exchanges app: passports due back and post-trip reports due."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from exchanges.models import PassportCustody, Visit
from foreign_affairs.registry import DeadlineSource, register_deadlines

PASSPORT_WATCHES = ("exchanges.passportcustody",)

# A travel document of the state out of the office's custody stays on until it is back.
register_deadlines(
    DeadlineSource(
        key="passport_back",
        label=_("passport due back"),
        permission="exchanges.view_passportcustody",
        queryset=lambda today: PassportCustody.objects.filter(
            status=PassportCustody.Status.HANDED_OUT, due_back_on__isnull=False
        ),
        date_field="due_back_on",
        make=lambda passport, due_on: {"title": passport.holder},
        url_name="exchanges:passportcustody",
        watches=PASSPORT_WATCHES,
        keeps_overdue=True,
    )
)

# Travel documents in custody that expire (a new one takes months).
register_deadlines(
    DeadlineSource(
        key="passport_expiry",
        label=_("travel document expires"),
        permission="exchanges.view_passportcustody",
        queryset=lambda today: PassportCustody.objects.filter(expires_on__isnull=False),
        date_field="expires_on",
        make=lambda passport, due_on: {"title": str(passport)},
        url_name="exchanges:passportcustody",
        watches=PASSPORT_WATCHES,
        stages=(180, 90, 30),
    )
)

# Outbound visits back home whose post-trip report is due.
register_deadlines(
    DeadlineSource(
        key="trip_report",
        label=_("post-trip report due"),
        permission="exchanges.view_visit",
        queryset=lambda today: Visit.objects.filter(
            direction=Visit.Direction.OUTBOUND,
            status=Visit.Status.RETURNED,
            actual_end__isnull=False,
        ).select_related("proposed_by"),
        date_field="actual_end",
        offset=lambda: settings.VISIT_REPORT_DUE_DAYS,
        make=lambda visit, due_on: {
            "title": visit.title,
            "responsible": (visit.proposed_by,) if visit.proposed_by else (),
        },
        url_name="exchanges:visit",
        watches=("exchanges.visit",),
    )
)
