"""Shared form layer: every edit form of a versioned model refuses a stale or unversioned save,
and every text input refuses control characters.

`secure_fields(form)` is applied by the base forms (`VersionedModelForm`, hence `PortalForm`,
the admin's forms and inlines; the workflow steps' `ActionForm`; the list filters of
`foreign_affairs.filters`): text fields refuse NUL and the other control characters, and
record choices refuse a key their database column cannot hold instead of crashing on it.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connections
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from foreign_affairs.models import StaleVersionError, VersionedModel, stale_version_message
from foreign_affairs.widgets import searchable_widgets

# Unicode's control characters (category Cc) but tab, line feed and carriage return: NUL is
# refused by PostgreSQL, the others by XML (.xlsx, .docx) and mean nothing in a text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTER_MESSAGE = _("Control characters are not allowed.")
OUT_OF_DATE_MESSAGE = _("This form is out of date or incomplete: reload the page.")


def refuse_control_characters(value) -> None:
    """Validator: raise ValidationError "control_characters" when `value` holds one.

    Refused: U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+007F–U+009F (tab, line feed and
    carriage return are text).
    """
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_characters")


class KeyRangeMixin:
    """A record choice that refuses a key its column cannot hold (e.g. above 2**63 - 1).

    Django looks such a key up as given: SQLite raises OverflowError on `pk__in`, and a
    year or key beyond the column's range is no record anyway. Refused as an invalid choice.
    """

    def key_fits(self, value) -> bool:
        """Return whether `value` can be a key of this field's queryset (its column's range)."""
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        internal = key.get_internal_type()
        if "Integer" not in internal and "AutoField" not in internal:
            return True
        try:
            number = int(str(value).strip())
        except ValueError:
            return True  # Django's own "invalid_pk_value"/"invalid_choice" answers this
        low, high = connections[self.queryset.db].ops.integer_field_range(internal)
        return (low is None or number >= low) and (high is None or number <= high)

    def invalid_key(self, value) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )

    # The records the last cleaning found, {key: record} in the queryset's order: the select
    # showing them (`foreign_affairs.widgets.AutocompleteSelect`) reuses them instead of
    # reading them again (a list filtered by a record: one query less, issue 12).
    cleaned_records: dict | None = None

    def remember(self, records) -> None:
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        self.cleaned_records = {getattr(record, key.attname): record for record in records}


class BoundedModelChoiceField(KeyRangeMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not self.key_fits(value):
            raise self.invalid_key(value)
        record = super().to_python(value)
        self.remember([record] if record is not None else [])
        return record


class BoundedModelMultipleChoiceField(KeyRangeMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value if isinstance(value, list | tuple | set | frozenset) else ():
            if not self.key_fits(item):
                raise self.invalid_key(item)
        records = super()._check_values(value)
        self.remember(records)
        return records


_BOUNDED: dict[type, type] = {}


def _bounded_class(field_class: type) -> type:
    """Return `field_class` with `KeyRangeMixin` checks (django-filter's subclasses too)."""
    if field_class not in _BOUNDED:
        if issubclass(field_class, forms.ModelMultipleChoiceField):
            base = BoundedModelMultipleChoiceField
        else:
            base = BoundedModelChoiceField
        _BOUNDED[field_class] = type(f"Bounded{field_class.__name__}", (base, field_class), {})
    return _BOUNDED[field_class]


def secure_fields(form) -> None:
    """Harden every field of `form` against hostile input, in place.

    Text fields (`forms.CharField` and its subclasses) refuse control characters with one
    message (replacing Django's NUL-only validator); record choices refuse out-of-range keys.
    """
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators = [
                validator
                for validator in field.validators
                if not isinstance(validator, ProhibitNullCharactersValidator)
                and validator is not refuse_control_characters
            ] + [refuse_control_characters]
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, KeyRangeMixin):
            field.__class__ = _bounded_class(type(field))


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that carries the version it was opened at and refuses stale saves.

    Editing a stored record, the form must send back the version it was opened at: a POST
    without it, blank or not a whole number is refused ("This form is out of date or
    incomplete: reload the page."), never saved over whatever is stored.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        secure_fields(self)

    def _editing_versioned(self) -> bool:
        instance = self.instance
        return (
            isinstance(instance, VersionedModel)
            and instance.pk is not None
            and not instance._state.adding
            and "version" in self.fields
        )

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if self._editing_versioned():
            submitted = cleaned.get("version")
            if submitted is None:  # missing, blank or not a whole number
                self._errors.pop("version", None)
                raise ValidationError(OUT_OF_DATE_MESSAGE, code="version_missing")
            stored = (
                type(instance)
                ._base_manager.filter(pk=instance.pk)
                .values_list("version", flat=True)
            )
            if stored and stored[0] != submitted:
                raise StaleVersionError(
                    stale_version_message(instance, seen_version=submitted), code="stale_version"
                )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # Keep the version the editor read: construct_instance() skips empty values.
        if "version" in self.cleaned_data and self.cleaned_data["version"]:
            self.instance.version = self.cleaned_data["version"]


def next_url(request) -> str:
    """Return the `?next=` address to go back to after a form (e.g. a parent's tab), or "".

    Only an address of this site is returned (`url_has_allowed_host_and_scheme`): an
    address elsewhere, or with control characters, is ignored.
    """
    wanted = request.GET.get("next", "")
    if not wanted or CONTROL_CHARACTERS.search(wanted):
        return ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if allowed else ""


def bootstrap_widgets(form, *, small: bool = False) -> None:
    """Give every widget of `form` its Bootstrap class; dates get the native date picker.

    Choice fields get the searchable selects of `foreign_affairs.widgets` first (records
    through the autocomplete endpoint, countries and other long choices with a search box).
    """
    searchable_widgets(form)
    size = " form-select-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select" + size
        else:
            css = "form-control" + size.replace("select", "control")
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if isinstance(widget, forms.Textarea) and str(widget.attrs.get("rows")) == "10":
            widget.attrs["rows"] = 4  # Django's default 10 rows is too tall for notes


class PortalForm(VersionedModelForm):
    """The staff UI's edit form: Bootstrap widgets and native date pickers."""

    wide_fields = ("notes", "summary", "goals", "outcomes", "description", "purpose", "members")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)
