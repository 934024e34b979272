"""Deadlines of the partners app: agreements in force that expire."""

from django.utils.translation import gettext_lazy as _

from foreign_affairs.registry import Deadline, register_deadlines
from partners.models import Agreement


@register_deadlines
def agreement_expiry(until):
    """Yield agreements in force whose validity ends by `until` (overdue ones included)."""
    # Not yet acknowledged by the office (still recorded as in force), not auto-renewing.
    agreements = (
        Agreement.objects.filter(status=Agreement.Status.IN_FORCE, valid_until__lte=until)
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
