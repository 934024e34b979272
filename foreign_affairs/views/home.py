"""The dashboard: key counts, deadlines, recent changes, partners by country/region."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from foreign_affairs.dashboard import cached_page, cached_panel
from foreign_affairs.models import CalendarToken, InboxItem
from foreign_affairs.registry import dashboard_panels, deadline_sources
from foreign_affairs.selectors import (
    DEADLINE_WINDOW_DAYS,
    DeadlinePages,
    change_models,
    deadline_groups,
    deadline_sources_for,
    most_urgent,
    recent_changes,
)
from foreign_affairs.views.calendar import feed_context


def deadline_rows(items) -> list[dict]:
    """Return the deadlines with the days left (negative: overdue) for the pages."""
    today = timezone.localdate()
    rows = []
    for item in items:
        left = item.days_left(today)
        rows.append({"item": item, "left": left, "overdue": max(-left, 0)})
    return rows


class DeadlineListView(ListView):
    """Every deadline the user may see, or those of one kind (`?kind=`): overdue first."""

    template_name = "deadlines.html"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        self.kinds = deadline_sources_for(user)
        self.kind = next(
            (source for source in self.kinds if source.key == self.request.GET.get("kind")), None
        )
        if self.request.GET.get("kind") and self.kind is None:
            messages.warning(self.request, _("There is no such kind of deadline: all are shown."))
        return DeadlinePages(user, kinds=[self.kind.key] if self.kind else None)

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))  # out of range: the last page
        return paginator, page, deadline_rows(page.object_list), page.has_other_pages()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=self.kinds, kind=self.kind, window_days=DEADLINE_WINDOW_DAYS, **kwargs
        )


def _domain_labels() -> list[str]:
    return [model._meta.label_lower for model in change_models()]


def _page_labels() -> list[str]:
    """Every kind of record the dashboard shows: the overview's, every kind of deadline's
    (whichever the user sees), what waits for the user (the inbox) and their feed address."""
    watched = {label for source in deadline_sources for label in source.watches}
    inbox, feed = InboxItem._meta.label_lower, CalendarToken._meta.label_lower
    return sorted({*_domain_labels(), *watched, inbox, feed})


class HomeView(TemplateView):
    """What needs doing and what happened: the first page every user sees.

    The deadlines and the overview (counts, charts, recent changes) are rendered once per
    user and kept in the cache until a record of their kinds changes, and so is the whole
    page around them, until a record of any kind it shows, or a user, group or permission
    changes (foreign_affairs.dashboard).
    """

    template_name = "dashboard.html"

    def get(self, request, *args, **kwargs):
        return cached_page(request, "home", _page_labels(), self._render_page)

    def _render_page(self, csrf_token: str | None):
        """Return the rendered page (with `csrf_token` for the CSRF token, when given) and
        when the feed address it shows stops working (None: never, or already stopped)."""
        context = self.get_context_data()
        if csrf_token is not None:
            context["csrf_token"] = csrf_token  # the view's context outranks the processors'
        response = self.render_to_response(context).render()
        feed = context["feed"]
        return response, None if feed.expired else feed.expires_at

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            # What awaits the user's approval or action comes first (a leader's reports).
            waiting=InboxItem.objects.filter(recipient=user).open().select_related("actor")[:10],
            deadlines_panel=cached_panel(
                user, "deadlines", self._deadline_labels(), self._render_deadlines
            ),
            overview_panel=cached_panel(user, "overview", _domain_labels(), self._render_overview),
            **feed_context(self.request),
            **kwargs,
        )

    def _deadline_labels(self) -> list[str]:
        sources = deadline_sources_for(self.request.user)
        return [label for source in sources for label in source.watches]

    def _render_deadlines(self) -> str:
        groups = deadline_groups(self.request.user)
        context = {
            "rows": deadline_rows(most_urgent(groups)),
            "groups": [group for group in groups if group.total],
            "window_days": DEADLINE_WINDOW_DAYS,
        }
        return render_to_string("includes/dashboard_deadlines.html", context, self.request)

    def _render_overview(self) -> dict[str, str]:
        user, request = self.request.user, self.request
        panels = [panel(user) for panel in dashboard_panels]
        counts = [item for panel in panels for item in panel.get("counts", [])]
        charts = [chart for panel in panels for chart in panel.get("charts", [])]
        return {
            "counts": render_to_string("includes/dashboard_counts.html", {"counts": counts}),
            "charts": render_to_string("includes/dashboard_charts.html", {"charts": charts}),
            "changes": render_to_string(
                "includes/dashboard_changes.html", {"changes": recent_changes(user)}, request
            ),
        }
