"""Shared filter layer: every list has a `q` search over its model's search fields.

Every filter parameter is bounded (issue 10, item 5): a year between `YEAR_MIN` and
`YEAR_MAX`, any other number within its column's range, a record choice within its key's
range, no control characters in a text. A value outside is the filter's error message on
the list (which then shows no rows), never a database error.
"""

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.utils import get_model_field

from foreign_affairs.forms import bootstrap_widgets, secure_fields
from foreign_affairs.privacy import may_see_personal_data, touches_personal

YES_NO = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]
YEAR_MIN, YEAR_MAX = 1900, 2100  # a year any record of the office can have
SEARCH_MAX_LENGTH = 200
SEARCH_KEYS_LISTED = 500  # matching related records whose keys a search lists (search_condition)


def yes_no_filter(**kwargs) -> django_filters.BooleanFilter:
    """Return a yes/no filter whose empty choice reads "all" (not django-filter's "unknown")."""
    return django_filters.BooleanFilter(widget=forms.Select(choices=YES_NO), **kwargs)


def number_bounds(model, filter_) -> tuple[int | None, int | None]:
    """Return (min, max) a number filter of `model` accepts.

    A year (`…__year` lookup or a field named `year`): `YEAR_MIN`–`YEAR_MAX`. A filter on
    an integer column: the column's range on this database. Otherwise (None, None).
    """
    name = filter_.field_name or ""
    if name.endswith("__year") or name.split("__")[-1] == "year":
        return YEAR_MIN, YEAR_MAX
    model_field = get_model_field(model, name) if model is not None else None
    internal = model_field.get_internal_type() if model_field is not None else ""
    if "Integer" in internal or "AutoField" in internal:
        return connection.ops.integer_field_range(internal)
    return None, None


def multi_valued(model, path: str) -> bool:
    """Return whether `path` crosses a reverse foreign key or a many-to-many relation (a
    join there repeats the row for every related record)."""
    current = model
    for part in path.split("__"):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        current = field.related_model
    return False


def contains_lookup(value: str) -> str:
    """Return the lookup "contains `value`, case-insensitively": `icontains`, or `contains`
    when no character of `value` has a case (Chinese, digits, punctuation). Both match the
    same rows then, but PostgreSQL's `icontains` upper-cases every value it reads
    (`UPPER(x) LIKE UPPER(…)`), which costs more than the match itself (issue 12)."""
    caseless = all(char.upper() == char == char.lower() for char in value)
    return "contains" if caseless else "icontains"


def _relation(model, path: str):
    """Return the relation `path` starts with (a field of `model`), or None."""
    head = path.split("__", 1)[0]
    try:
        field = model._meta.get_field(head)
    except FieldDoesNotExist:
        return None
    return field if field.is_relation and "__" in path else None


def search_condition(model, fields, value: str):
    """Return the condition "any of `fields` contains `value`" (case-insensitive,
    `contains_lookup`).

    The fields of a related record are matched in one subquery per relation, the fields
    reached through it together (`institution__name_zh` and `institution__name_en`), run
    once by the database, not for every row of a join (issue 12): through a foreign key the
    keys of the matching records are read once, here, and listed (`institution_id IN (3, 7)`)
    when they are at most `SEARCH_KEYS_LISTED`: a list page's count and its page would each
    scan the related table again; past that, `institution_id IN (SELECT id FROM institution
    WHERE …)`. Through a to-many relation
    `id IN (SELECT …)`, which lists a record once however many related records match,
    without a `DISTINCT` over the whole result (a correlated `EXISTS` inside an `OR` is
    costed per row: the planner JIT-compiled a 10k-row search for hundreds of milliseconds).
    """
    lookup = contains_lookup(value)
    direct, related = [], {}
    for field in fields:
        relation = _relation(model, field)
        if relation is None:
            direct.append(Q(**{f"{field}__{lookup}": value}))
        else:
            related.setdefault(relation, []).append(field)
    for relation, paths in related.items():
        if relation.many_to_one or (relation.one_to_one and relation.concrete):
            rest = [Q(**{f"{path.split('__', 1)[1]}__{lookup}": value}) for path in paths]
            target = relation.related_model._base_manager.filter(reduce(or_, rest))
            keys = target.order_by().values_list(relation.target_field.attname, flat=True)
            found = list(keys[: SEARCH_KEYS_LISTED + 1])
            if len(found) <= SEARCH_KEYS_LISTED:
                keys = found  # none: the relation's part of the condition drops out
            direct.append(Q(**{f"{relation.name}__in": keys}))
        else:
            matches = [Q(**{f"{path}__{lookup}": value}) for path in paths]
            keys = model._base_manager.filter(reduce(or_, matches)).values("pk")
            direct.append(Q(pk__in=keys))
    return reduce(or_, direct)


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with `q`: a case-insensitive search across `search_fields`.

    Every number filter gets the bounds of `number_bounds`; the form's fields are hardened by
    `foreign_affairs.forms.secure_fields` (control characters, out-of-range keys).
    """

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=SEARCH_MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.NumberFilter):
                low, high = number_bounds(self._meta.model, filter_)
                if low is not None:
                    filter_.extra.setdefault("min_value", low)
                if high is not None:
                    filter_.extra.setdefault("max_value", high)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            bootstrap_widgets(form, small=True)
            secure_fields(form)
        return self._form

    def searchable_fields(self) -> tuple[str, ...]:
        """The search fields, less personal ones for a user who sees them masked."""
        user = getattr(self.request, "user", None)
        if may_see_personal_data(user):
            return self.search_fields
        model = self._meta.model
        return tuple(f for f in self.search_fields if not touches_personal(model, f))

    def search(self, queryset, name, value):
        value = value.strip()
        fields = self.searchable_fields()
        if not value or not fields:
            return queryset
        return queryset.filter(search_condition(self._meta.model, fields, value))
