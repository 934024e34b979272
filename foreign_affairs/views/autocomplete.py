"""The JSON endpoint behind the record selects of forms and list filters.

`GET /autocomplete/<app_label>/<model_name>/?q=<text>&page=<n>` answers
`{"results": [{"id": "3", "text": "悉尼大学"}, …], "more": true}`: `PAGE_SIZE` records a page
in the model's order, matching `q` in the fields `foreign_affairs.widgets.AUTOCOMPLETE_FIELDS`
names for the model, people named by their full name. One query for the records, whatever
the page or the size of the table (one more row is read to tell whether there is a next page).

Who may ask: a logged-in user with `<app>.view_<model>` (403 otherwise, 404 for a model that
is not searchable). Users (`auth.user`) are listed to whoever may name one in a record: the
holder of `auth.view_user`, or of the add or change permission of a model of the four apps
that has a user field (a project's owner, a teacher's manager, a check's reviewer…); only
active users are listed. A `q` or `page` the form refuses (too long, control characters, not a
whole number, out of range) answers 400 with the reason, translated.
"""

from functools import reduce
from operator import or_

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from foreign_affairs.forms import secure_fields
from foreign_affairs.privacy import may_see_personal_data, touches_personal
from foreign_affairs.roles import DOMAIN_APPS
from foreign_affairs.widgets import AUTOCOMPLETE_FIELDS, PAGE_SIZE, record_label

MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 100


class AutocompleteForm(forms.Form):
    """The search text and the page asked for, bounded."""

    q = forms.CharField(
        label=gettext_lazy("Search"), required=False, max_length=MAX_QUERY_LENGTH, strip=True
    )
    page = forms.IntegerField(
        label=gettext_lazy("page"), required=False, min_value=1, max_value=MAX_PAGE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        secure_fields(self)


def user_fields_models() -> list:
    """Return the models of the four apps with an editable field pointing at a user."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        model
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        if any(
            field.related_model is user_model and field.editable
            for field in model._meta.get_fields()
            if field.is_relation and field.concrete
        )
    ]


def may_list(user, model) -> bool:
    """Return whether `user` may search the records of `model` (see the module docstring)."""
    opts = model._meta
    if user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return True
    if model is not apps.get_model(settings.AUTH_USER_MODEL):
        return False
    return any(
        user.has_perm(f"{other._meta.app_label}.{action}_{other._meta.model_name}")
        for other in user_fields_models()
        for action in ("add", "change")
    )


class AutocompleteView(LoginRequiredMixin, View):
    """One page of the records of a model matching `q`, as JSON."""

    http_method_names = ["get"]

    def get_model(self, app_label: str, model_name: str):
        """Return (model, search fields), or None for a model that cannot be searched here."""
        label = f"{app_label}.{model_name}".lower()
        if label not in AUTOCOMPLETE_FIELDS:
            return None
        return apps.get_model(label), AUTOCOMPLETE_FIELDS[label]

    def search_fields(self, model, fields) -> tuple[str, ...]:
        if may_see_personal_data(self.request.user):
            return fields
        return tuple(name for name in fields if not touches_personal(model, name))

    def get_queryset(self, model, fields, query: str):
        queryset = model._default_manager.all()
        if model is apps.get_model(settings.AUTH_USER_MODEL):
            queryset = queryset.filter(is_active=True).order_by("last_name", "first_name", "pk")
        elif not queryset.query.order_by and not model._meta.ordering:
            queryset = queryset.order_by("pk")
        fields = self.search_fields(model, fields)
        if query and fields:
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{name}__icontains": query}) for name in fields))
            )
        return queryset

    def get(self, request, app_label: str, model_name: str):
        found = self.get_model(app_label, model_name)
        if found is None:  # JSON like the other refusals: the widget reads it
            message = _("This kind of record cannot be searched here.")
            return JsonResponse({"error": message}, status=404)
        model, fields = found
        if not may_list(request.user, model):
            return JsonResponse({"error": _("You may not view these records.")}, status=403)
        form = AutocompleteForm(request.GET)
        if not form.is_valid():
            reasons = [
                f"{form.fields[name].label}：{error}"
                for name, errors in form.errors.items()
                for error in errors
            ]
            return JsonResponse({"error": "；".join(reasons)}, status=400)
        page = form.cleaned_data["page"] or 1
        start = (page - 1) * PAGE_SIZE
        queryset = self.get_queryset(model, fields, form.cleaned_data["q"])
        rows = list(queryset[start : start + PAGE_SIZE + 1])
        results = [{"id": str(obj.pk), "text": record_label(obj)} for obj in rows[:PAGE_SIZE]]
        return JsonResponse({"results": results, "more": len(rows) > PAGE_SIZE})
