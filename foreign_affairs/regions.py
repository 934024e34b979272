"""How countries and regions are counted in official Chinese documents.

Hong Kong, Macau and Taiwan are regions of China: shown as 中国香港, 中国澳门, 中国台湾 and
counted as 港澳台 (境外), never as foreign countries.

The Belt-and-Road countries, the Greater-Bay-Area cities and the 港澳台 codes are data, each
with its source and as-of date, in `data/regions.toml`; `settings.BELT_AND_ROAD_COUNTRIES`,
`settings.GREATER_BAY_AREA_CITIES` and `settings.HONG_KONG_MACAU_TAIWAN`, when set, replace them.
"""

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.toml"


@dataclass(frozen=True)
class Source:
    """Where a list comes from and the date it is current to."""

    title: str
    issuer: str
    url: str
    as_of: str
    note: str = ""
    updated: str = ""  # the last change applied since `as_of`, each with its own source


@cache
def _data() -> dict:
    with DATA_FILE.open("rb") as file:
        return tomllib.load(file)


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.upper().split())


def _source(section: dict, updated: str = "") -> Source:
    return Source(
        title=section["title"],
        issuer=section["issuer"],
        url=section["url"],
        as_of=str(section["as_of"]),
        note=section.get("note", "").strip(),
        updated=updated,
    )


def _belt_and_road_official() -> frozenset[str]:
    return frozenset().union(*map(_codes, _data()["belt_and_road"]["countries"].values()))


def belt_and_road_changes() -> list[dict]:
    """Return the changes since the official list, each with its date and its own source."""
    return _data()["belt_and_road"].get("changes", [])


def _apply(codes: frozenset[str], changes: list[dict]) -> frozenset[str]:
    for change in sorted(changes, key=lambda change: change["date"]):
        codes = (codes | set(change.get("add", []))) - set(change.get("remove", []))
    return codes


NO_DIPLOMATIC_RELATIONS = _codes(_data()["no_diplomatic_relations"]["countries"])
NO_DIPLOMATIC_RELATIONS_SOURCE = _source(_data()["no_diplomatic_relations"])

# The official list with the later changes applied; no country China has no relations with.
BELT_AND_ROAD = _apply(_belt_and_road_official(), belt_and_road_changes()) - NO_DIPLOMATIC_RELATIONS
BELT_AND_ROAD_SOURCE = _source(
    _data()["belt_and_road"],
    updated=max((str(change["date"]) for change in belt_and_road_changes()), default=""),
)

HONG_KONG_MACAU_TAIWAN = _codes(_data()["hong_kong_macau_taiwan"]["countries"])
HONG_KONG_MACAU_TAIWAN_SOURCE = _source(_data()["hong_kong_macau_taiwan"])

# Guangdong's nine cities of the Greater Bay Area, by Chinese name and pinyin.
GREATER_BAY_AREA_CITIES = frozenset(
    name for pair in _data()["greater_bay_area"]["cities"].items() for name in pair
)
GREATER_BAY_AREA_REGIONS = frozenset(_data()["greater_bay_area"]["regions"])
GREATER_BAY_AREA_SOURCE = _source(_data()["greater_bay_area"])

# A trailing 市, "City" or "Shi" (after a space, or glued to pinyin: "ZhaoqingShi" too).
_CITY_SUFFIX = re.compile(r"(市|city|shi)$")


def city_key(city: str) -> str:
    """Return a city name without case, spaces or 市/City/Shi: "Zhaoqing City" -> "zhaoqing"."""
    key = re.sub(r"\s+", "", city or "").casefold()
    return _CITY_SUFFIX.sub("", key) or key


def _spaced(word: str) -> str:
    return r"\s*".join(re.escape(char) for char in word)


def city_regex(cities) -> str:
    """Return a case-insensitive regex matching these cities as `city_key` would, for SQL."""
    names = "|".join(_spaced(name) for name in sorted({city_key(c) for c in cities}))
    return rf"^\s*({names})\s*({_spaced('市')}|{_spaced('city')}|{_spaced('shi')})?\s*$"


# (setting name) -> (the setting's value object, the set made of it): a list is built once
# per value of its setting, also when a test overrides it.
_built: dict[str, tuple[object, frozenset[str]]] = {}


def _setting(name: str, default: frozenset[str], key: Callable[[str], str]) -> frozenset[str]:
    value = getattr(settings, name, None)
    built = _built.get(name)
    if built is not None and built[0] is value:
        return built[1]
    result = frozenset(key(item) for item in (default if value is None else value))
    _built[name] = (value, result)
    return result


def belt_and_road_countries() -> frozenset[str]:
    """Return the Belt-and-Road country codes (settings.BELT_AND_ROAD_COUNTRIES if set)."""
    return _setting("BELT_AND_ROAD_COUNTRIES", BELT_AND_ROAD, str.upper)


def greater_bay_area_cities() -> frozenset[str]:
    """Return the Greater-Bay-Area city keys (settings.GREATER_BAY_AREA_CITIES if set)."""
    return _setting("GREATER_BAY_AREA_CITIES", GREATER_BAY_AREA_CITIES, city_key)


def hong_kong_macau_taiwan() -> frozenset[str]:
    """Return the 港澳台 codes (settings.HONG_KONG_MACAU_TAIWAN if set)."""
    return _setting("HONG_KONG_MACAU_TAIWAN", HONG_KONG_MACAU_TAIWAN, str.upper)


def region_sources() -> list[tuple[str, Source]]:
    """Return (list name, source) for each region list, a setting naming itself as the source."""
    lists = [
        (_("Belt and Road countries"), "BELT_AND_ROAD_COUNTRIES", BELT_AND_ROAD_SOURCE),
        (_("Greater Bay Area"), "GREATER_BAY_AREA_CITIES", GREATER_BAY_AREA_SOURCE),
        (_("Hong Kong, Macau and Taiwan"), "HONG_KONG_MACAU_TAIWAN", HONG_KONG_MACAU_TAIWAN_SOURCE),
    ]
    return [
        (label, source if getattr(settings, name, None) is None else _settings_source(name))
        for label, name, source in lists
    ]


def _settings_source(name: str) -> Source:
    return Source(title=f"settings.{name}", issuer=str(_("local settings")), url="", as_of="")


class RegionKind(models.TextChoices):
    """Where a country or region is counted in statistics."""

    MAINLAND = "mainland", _("Chinese mainland")
    HMT = "hmt", _("Hong Kong, Macau and Taiwan")
    FOREIGN = "foreign", _("Foreign country")


def region_kind(code: str) -> RegionKind:
    """Return how the ISO 3166 code is counted: mainland, 港澳台, or foreign country."""
    code = (code or "").upper()
    if code == "CN":
        return RegionKind.MAINLAND
    if code in hong_kong_macau_taiwan():
        return RegionKind.HMT
    return RegionKind.FOREIGN


def is_belt_and_road(code: str) -> bool:
    """Return whether the country has signed a Belt and Road cooperation document."""
    return (code or "").upper() in belt_and_road_countries()


def is_greater_bay_area(code: str, city: str = "") -> bool:
    """Return whether a place with this country code and city lies in the Greater Bay Area."""
    code = (code or "").upper()
    if code in GREATER_BAY_AREA_REGIONS:
        return True
    return code == "CN" and city_key(city) in greater_bay_area_cities()


# Regions of the United Nations' "Standard country or area codes for statistical use (M49)":
# Africa (002) and Latin America and the Caribbean (419), as ISO 3166-1 alpha-2 codes. The
# visit-length rules allow a day more for these, where flights connect badly.
AFRICA = frozenset(
    """
    DZ EG LY MA SD TN EH IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW
    AO CM CF TD CG CD GQ GA ST BW SZ LS NA ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN
    SL TG
    """.split()
)
LATIN_AMERICA_CARIBBEAN = frozenset(
    """
    AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI BZ
    CR SV GT HN MX NI PA AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE
    """.split()
)


def is_africa_or_latin_america(code: str) -> bool:
    """Return whether the country lies in Africa or Latin America and the Caribbean (M49)."""
    code = (code or "").upper()
    return code in AFRICA or code in LATIN_AMERICA_CARIBBEAN
