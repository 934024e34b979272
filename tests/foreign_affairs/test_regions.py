"""Region data: the Belt-and-Road list against its source, GBA cities, 港澳台, list filters."""

import pytest
from django.urls import reverse

from foreign_affairs import regions
from reports.statistics import region_sources_note, report_statistics, statistics_html
from tests.partners.factories import InstitutionFactory


def test_belt_and_road_has_no_country_without_diplomatic_relations_with_china():
    assert regions.NO_DIPLOMATIC_RELATIONS >= {"SZ", "PY", "GT", "VA", "PW", "BT"}
    assert not regions.BELT_AND_ROAD & regions.NO_DIPLOMATIC_RELATIONS
    assert regions.NO_DIPLOMATIC_RELATIONS_SOURCE.as_of == "2024-01-15"


@pytest.mark.parametrize("code", ["CZ", "GR", "AR", "HN", "NI", "SB", "KI", "NR", "CO", "NU"])
def test_belt_and_road_includes_countries_that_signed(code):
    assert regions.is_belt_and_road(code)


@pytest.mark.parametrize("code", ["IT", "PA", "SZ", "BT", "PW", "MU", "IN", "CN", "HK"])
def test_belt_and_road_excludes_countries_that_left_or_never_signed(code):
    assert not regions.is_belt_and_road(code)


def test_belt_and_road_names_its_source_date_and_each_change_its_own_source():
    source = regions.BELT_AND_ROAD_SOURCE
    assert source.title == "已同中国签订共建“一带一路”合作文件的国家一览"
    assert source.as_of == "2023-08"
    assert source.updated == "2025-05-14"
    removed = {
        code for change in regions.belt_and_road_changes() for code in change.get("remove", [])
    }
    assert removed == {"IT", "PA"}
    for change in regions.belt_and_road_changes():
        assert change["date"] and change["source"] and change["url"].startswith("http")


def test_every_list_names_title_issuer_url_and_date():
    for _label, source in regions.region_sources():
        assert source.title and source.issuer and source.url.startswith("http") and source.as_of


def test_settings_replace_the_lists(settings):
    settings.BELT_AND_ROAD_COUNTRIES = ["it"]
    settings.GREATER_BAY_AREA_CITIES = ["Hangzhou"]
    assert regions.is_belt_and_road("IT") and not regions.is_belt_and_road("CZ")
    assert regions.is_greater_bay_area("CN", "杭州市") is False
    assert regions.is_greater_bay_area("CN", "Hangzhou City")
    label, source = regions.region_sources()[0]
    assert source.title == "settings.BELT_AND_ROAD_COUNTRIES"


@pytest.mark.parametrize(
    "city",
    ["肇庆", "肇庆市", " 肇庆 市 ", "Zhaoqing", "Zhaoqing City", "zhaoqing shi", "ZHAOQINGSHI"],
)
def test_greater_bay_area_accepts_chinese_pinyin_and_city_suffixes(city):
    assert regions.is_greater_bay_area("CN", city)


@pytest.mark.parametrize("city", ["杭州", "Hangzhou City", "Zhaoqingxi", ""])
def test_greater_bay_area_refuses_other_cities(city):
    assert not regions.is_greater_bay_area("CN", city)


def test_hong_kong_macau_taiwan_come_from_the_data_with_a_source():
    assert regions.HONG_KONG_MACAU_TAIWAN == {"HK", "MO", "TW"}
    assert regions.region_kind("mo") == regions.RegionKind.HMT
    assert regions.HONG_KONG_MACAU_TAIWAN_SOURCE.as_of == "2018-08-06"


@pytest.fixture
def places(db):
    return {
        "zhaoqing": InstitutionFactory(country="CN", city="Zhaoqing City"),
        "beijing": InstitutionFactory(country="CN", city="北京"),
        "macau": InstitutionFactory(country="MO", city="澳门"),
        "prague": InstitutionFactory(country="CZ", city="Praha"),
        "rome": InstitutionFactory(country="IT", city="Roma"),
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("belt_and_road=true", {"prague"}),
        ("belt_and_road=false", {"zhaoqing", "beijing", "macau", "rome"}),
        ("greater_bay_area=true", {"zhaoqing", "macau"}),
        ("greater_bay_area=false", {"beijing", "prague", "rome"}),
        ("region=hmt", {"macau"}),
        ("region=mainland", {"zhaoqing", "beijing"}),
        ("region=foreign", {"prague", "rome"}),
    ],
)
def test_institution_list_filters_by_region_bri_and_gba(client, superuser, places, query, expected):
    client.force_login(superuser)
    response = client.get(f"{reverse('partners:institution_list')}?{query}")
    shown = {record.pk for record in response.context["table"].data}
    assert shown == {places[key].pk for key in expected}


def test_institution_list_shows_columns_and_the_sources_in_its_footer(client, superuser, places):
    client.force_login(superuser)
    response = client.get(reverse("partners:institution_list"))
    html = response.content.decode()
    assert 'id="region-sources"' in html
    assert regions.BELT_AND_ROAD_SOURCE.url in html
    assert "2023-08" in html and "2025-05-14" in html
    columns = {column.name for column in response.context["table"].columns}
    assert {"region", "belt_and_road", "greater_bay_area"} <= columns


def test_statistics_count_bri_and_gba_and_name_the_sources(places):
    stats = report_statistics(2099)
    assert stats["partners"]["belt_and_road"] == 1
    assert stats["partners"]["greater_bay_area"] == 2
    assert stats["partners"]["sources"] == region_sources_note()
    html = statistics_html(stats)
    assert "粤港澳大湾区" in html and "截至2023-08" in html and "statistics-note" in html
