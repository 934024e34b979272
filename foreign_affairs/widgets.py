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
from django.template import Context
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.safestring import SafeData, mark_safe
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


# --- selects written in Python: a list's filter form has a few dozen options, and Django's
# select templates render one template per option and per option's attributes (issue 12) ---

_TEXT_CONTEXT = Context(autoescape=True)


def _text(value) -> str:
    """`{{ value }}` in a template."""
    return render_value_in_context(value, _TEXT_CONTEXT)


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}` in a template (a safe value stays unescaped)."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031
    return _text(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs_html(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict) -> str:
    """Return what `django/forms/widgets/select.html` (with its option and attributes
    templates) writes for a select widget's template context `widget`."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_string(option["value"])}"{_attrs_html(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts).strip()


class PythonSelectMixin:
    """A select rendered by `select_html`, unless its class names templates of its own."""

    def render(self, name, value, attrs=None, renderer=None):
        if (self.template_name, self.option_template_name) != SELECT_TEMPLATES:
            return super().render(name, value, attrs, renderer)
        return mark_safe(select_html(self.get_context(name, value, attrs)["widget"]))


SELECT_TEMPLATES = (forms.Select.template_name, forms.Select.option_template_name)
_PYTHON_SELECTS: dict[type, type] = {}


def python_select_class(widget_class: type) -> type:
    """Return `widget_class` (a Django select) rendered by `select_html`."""
    if issubclass(widget_class, PythonSelectMixin):
        return widget_class
    if widget_class not in _PYTHON_SELECTS:
        name = f"Python{widget_class.__name__}"
        _PYTHON_SELECTS[widget_class] = type(name, (PythonSelectMixin, widget_class), {})
    return _PYTHON_SELECTS[widget_class]


class SearchableMixin:
    """Tom Select's texts and marker attribute on a select."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-searchable"] = "static" if not hasattr(self, "model") else "remote"
        attrs.update(ui_texts())
        return attrs


class SearchableSelect(PythonSelectMixin, SearchableMixin, forms.Select):
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


class AutocompleteSelect(PythonSelectMixin, SearchableMixin, forms.Select):
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
        cleaned = getattr(field, "cleaned_records", None)  # the form's cleaning found them
        if cleaned is not None and set(cleaned) == set(keys):
            return list(cleaned.values())
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
        if isinstance(widget, forms.Select):
            widget.__class__ = python_select_class(type(widget))  # the same HTML, faster
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
