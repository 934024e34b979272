"""The dashboard: key counts, deadlines, recent changes, partners by country/region."""

from django.views.generic import TemplateView

from foreign_affairs.models import InboxItem
from foreign_affairs.registry import dashboard_panels
from foreign_affairs.selectors import deadlines_for, recent_changes
from foreign_affairs.views.calendar import calendar_url


class HomeView(TemplateView):
    """What needs doing and what happened: the first page every user sees."""

    template_name = "dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        panels = [panel(user) for panel in dashboard_panels]
        return super().get_context_data(
            # What awaits the user's approval or action comes first (a leader's reports).
            waiting=InboxItem.objects.filter(recipient=user).open().select_related("actor")[:10],
            counts=[item for panel in panels for item in panel.get("counts", [])],
            charts=[chart for panel in panels for chart in panel.get("charts", [])],
            deadlines=deadlines_for(user),
            changes=recent_changes(user),
            calendar_url=self.request.build_absolute_uri(calendar_url(user)),
            **kwargs,
        )
