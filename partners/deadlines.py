"""Deadlines of the partners app: agreements in force that expire."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foreign_affairs.registry import Deadline, register_deadlines
from partners.models import Agreement


@register_deadlines
def agreement_expiry(until):
    """Yield agreements in force whose validity ends by `until` (overdue ones included)."""
    # By the dates, whatever word is stored; once past, only those the office has not yet
    # acknowledged by recording them as expired stay overdue. Auto-renewing ones roll over.
    today = timezone.localdate()
    agreements = (
        Agreement.objects.signed()
        .filter(valid_until__lte=until)
        .filter(Q(valid_until__gte=today) | Q(status=Agreement.Status.IN_FORCE))
        .exclude(renewal=Agreement.Renewal.AUTO)
        .select_related("institution")
    )
    for agreement in agreements:
        yield Deadline(
            due_on=agreement.valid_until,
            title=f"{agreement.institution} · {agreement.title}",
            kind=_("agreement expires"),
            obj=agreement,
            permission="partners.view_agreement",
            stages=(180, 90, 30),  # time to negotiate a renewal
        )
