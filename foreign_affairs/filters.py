"""Shared filter layer: every list has a `q` search over its model's search fields."""

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foreign_affairs.forms import bootstrap_widgets

YES_NO = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


def yes_no_filter(**kwargs) -> django_filters.BooleanFilter:
    """Return a yes/no filter whose empty choice reads "all" (not django-filter's "unknown")."""
    return django_filters.BooleanFilter(widget=forms.Select(choices=YES_NO), **kwargs)


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with `q`: a case-insensitive search across `search_fields`."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label=_("Search"))

    @property
    def form(self):
        if not hasattr(self, "_form"):
            bootstrap_widgets(super().form, small=True)
        return self._form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = reduce(or_, (Q(**{f"{f}__icontains": value}) for f in self.search_fields))
        return queryset.filter(condition).distinct()
