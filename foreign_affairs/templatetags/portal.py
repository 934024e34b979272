"""Template helpers of the portal: one way to display a field value everywhere."""

import datetime

from django import template
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django_countries.fields import Country, MultipleCountriesDescriptor

from foreign_affairs.numbering import chinese_numeral

register = template.Library()


@register.simple_tag
def display_value(value, obj=None, field_name=""):
    """Return a field value as a reader expects it: dates in Chinese, people by name.

    A file is only named here, never linked: its links depend on who reads the page
    (`foreign_affairs.attachments.attachment_links`, `templates/files/links.html`)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_filter(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_filter(value, "DATE_FORMAT")
    if isinstance(value, Country):
        return value.name
    if isinstance(value, MultipleCountriesDescriptor):  # its str() joins with ", "
        return "、".join(country.name for country in value) or "—"
    if isinstance(value, list) and value and isinstance(value[0], Country):
        return "、".join(country.name for country in value)
    if isinstance(value, FieldFile):
        return _("File stored") if value else "—"
    if isinstance(value, AbstractBaseUser):
        return user_name(value)
    if hasattr(value, "get_absolute_url"):
        return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value)
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return format_html('<a href="{}" rel="noopener" target="_blank">{}</a>', value, value)
    return value


@register.filter
def dormant_warning(institution) -> bool:
    """Return whether an active partner has had no activity of any kind for 12 months
    (the page's queryset annotates `last_activity_on` and `has_current_tie`)."""
    return institution.dormant_warning(
        getattr(institution, "last_activity_on", None),
        getattr(institution, "has_current_tie", False),
    )


@register.filter
def verbose_name(model) -> str:
    """Return a model class's verbose name (templates cannot reach `_meta`)."""
    return model._meta.verbose_name


@register.filter
def user_name(user) -> str:
    """Return a user's full name, else username, else a dash (history of system changes)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter(name="chinese_numeral")
def chinese_numeral_filter(number) -> str:
    """Return 1 → 一, 10 → 十, 12 → 十二 (section numbering in the editor)."""
    return chinese_numeral(int(number))


@register.filter
def record_name(obj) -> str:
    """Return how a (deleted) record is named, even when a record it names is gone."""
    from foreign_affairs.history import name_of

    return name_of(obj)


# The tone of a status chip: one colour per kind of state, the same on every page.
CHIP_TONES = {
    "ok": (
        "active",
        "approved",
        "closed",
        "employed",
        "in_custody",
        "in_force",
        "passed",
        "received",
        "report_filed",
        "signed",
        "valid",
    ),
    "warn": (
        "candidate",
        "expiring",
        "in_review",
        "negotiating",
        "not_yet",
        "office_review",
        "pending",
        "prospective",
        "submitted",
        "under_review",
        "dormant_warning",
    ),
    "bad": ("cancelled", "expired", "failed", "overdue", "terminated"),
    "info": ("belt_and_road", "departed", "greater_bay_area", "handed_out", "returned"),
}
CHIP_TONE_OF = {value: tone for tone, values in CHIP_TONES.items() for value in values}


@register.filter
def chip_tone(value) -> str:
    """Return the tone of a state's chip (ok, warn, bad, info; muted for the rest)."""
    return CHIP_TONE_OF.get(str(value), "muted")
