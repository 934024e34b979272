"""The partners app's part of the dashboard: partner and agreement counts, partners by place."""

from django.db.models import Count as Total
from django.urls import reverse
from django.utils.translation import gettext as _

from foreign_affairs.charts import bar_chart
from foreign_affairs.registry import Count, register_dashboard
from partners.models import Agreement, Institution


@register_dashboard
def partners_panel(user) -> dict:
    if not user.has_perm("partners.view_institution"):
        return {}
    active = Institution.objects.filter(status=Institution.Status.ACTIVE).count()
    counts = [
        Count(_("Active partners"), active, reverse("partners:institution_list") + "?status=active")
    ]
    if user.has_perm("partners.view_agreement"):
        in_force = Agreement.objects.in_force().count()  # by today's date, not a stored word
        counts.append(
            Count(
                _("Agreements in force"),
                in_force,
                reverse("partners:agreement_list") + "?status=in_force",
            )
        )
    return {"counts": counts, "charts": [partners_by_place_chart()]}


def partners_by_place_chart():
    """Return the bar chart of partner institutions by country/region (HK/MO/TW as 中国…)."""
    rows = (
        Institution.objects.exclude(status=Institution.Status.ENDED)
        .values("country")
        .annotate(total=Total("pk"))
        .order_by("-total", "country")
    )
    field = Institution._meta.get_field("country")
    names = dict(field.countries)
    items = [(str(names.get(row["country"], row["country"])), row["total"]) for row in rows]
    return {
        "title": _("Partners by country/region"),
        "svg": bar_chart(items, title=_("Partners by country/region")),
    }
