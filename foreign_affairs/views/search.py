"""Global search across the records the user may see, grouped by kind."""

from functools import reduce
from operator import or_

from django import forms
from django.db.models import Q
from django.views.generic import TemplateView

from foreign_affairs.forms import CONTROL_CHARACTERS, secure_fields
from foreign_affairs.registry import search_entries

RESULTS_PER_KIND = 20


class SearchForm(forms.Form):
    """`q`: at most `MAX_LENGTH` characters, no control characters (they are no name)."""

    MAX_LENGTH = 200

    q = forms.CharField(required=False, max_length=MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        secure_fields(self)


def viewable_fields(entry, user) -> list[str]:
    """Return the fields of a search entry `user` may search: none without the view
    permission of its model, and none reaching into a model they may not view."""
    from foreign_affairs.tables import may_view

    if not may_view(user, entry.model) or not user.has_perm(
        f"{entry.model._meta.app_label}.view_{entry.model._meta.model_name}"
    ):
        return []
    allowed = []
    for path in entry.fields:
        model, ok = entry.model, True
        for part in path.split("__")[:-1]:
            model = model._meta.get_field(part).related_model
            ok = ok and may_view(user, model)
        if ok:
            allowed.append(path)
    return allowed


class SearchView(TemplateView):
    """Search Chinese and English names of institutions, agreements, projects, teachers, visits."""

    template_name = "search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET)
        query = form.cleaned_data["q"] if form.is_valid() else ""
        groups = []
        if query:
            for entry in search_entries:
                opts = entry.model._meta
                # Only the kinds of record the user may view, matched only through fields of
                # records they may view (no project found by a participant's name).
                fields = viewable_fields(entry, self.request.user)
                if not fields:
                    continue
                condition = reduce(or_, (Q(**{f"{f}__icontains": query}) for f in fields))
                rows = (
                    entry.model._default_manager.filter(condition)
                    .select_related(*entry.select_related)
                    .distinct()[:RESULTS_PER_KIND]
                )
                rows = list(rows)
                if rows:
                    groups.append({"opts": opts, "rows": rows})
        return super().get_context_data(
            # What was typed, shown back (without the characters the form refused).
            search_query=query
            or CONTROL_CHARACTERS.sub("", self.request.GET.get("q", ""))[: SearchForm.MAX_LENGTH],
            search_errors=form.errors.get("q", []),
            groups=groups,
            **kwargs,
        )
