"""The exchanges app's part of the dashboard: active projects and this year's visits."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.models import ExchangeProject, Visit
from foreign_affairs.registry import Count, register_dashboard


@register_dashboard
def exchanges_panel(user) -> dict:
    counts = []
    if user.has_perm("exchanges.view_exchangeproject"):
        active = ExchangeProject.objects.filter(status=ExchangeProject.Status.ACTIVE).count()
        counts.append(
            Count(
                _("Active projects"),
                active,
                reverse("exchanges:exchangeproject_list") + "?status=active",
            )
        )
    if user.has_perm("exchanges.view_visit"):
        year = timezone.localdate().year
        visits = Visit.objects.filter(planned_start__year=year).exclude(
            status=Visit.Status.CANCELLED
        )
        counts.append(
            Count(
                _("Visits this year"),
                visits.count(),
                reverse("exchanges:visit_list") + f"?year={year}",
            )
        )
    return {"counts": counts}
