"""Deadlines of the partners app: agreements in force that expire."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foreign_affairs.registry import DeadlineSource, register_deadlines
from partners.models import Agreement


def _agreements(today):
    # By the dates, whatever word is stored; once past, only those the office has not yet
    # acknowledged by recording them as expired stay overdue. Auto-renewing ones roll over.
    return (
        Agreement.objects.signed()
        .filter(valid_until__isnull=False)
        .filter(Q(valid_until__gte=today) | Q(status=Agreement.Status.IN_FORCE))
        .exclude(renewal=Agreement.Renewal.AUTO)
        .select_related("institution")
    )


register_deadlines(
    DeadlineSource(
        key="agreement",
        label=_("agreement expires"),
        permission="partners.view_agreement",
        queryset=_agreements,
        date_field="valid_until",
        make=lambda agreement, due_on: {"title": f"{agreement.institution} · {agreement.title}"},
        url_name="partners:agreement",
        watches=("partners.agreement", "partners.institution"),
        stages=(180, 90, 30),  # time to negotiate a renewal
    )
)
