"""The dashboard: key counts, deadlines, recent changes, partners by country/region."""

from django.utils import timezone
from django.views.generic import ListView, TemplateView

from foreign_affairs.models import InboxItem
from foreign_affairs.registry import dashboard_panels
from foreign_affairs.selectors import deadlines_for, recent_changes

DASHBOARD_DEADLINES = 15


def deadline_rows(items) -> list[dict]:
    """Return the deadlines with the days left (negative: overdue) for the pages."""
    today = timezone.localdate()
    rows = []
    for item in items:
        left = item.days_left(today)
        rows.append({"item": item, "left": left, "overdue": max(-left, 0)})
    return rows


class DeadlineListView(ListView):
    """Every deadline the user may see (the dashboard shows the most urgent ones)."""

    template_name = "deadlines.html"
    paginate_by = 50

    def get_queryset(self):
        return deadline_rows(deadlines_for(self.request.user))


class HomeView(TemplateView):
    """What needs doing and what happened: the first page every user sees."""

    template_name = "dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        panels = [panel(user) for panel in dashboard_panels]
        rows = deadline_rows(deadlines_for(user))
        return super().get_context_data(
            # What awaits the user's approval or action comes first (a leader's reports).
            waiting=InboxItem.objects.filter(recipient=user).open().select_related("actor")[:10],
            counts=[item for panel in panels for item in panel.get("counts", [])],
            charts=[chart for panel in panels for chart in panel.get("charts", [])],
            deadlines=rows[:DASHBOARD_DEADLINES],
            more_deadlines=max(len(rows) - DASHBOARD_DEADLINES, 0),
            changes=recent_changes(user),
            **kwargs,
        )
