"""How countries and regions are counted in official Chinese documents.

Hong Kong, Macau and Taiwan are regions of China: shown as 中国香港, 中国澳门, 中国台湾 and
counted as 港澳台 (境外), never as foreign countries.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

HONG_KONG_MACAU_TAIWAN = frozenset({"HK", "MO", "TW"})

# Countries that have signed Belt and Road cooperation documents with China
# (中国一带一路网, list of partner countries), as ISO 3166-1 alpha-2 codes.
BELT_AND_ROAD = frozenset(
    """
    AE AF AG AL AM AO AT AZ BA BB BD BG BH BI BJ BN BO BT BW BY CD CF CG CI CK CL CM CR CU CV
    CY DJ DM DO DZ EC EE EG ER ET FJ FM GA GD GE GH GM GN GQ GW GY HR HU ID IQ IR IT JM JO KE
    KG KH KI KM KR KW KZ LA LB LK LR LS LT LU LV LY MA MD ME MG MK ML MM MN MR MT MU MV MW MY
    MZ NA NE NG NI NP NR NZ OM PA PE PG PH PK PL PS PT PW QA RO RS RU RW SA SB SC SD SG SI SK
    SL SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TZ UA UG UY UZ VE VN VU WS YE ZA
    ZM ZW
    """.split()
)

# Guangdong's nine cities of the Guangdong-Hong Kong-Macao Greater Bay Area (粤港澳大湾区).
GREATER_BAY_AREA_CITIES = frozenset(
    {
        "广州",
        "深圳",
        "珠海",
        "佛山",
        "惠州",
        "东莞",
        "中山",
        "江门",
        "肇庆",
        "guangzhou",
        "shenzhen",
        "zhuhai",
        "foshan",
        "huizhou",
        "dongguan",
        "zhongshan",
        "jiangmen",
        "zhaoqing",
    }
)


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
    if code in HONG_KONG_MACAU_TAIWAN:
        return RegionKind.HMT
    return RegionKind.FOREIGN


def is_belt_and_road(code: str) -> bool:
    """Return whether the country has signed a Belt and Road cooperation document."""
    return (code or "").upper() in BELT_AND_ROAD


def is_greater_bay_area(code: str, city: str = "") -> bool:
    """Return whether a place with this country code and city lies in the Greater Bay Area."""
    code = (code or "").upper()
    if code in {"HK", "MO"}:
        return True
    city = (city or "").strip().lower().removesuffix("市")
    return code == "CN" and city in GREATER_BAY_AREA_CITIES


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
