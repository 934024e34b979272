"""Global search across the records the user may see, grouped by kind."""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.views.generic import TemplateView

from foreign_affairs.registry import search_entries

RESULTS_PER_KIND = 20


class SearchView(TemplateView):
    """Search Chinese and English names of institutions, agreements, projects, teachers, visits."""

    template_name = "search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        groups = []
        if query:
            for entry in search_entries:
                opts = entry.model._meta
                if not self.request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                    continue
                condition = reduce(or_, (Q(**{f"{f}__icontains": query}) for f in entry.fields))
                rows = (
                    entry.model._default_manager.filter(condition)
                    .select_related(*entry.select_related)
                    .distinct()[:RESULTS_PER_KIND]
                )
                rows = list(rows)
                if rows:
                    groups.append({"opts": opts, "rows": rows})
        return super().get_context_data(search_query=query, groups=groups, **kwargs)
