"""Shared filter layer: every list has a `q` search over its model's search fields."""

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with `q`: a case-insensitive search across `search_fields`."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = reduce(or_, (Q(**{f"{f}__icontains": value}) for f in self.search_fields))
        return queryset.filter(condition).distinct()
