"""Widgets that read a cell the way an office user writes it: labels, Chinese dates, 是/否."""

import re
import unicodedata
from datetime import date, datetime

import openpyxl
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.fields import CountryField
from import_export import widgets

from foreign_affairs.forms import CONTROL_CHARACTER_MESSAGE, CONTROL_CHARACTERS

LANGUAGES = ("zh-hans", "en")
# Hong Kong, Macau and Taiwan as offices write them (django-countries knows the official names).
REGION_ALIASES = {
    "香港": "HK",
    "中国香港特别行政区": "HK",
    "hongkong": "HK",
    "澳门": "MO",
    "中国澳门特别行政区": "MO",
    "macao": "MO",
    "macau": "MO",
    "台湾": "TW",
    "中国台湾地区": "TW",
    "taiwan": "TW",
}


def normalise(text) -> str:
    """Return `text` folded for matching: full-width as half-width, no case, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold()


def cell_text(value) -> str:
    """Return a cell's value as the text the user typed (12.0 → "12", dates as 2021-03-05)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def in_languages(label) -> set[str]:
    """Return the normalised forms of a lazy label in Chinese, English and the active language."""
    found = {normalise(label)}
    for language in LANGUAGES:
        with translation.override(language):
            found.add(normalise(label))
    return found


class TextWidget(widgets.Widget):
    hint = ""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if CONTROL_CHARACTERS.search(text):  # the same rule as every text input of the portal
            raise ValueError(str(CONTROL_CHARACTER_MESSAGE))
        return text


class IntegerWidget(widgets.Widget):
    hint = gettext_lazy("whole number")

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(",", "")
        if not text:
            return None
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(_("Enter a whole number, not “%(value)s”.") % {"value": text})
        return int(text)


class BooleanWidget(widgets.Widget):
    hint = gettext_lazy("是 or 否 (yes or no)")
    TRUE = {"是", "yes", "y", "true", "1", "√", "✓", "有"}
    FALSE = {"否", "no", "n", "false", "0", "×", "✗", "无"}

    def clean(self, value, row=None, **kwargs):
        text = normalise(cell_text(value))
        if not text:
            return None
        if text in self.TRUE or text in self.FALSE:
            return text in self.TRUE
        raise ValueError(_("Enter 是 or 否 (yes or no), not “%(value)s”.") % {"value": value})


class DateWidget(widgets.Widget):
    hint = gettext_lazy("a date, e.g. 2021-03-05, 2021/3/5 or 2021年3月5日")
    PATTERN = re.compile(
        r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"  # a time of day, as text exports add it
    )

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int | float) and 10000 <= value <= 80000:
            # An Excel date stored as a plain number (days since 1899-12-30).
            return openpyxl.utils.datetime.from_excel(value).date()
        text = cell_text(value)
        if not text:
            return None
        match = self.PATTERN.fullmatch(text)
        try:
            return date(*(int(part) for part in match.groups()))
        except (AttributeError, ValueError):
            raise ValueError(
                _("“%(value)s” is not a date; write it as 2021-03-05, 2021/3/5 or 2021年3月5日.")
                % {"value": text}
            ) from None


class ChoiceWidget(widgets.Widget):
    """A choice given by its label (Chinese or English) or its code."""

    def __init__(self, choices):
        super().__init__()
        self.choices = list(choices)

    @property
    def hint(self):
        return "、".join(str(label) for _code, label in self.choices)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        wanted = normalise(text)
        for code, label in self.choices:
            if wanted == normalise(code) or wanted in in_languages(label):
                return code
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": self.hint}
        )


class CountryWidget(widgets.Widget):
    """A country or region by its Chinese or English name or its ISO code."""

    hint = gettext_lazy("name or ISO code, e.g. 韩国, South Korea or KR")

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        code = REGION_ALIASES.get(normalise(text)) or countries.alpha2(text)
        for language in (translation.get_language(), *LANGUAGES):
            code = code or countries.by_name(text, language=language or "en")
        if not code:
            raise ValueError(
                _(
                    "“%(value)s” is not a known country or region; write its Chinese or English "
                    "name (韩国, South Korea) or its ISO code (KR)."
                )
                % {"value": text}
            )
        return code


class NamedForeignKeyWidget(widgets.Widget):
    """A related record given by its (unique) name; it must exist."""

    def __init__(self, model, field_name: str = "name"):
        super().__init__()
        self.model, self.field_name = model, field_name
        self._found = {}

    @property
    def hint(self):
        return _("name of an existing %(model)s") % {"model": self.model._meta.verbose_name}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(
                _("Enter the name of an existing %(model)s.")
                % {"model": self.model._meta.verbose_name}
            )
        if text not in self._found:
            lookup = {self.field_name: text}
            self._found[text] = self.model._default_manager.filter(**lookup).first()
        if self._found[text] is None:
            raise ValueError(
                _("There is no %(model)s named “%(name)s”.")
                % {"model": self.model._meta.verbose_name, "name": text}
            )
        return self._found[text]


def widget_for(model_field) -> widgets.Widget:
    """Return the widget that reads a cell for `model_field` the way an office user writes it."""
    if isinstance(model_field, CountryField):
        return CountryWidget()
    if model_field.choices:
        return ChoiceWidget(model_field.choices)
    if isinstance(model_field, models.DateField):
        return DateWidget()
    if isinstance(model_field, models.BooleanField):
        return BooleanWidget()
    if isinstance(model_field, models.IntegerField):
        return IntegerWidget()
    return TextWidget()
