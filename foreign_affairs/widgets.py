"""Searchable selects (Tom Select, `static/forms.js`) for every form and list filter.

Two widgets, each single or multiple (a multiple one is a list of tags with remove buttons,
never a Ctrl-click list):

- `SearchableSelect(Multiple)` for static choices. Up to `INLINE_CHOICES` choices are
  rendered as options; more (the ~250 countries) travel as JSON next to the `<select>`, which
  holds only the selected ones. The order and names are the choices' own.
- `AutocompleteSelect(Multiple)` for records: only the selected records are rendered; the
  others are searched through `/autocomplete/<app_label>/<model_name>/` (JSON, paged,
  permission-checked: `foreign_affairs.views.autocomplete`), which searches the fields
  named in `AUTOCOMPLETE_FIELDS`.

Without JavaScript the `<select>` still holds and submits the selected values (a form can be
saved unchanged, a filtered list keeps its filter); choosing another record or country needs
JavaScript, except for choices short enough to be rendered whole.

`searchable_widgets(form)` gives every choice field of a form its widget; the shared form
layer calls it (`foreign_affairs.forms.bootstrap_widgets`), so every portal form, workflow
step and list filter has them.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# Searchable records: "app_label.model_name" → the fields `q` is looked up in (Chinese and
# English names). A relation to a model not listed here keeps Django's plain select.
AUTOCOMPLETE_FIELDS: dict[str, tuple[str, ...]] = {
    "auth.user": ("first_name", "last_name", "username"),
    "partners.institution": ("name_zh", "name_en", "short_name"),
    "partners.agreement": ("title", "approval_reference"),
    "partners.contact": ("name", "email"),
    "exchanges.exchangeproject": ("name",),
    "exchanges.visitplanline": ("description", "department"),
    "exchanges.visit": ("title", "delegation"),
    "faculty.foreignteacher": ("chinese_name", "family_name", "given_name"),
    "reports.annualreport": ("title",),
}
INLINE_CHOICES = 50  # more static choices than this are sent as JSON, not as <option>s
SEARCHABLE_CHOICES = 12  # a single select with more choices than this gets a search box
PAGE_SIZE = 20  # records per page of the autocomplete endpoint


def ui_texts() -> dict[str, str]:
    """Return the `data-*` attributes carrying Tom Select's texts, translated."""
    return {
        "data-text-no-results": str(_("No matching results")),
        "data-text-loading": str(_("Loading…")),
        "data-text-more": str(_("Loading more results…")),
        "data-text-remove": str(_("Remove")),
        "data-text-placeholder": str(_("Type to search")),
    }


def autocomplete_label(model) -> str | None:
    """Return the registry key of `model` ("partners.institution"), or None if unlisted."""
    label = model._meta.label_lower
    return label if label in AUTOCOMPLETE_FIELDS else None


def record_label(obj) -> str:
    """Return how a record is named in a select: people by their full name."""
    from foreign_affairs.views.generic import display_name

    return display_name(obj)


JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def choices_script(choices: list[list[str]]) -> str:
    """Return `choices` as a compact JSON script element (UTF-8, not \\u-escaped)."""
    text = json.dumps(choices, ensure_ascii=False, separators=(",", ":"))
    # Safe: <, > and & are escaped above, so the text cannot close the element.
    return mark_safe(f'<script type="application/json">{text.translate(JSON_ESCAPES)}</script>')


class SearchableMixin:
    """Tom Select's texts and marker attribute on a select."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-searchable"] = "static" if not hasattr(self, "model") else "remote"
        attrs.update(ui_texts())
        return attrs


class SearchableSelect(SearchableMixin, forms.Select):
    """A select of static choices with a search box; long choices travel as JSON."""

    def choice_list(self) -> list[list[str]]:
        """Return every non-blank choice as [value, label] (groups flattened)."""
        found = []
        for value, label in self.choices:
            if isinstance(label, list | tuple):
                found.extend([str(v), str(text)] for v, text in label if v not in ("", None))
            elif value not in ("", None):
                found.append([str(value), str(label)])
        return found

    def is_long(self) -> bool:
        return len(list(self.choices)) > INLINE_CHOICES

    def optgroups(self, name, value, attrs=None):
        if not self.is_long():
            return super().optgroups(name, value, attrs)
        wanted = {str(v) for v in value}
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", "" in wanted or not wanted, 0))
        for index, (code, label) in enumerate(self.choice_list(), start=1):
            if code in wanted:
                options.append(self.create_option(name, code, label, True, index))
        return [(None, options, 0)]

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.is_long():
            # Read by forms.js from the element that follows the select.
            html += choices_script(self.choice_list())
        return html


class SearchableSelectMultiple(SearchableSelect, forms.SelectMultiple):
    """A multiple select of static choices as tags with remove buttons."""


class AutocompleteSelect(SearchableMixin, forms.Select):
    """A record select that renders only the selected records; the rest come from the
    autocomplete endpoint as the user types."""

    def __init__(self, model, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.model = model

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.model = self.model
        return copy

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        opts = self.model._meta
        attrs["data-autocomplete-url"] = reverse(
            "autocomplete", args=[opts.app_label, opts.model_name]
        )
        return attrs

    def selected_records(self, values) -> list:
        """Return the records of the submitted or stored `values` (unknown keys dropped)."""
        field = getattr(self.choices, "field", None)
        if field is None:
            return []
        key_name = field.to_field_name or "pk"
        key_field = self.model._meta.get_field(field.to_field_name or self.model._meta.pk.name)
        keys = []
        for value in values:
            if value in ("", None):
                continue
            if hasattr(field, "key_fits") and not field.key_fits(value):
                continue
            try:
                keys.append(key_field.to_python(value))
            except (ValidationError, TypeError, ValueError):
                continue
        if not keys:
            return []
        return list(field.queryset.filter(**{f"{key_name}__in": keys}))

    def optgroups(self, name, value, attrs=None):
        field = self.choices.field
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", not value or value == [""], 0))
        for index, obj in enumerate(self.selected_records(value), start=1):
            key = field.prepare_value(obj)
            options.append(self.create_option(name, key, record_label(obj), True, index))
        return [(None, options, 0)]


class AutocompleteSelectMultiple(AutocompleteSelect, forms.SelectMultiple):
    """A multiple record select as tags with remove buttons."""


def _static_choices_count(field) -> int:
    return len(list(field.choices)) if hasattr(field, "choices") else 0


def _replace_widget(field, widget) -> None:
    old = field.widget
    widget.attrs.update(old.attrs)
    widget.is_required = old.is_required
    widget.choices = field.choices
    field.widget = widget


def searchable_widgets(form) -> None:
    """Give every choice field of `form` its searchable widget, in place.

    Records of a model in `AUTOCOMPLETE_FIELDS`: the autocomplete widget. Static choices: the
    searchable select when multiple or longer than `SEARCHABLE_CHOICES`. Hidden and radio
    widgets are left as they are.
    """
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, SearchableMixin | forms.NullBooleanSelect) or not isinstance(
            widget, forms.Select
        ):
            continue
        multiple = isinstance(widget, forms.SelectMultiple)
        if isinstance(field, forms.ModelChoiceField):
            if autocomplete_label(field.queryset.model):
                model = field.queryset.model
                cls = AutocompleteSelectMultiple if multiple else AutocompleteSelect
                _replace_widget(field, cls(model))
        elif isinstance(field, forms.ChoiceField):
            if multiple or _static_choices_count(field) > SEARCHABLE_CHOICES:
                cls = SearchableSelectMultiple if multiple else SearchableSelect
                _replace_widget(field, cls())
