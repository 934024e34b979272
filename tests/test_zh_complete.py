"""Every page in Chinese (issue 11, item 2): no English reaches a user of the zh-hans portal.

The walk renders every page of the portal — each URL pattern of the URL configuration (lists,
detail pages, add and edit forms, deleted records, restore previews, dashboard, inbox,
deadlines, calendar, reports, search with a query) and, for a superuser, the admin changelist,
add form, change form and history of every registered model — as a superuser and as office
staff, with a record of every model present. URLs come from the resolver and the admin
registry (tests/test_permissions.py), so a new page is walked without anyone listing it.

A page fails when its visible text (text nodes; title, placeholder, aria-label, alt; the
value of buttons) contains an English source string: a msgid of our catalog
(LOCALE_PATHS, read at run time) or of the Django and third-party catalogs in use, unless it
is translated to itself ("PDF"). A table header (<th>) or form label fails on any Latin word
but a short list of tokens Chinese users read as such (CSV, PDF, URL, …) and data values.
Failure messages name the page and the string.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import django
import lxml.html
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from foreign_affairs.roles import OFFICE_STAFF, ROLE_LABELS
from tests.factories import UserFactory, admin_url, domain_models, factory_for
from tests.test_permissions import World, admin_patterns, portal_patterns, url_of

pytestmark = pytest.mark.django_db

LANGUAGE = "zh-hans"
# What a Chinese browser sends.
HEADERS = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}

# Latin tokens a Chinese user reads as they are, in headers and labels too.
ALLOWED_WORDS = {
    "CSV",
    "PDF",
    "Excel",
    "Word",
    "ICS",
    "URL",
    "ID",
    "IP",
    "SHA",
    "XLSX",
    "DOCX",
    "WPS",
    "ISO",
    "PIPL",
    # Certificates of English teaching known by these names (TEFL/TESOL/CELTA证书).
    "TEFL",
    "TESOL",
    "CELTA",
}
ALLOWED_TOKENS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|https?://\S+"  # addresses
    r"|SHA-256"
    r"|\.(?:pdf|docx?|xlsx|csv|txt|wps|rtf|odt|ics|jpe?g|png)\b"  # file name extensions
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^{}]*\}")
# Text of these elements is not shown.
INVISIBLE = {"script", "style", "template", "noscript", "head", "title"}
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


# --- the English source strings ---------------------------------------------------------------


_PO_STRING = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')


@dataclass(frozen=True)
class Entry:
    """One msgid of a .po file (a msgid_plural is an entry of its own)."""

    context: str | None
    msgid: str
    translations: tuple[str, ...]


def po_entries(path: Path) -> list[Entry]:
    """Return the entries of a .po file (obsolete ones left out)."""
    entries, current, key = [], {}, None

    def flush():
        if current.get("msgid"):
            strings = tuple(v for k, v in current.items() if k.startswith("msgstr"))
            for msgid_key in ("msgid", "msgid_plural"):
                if current.get(msgid_key):
                    entries.append(Entry(current.get("msgctxt"), current[msgid_key], strings))

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            continue
        match = _PO_STRING.match(line)
        if match:
            if match.group(1) in {"msgctxt", "msgid"} and key and key.startswith("msgstr"):
                flush()
                current = {}
            key = match.group(1)
            current[key] = _unescape(match.group(2))
        elif line.startswith('"') and key:
            current[key] += _unescape(line.strip()[1:-1])
        elif not line.strip():
            flush()
            current, key = {}, None
    flush()
    return entries


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def catalog_files() -> list[tuple[Path, bool]]:
    """Return (path, is Chinese) of every .po of our catalog, Django and the installed apps.

    The msgids come from every language's catalog (a Chinese one may lack the newest
    msgids); only a Chinese one tells which msgids are translated to themselves.
    """
    locale_dirs = [Path(p) for p in settings.LOCALE_PATHS]
    locale_dirs.append(Path(django.__file__).parent / "conf" / "locale")
    locale_dirs += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    files = []
    for locale_dir in filter(Path.is_dir, locale_dirs):
        for path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
            language = path.parent.parent.name
            if language in {"en", "zh_Hans", "zh_CN"} or path.parent.parent.parent in map(
                Path, settings.LOCALE_PATHS
            ):
                files.append((path, language.startswith("zh")))
    return files


@cache
def english_msgids() -> dict[str, list[re.Pattern]]:
    """Return the English msgids that must not be shown, by their first Latin word.

    A msgid a Chinese catalog translates to itself ("PDF", "Excel") is not English to the
    reader and is left out, as are msgids without a Latin word of two letters.
    """
    msgids, itself = set(), set()
    for path, chinese in catalog_files():
        for entry in po_entries(path):
            msgids.add(entry.msgid)
            if chinese and entry.msgid in entry.translations:
                itself.add(entry.msgid)
    by_word = defaultdict(list)
    for msgid in sorted(msgids - itself):
        pattern = msgid_pattern(msgid)
        if pattern:
            by_word[pattern[0]].append(pattern[1])
    return by_word


def msgid_pattern(msgid: str) -> tuple[str, re.Pattern] | None:
    """Return the first Latin word of a msgid and a pattern matching it with any arguments."""
    parts = PLACEHOLDER.split(msgid.strip())
    words = LATIN_WORD.findall(" ".join(parts))
    if not words or all(word in ALLOWED_WORDS for word in words):
        return None
    literal = r"\s*.+?\s*".join(r"\s+".join(map(re.escape, p.split())) for p in parts)
    start = r"\b" if re.match(r"\w", msgid.strip()) else ""
    end = r"\b" if re.search(r"\w$", msgid.strip()) else ""
    return words[0], re.compile(start + literal + end)


def msgids_in(text: str) -> list[str]:
    """Return the English msgids found in `text` (the longest of overlapping ones)."""
    by_word = english_msgids()
    found = []
    for word in set(LATIN_WORD.findall(text)):
        for pattern in by_word.get(word, ()):
            match = pattern.search(text)
            if match:
                found.append(match.group(0))
    return [f for f in found if not any(f != other and f in other for other in found)]


# --- reading a page -----------------------------------------------------------------------


def visible_texts(html: str) -> list[str]:
    """Return the text nodes and the user-facing attributes of a page."""
    root = lxml.html.document_fromstring(html)
    texts = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        invisible = element.tag in INVISIBLE
        if element.text and not invisible:
            texts.append(element.text)
        if element.tail and element.getparent() is not None:
            if element.getparent().tag not in INVISIBLE:
                texts.append(element.tail)
        texts += [element.get(name) for name in ATTRIBUTES if element.get(name)]
        # Texts a script shows (a searchable select's "no results", a copy button's "copied").
        texts += [
            value
            for name, value in element.attrib.items()
            if name.startswith("data-") and ("text" in name or "label" in name) and value
        ]
        if element.tag in {"input", "button"} and element.get("type") in {"submit", "button"}:
            texts += [element.get("value")] if element.get("value") else []
    return [" ".join(text.split()) for text in texts if text.strip()]


def headers_and_labels(html: str) -> list[str]:
    """Return the text of every table header and caption and every form label of a page."""
    root = lxml.html.document_fromstring(html)
    return [
        " ".join(element.text_content().split())
        for element in root.iter("th", "caption", "label", "legend")
    ]


class Data:
    """The data values of the database: a page may show them in any language."""

    def __init__(self):
        values = set()
        for model in apps.get_models():
            if model is Group:  # a group's name is a role key, shown translated
                continue
            fields = [
                f.attname
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.EmailField)
                and not f.choices
            ]
            for row in model._default_manager.values_list(*fields) if fields else ():
                values |= {v.strip() for v in row if isinstance(v, str) and len(v.strip()) > 1}
        self.values = sorted(values, key=len, reverse=True)

    def strip(self, text: str) -> str:
        """Return `text` without data values and allowed tokens."""
        for value in self.values:
            if value in text:
                text = text.replace(value, " ")
        return ALLOWED_TOKENS.sub(" ", text)


def latin_words(text: str) -> list[str]:
    return [word for word in LATIN_WORD.findall(text) if word not in ALLOWED_WORDS]


def page_problems(page: str, html: str, data: Data) -> list[tuple[str, str]]:
    """Return (page, problem) for each English string of a page."""
    problems = []
    for text in visible_texts(html):
        for found in msgids_in(data.strip(text)):
            problems.append((page, f"English {found!r} in {text[:100]!r}"))
    for text in headers_and_labels(html):
        words = latin_words(data.strip(text))
        if words:
            problems.append((page, f"header or label {text[:100]!r} has Latin {words}"))
    if empty_first_column(html):
        problems.append((page, "a list's first column (the record's name) is empty in every row"))
    return problems


def empty_first_column(html: str) -> bool:
    """Return whether a list table has rows and shows "—" or nothing in each first cell."""
    root = lxml.html.document_fromstring(html)
    for table in root.xpath("//table[contains(@class, 'list-table')]"):
        rows = [row for row in table.xpath("./tbody/tr[td]") if len(row.xpath("./td")) > 1]
        first = {" ".join(row.xpath("./td")[0].text_content().split()) for row in rows}
        if rows and first <= {"—", ""}:
            return True
    return False


# --- the walk --------------------------------------------------------------------------------


def make_world() -> World:
    """Return a World holding a record of every domain model (and a deleted one each)."""
    world = World()
    for model in domain_models():
        label = model._meta.label_lower
        world.live(label)
        if hasattr(model, "history"):
            world.deleted(label)
    world.agreement_with_file()
    world.report_section()
    return world


def portal_pages(world: World) -> list[str]:
    """Return a URL of every portal page a GET shows (actions and downloads are skipped)."""
    pages = []
    for route in portal_patterns():
        if route.name in {"logout", "set_language", "calendar_feed", "attachment"}:
            continue
        try:
            pages.append(url_of(route, world))
        except LookupError:
            pages.append(_record_page(route, world))
    # Search answers a query; a list its filter.
    pages += ["/search/?q=大学", "/search/?q=Smith"]
    return pages


def _record_page(route, world: World) -> str:
    """Return the URL of a page of one record (`<int:pk>`) its view's model names."""
    view = getattr(route.pattern.callback, "view_class", None)
    queryset = getattr(view, "queryset", None)
    model = getattr(queryset, "model", None) or getattr(view, "model", None)
    if not isinstance(model, type) or set(route.pattern.pattern.converters) != {"pk"}:
        raise LookupError(f"Say in tests/test_permissions.py ARGUMENTS what {route.name} shows.")
    return reverse(route.name, kwargs={"pk": world.live(model._meta.label_lower).pk})


# Admin pages that are no page to read: a redirect, a JSON answer, the logout.
ADMIN_NOT_PAGES = {"logout", "view_on_site", "autocomplete", "jsi18n", "login"}


def admin_pages(world: World) -> list[str]:
    """Return a URL of every named admin page: index, app lists, password pages and, per
    registered model, changelist, add, change, delete, history (list and one version),
    deleted records and a restore preview — each with a real record."""
    models_by_prefix = sorted(
        ((f"{m._meta.app_label}_{m._meta.model_name}_", m) for m in admin.site._registry),
        key=lambda item: -len(item[0]),
    )
    pages = []
    for route in admin_patterns():
        name = route.name.removeprefix("admin:")
        if name in ADMIN_NOT_PAGES or name.startswith("<unnamed"):
            continue
        if name == "app_list":
            labels = sorted({model._meta.app_label for model in admin.site._registry})
            pages += [reverse(route.name, args=[label]) for label in labels]
            continue
        model = next((m for prefix, m in models_by_prefix if name.startswith(prefix)), None)
        url = _admin_page(route, name, model, world)
        if url:
            pages.append(url)
    return pages


def _admin_page(route, name: str, model, world: World) -> str | None:
    """Return the URL of one admin pattern, or None when it has no record to show."""
    regex_groups = route.pattern.pattern.regex.groups
    kwargs = dict.fromkeys(getattr(route.pattern.pattern, "converters", {}), None)
    if not kwargs and not regex_groups:
        return reverse(route.name)
    if model is None:
        return None
    obj = model._default_manager.order_by("pk").first()
    if name.endswith("_simple_history"):
        version = obj and model.history.filter(id=obj.pk).first()
        return version and reverse(route.name, args=[obj.pk, version.history_id])
    if name.endswith("_restore"):
        deleted = world.deleted(model._meta.label_lower)
        return reverse(route.name, kwargs={"history_id": deleted.history_id})
    if obj is None:
        return None
    return reverse(route.name, kwargs={key: obj.pk for key in kwargs})


def admin_url_of(name: str) -> str:
    return reverse(f"admin:{name}")


def make_axes_rows():
    """One row of each django-axes model, so their admin pages have data."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    common = {"user_agent": "Mozilla/5.0", "ip_address": "10.0.0.1", "username": "staff"}
    AccessAttempt.objects.create(failures_since_start=2, get_data="", post_data="", **common)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(locked_out=False, **common)


def make_other_rows(world: World, user):
    """A row of the shared layer's models: inbox, history of a change, calendar key."""
    from foreign_affairs.models import CalendarToken, InboxItem

    visit = world.live("exchanges.visit")
    InboxItem.objects.create(
        recipient=user, content_object=visit, object_repr=str(visit), url="/", task="审核出访"
    )
    CalendarToken.issue(user)


def walk(client: Client, pages: list[str], data: Data) -> tuple[list[tuple[str, str]], int]:
    """GET every page; return the problems found and how many HTML pages were read."""
    problems, read = [], 0
    for page in pages:
        with transaction.atomic():  # a page that writes (a restore preview) changes nothing
            response = client.get(page, **HEADERS)
            transaction.set_rollback(True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if getattr(response, "streaming", False):
            continue
        read += 1
        problems += page_problems(page, response.content.decode(), data)
    return problems, read


@pytest.fixture
def world(db):
    with translation.override(LANGUAGE):
        world = make_world()
    return world


def _staff_user():
    user = UserFactory(username="office")
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))
    return user


def _superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _report(problems: list[tuple[str, str]]) -> str:
    """Return the problems grouped by string, each with the pages it is on."""
    pages = defaultdict(list)
    for page, problem in problems:
        if page not in pages[problem]:
            pages[problem].append(page)
    lines = [
        f"{problem} — on {len(where)} page(s): {', '.join(where[:4])}{' …' * (len(where) > 4)}"
        for problem, where in sorted(pages.items(), key=lambda item: -len(item[1]))
    ]
    return f"{len(lines)} English strings on zh-hans pages:\n" + "\n".join(lines)


@pytest.mark.parametrize("who", ["superuser", "office staff"])
def test_every_portal_page_is_chinese(world, who):
    user = _superuser() if who == "superuser" else _staff_user()
    make_other_rows(world, user)
    client = Client()
    client.force_login(user)
    pages = portal_pages(world)
    problems, read = walk(client, pages, Data())
    assert read > 100, f"only {read} of {len(pages)} pages answered with HTML"
    assert not problems, _report(problems)


def test_every_admin_page_is_chinese(world):
    user = _superuser()
    make_other_rows(world, user)
    make_axes_rows()
    client = Client()
    client.force_login(user)
    pages = admin_pages(world)
    problems, read = walk(client, pages, Data())
    assert read >= 3 * len(admin.site._registry), f"only {read} of {len(pages)} admin pages"
    assert not problems, _report(problems)


# --- our catalog does not give Django's strings another meaning --------------------------------

# Strings of Django and its packages our catalog translates otherwise on purpose: the portal's
# vocabulary ("新增" everywhere, not the admin's "增加").
OUR_VOCABULARY = {
    "Add",
    "Add %(name)s",
    "Action",
    "Administration",
    "Comment",
    "Filter",
    "Log out",
    "Page not found",
    "Row",
    "Text",
    "Your password was changed.",
    "year",
}


def test_our_catalog_does_not_change_the_meaning_of_django_strings():
    """A msgid of ours without context that Django or a package also uses gets our Chinese
    there too: "active" (an institution's 合作中) made the admin's user filter read "以 合作中".
    Such a msgid needs a context (pgettext)."""
    ours_dir = Path(settings.LOCALE_PATHS[0])
    theirs = defaultdict(set)
    for path, chinese in catalog_files():
        if chinese and ours_dir not in path.parents:
            for entry in po_entries(path):
                if entry.context is None and any(entry.translations):
                    theirs[entry.msgid] |= set(filter(None, entry.translations))
    ours = po_entries(ours_dir / "zh_Hans" / "LC_MESSAGES" / "django.po")
    clashes = [
        f"{entry.msgid!r}: ours {entry.translations[0]!r}, theirs {sorted(theirs[entry.msgid])}"
        for entry in ours
        if entry.context is None
        and entry.msgid in theirs
        and entry.msgid not in OUR_VOCABULARY
        and entry.translations[0]
        and entry.translations[0] not in theirs[entry.msgid]
    ]
    assert not clashes, "Give these msgids a context (pgettext):\n" + "\n".join(clashes)


def test_the_admin_user_filter_reads_active_in_chinese(world):
    client = Client()
    client.force_login(_superuser())
    html = client.get(admin_url_of("auth_user_changelist"), **HEADERS).content.decode()
    assert "合作中" not in html
    assert "以 有效" in html


def test_groups_are_shown_by_their_role_names(world):
    client = Client()
    client.force_login(_superuser())
    with translation.override(LANGUAGE):
        labels = {group.name: str(group) for group in Group.objects.all()}
        expected = {name: str(label) for name, label in ROLE_LABELS.items()}
    assert labels == expected
    assert not any("_" in label or LATIN_WORD.search(label) for label in labels.values())
    html = client.get(admin_url_of("auth_group_changelist"), **HEADERS).content.decode()
    assert "office_staff" not in html.replace('value="office_staff"', "")
    user = _staff_user()
    html = client.get(admin_url(type(user), "change", user.pk), **HEADERS).content.decode()
    assert ">office_staff<" not in html


# --- countries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, chinese, english",
    [
        ("NP", "尼泊尔", "Nepal"),
        ("TJ", "塔吉克斯坦", "Tajikistan"),
        ("WS", "萨摩亚", "Samoa"),
        ("AS", "美属萨摩亚", "American Samoa"),
        ("KR", "韩国", "Korea (the Republic of)"),
        ("DM", "多米尼克", "Dominica"),
        ("BW", "博茨瓦纳", "Botswana"),
        ("HK", "中国香港", "Hong Kong, China"),
        ("TW", "中国台湾", "Taiwan, China"),
    ],
)
def test_country_names(code, chinese, english):
    from django_countries import countries

    with translation.override(LANGUAGE):
        assert countries.name(code) == chinese
    with translation.override("en"):
        assert countries.name(code) == english


def test_every_country_has_a_chinese_name():
    from django_countries import countries

    with translation.override(LANGUAGE):
        names = [name for code, name in countries]
    assert len(names) == len(set(names)) >= 249
    assert not [name for name in names if LATIN_WORD.search(name)]


def _country_names(language: str) -> list[str]:
    from django_countries import countries

    with translation.override(language):
        return [str(name) for code, name in countries]


def test_countries_are_sorted_by_pinyin_in_chinese_and_alphabetically_in_english():
    from foreign_affairs.collation import pinyin_key

    chinese = _country_names(LANGUAGE)
    # China and its regions first (COUNTRIES_FIRST), then every country by pinyin.
    assert chinese[:4] == ["中国", "中国香港", "中国澳门", "中国台湾"]
    rest = chinese[4:]
    assert rest == sorted(rest, key=pinyin_key)
    assert rest.index("阿尔巴尼亚") < rest.index("巴西") < rest.index("智利") < rest.index("中非")
    assert rest[0].startswith("阿") and rest[-1] == "中非"
    english = _country_names("en")[4:]
    assert english.index("Albania") < english.index("Brazil") < english.index("Zimbabwe")
    assert english[:3] == ["Afghanistan", "Åland Islands", "Albania"]
    assert english[-1] == "Zimbabwe"


def test_the_country_select_of_a_form_is_in_pinyin_order(world):
    client = Client()
    client.force_login(_staff_user())
    html = client.get(reverse("partners:institution_add"), **HEADERS).content.decode()
    # The choices as the page lists them (options, or the searchable select's data).
    assert html.index("阿尔巴尼亚") < html.index("巴西") < html.index("智利") < html.index("中非")
    assert "尼泊尔" in html and "尼珀尔" not in html


# --- pinyin order in the database ----------------------------------------------------------


# Both databases agree on these; on characters with two readings (长, 重) PostgreSQL's ICU
# collation takes one reading per character, pypinyin (SQLite, Python) reads the phrase.
NAMES_IN_PINYIN_ORDER = ["安徽医科大学", "北京大学", "成都中医药大学", "大连医科大学", "中山大学"]


def test_pinyin_key():
    from foreign_affairs.collation import pinyin_key

    assert sorted(reversed(NAMES_IN_PINYIN_ORDER), key=pinyin_key) == NAMES_IN_PINYIN_ORDER
    assert sorted(["重庆医科大学", "长春中医药大学"], key=pinyin_key) == [
        "长春中医药大学",  # chang-
        "重庆医科大学",  # chong-
    ]
    assert sorted(["Zeta", "2号", "北京", "alpha"], key=pinyin_key) == [
        "2号",
        "北京",
        "alpha",
        "Zeta",
    ]


def test_querysets_sort_by_pinyin(world):
    from foreign_affairs.collation import pinyin
    from partners.models import Institution

    make = factory_for(Institution)
    for name in reversed(NAMES_IN_PINYIN_ORDER):
        make(name_zh=name)
    names = Institution.objects.filter(name_zh__in=NAMES_IN_PINYIN_ORDER)
    assert list(names.order_by(pinyin("name_zh")).values_list("name_zh", flat=True)) == (
        NAMES_IN_PINYIN_ORDER
    )
    assert (
        list(names.order_by(pinyin("name_zh").desc()).values_list("name_zh", flat=True))
        == (NAMES_IN_PINYIN_ORDER[::-1])
    )


def _first_column(html: str) -> list[str]:
    root = lxml.html.document_fromstring(html)
    return [
        " ".join(row.xpath("./td|./th")[0].text_content().split())
        for row in root.xpath("//table[contains(@class, 'list-table')]/tbody/tr[td]")
        if "row-detail" not in row.get("class", "")
    ]


def test_lists_sort_chinese_names_by_pinyin(db):
    from partners.models import Institution

    make = factory_for(Institution)
    for name in reversed(NAMES_IN_PINYIN_ORDER):
        make(name_zh=name)
    client = Client()
    client.force_login(_staff_user())
    url = reverse("partners:institution_list")
    default = _first_column(client.get(url, **HEADERS).content.decode())
    assert [n for n in default if n in NAMES_IN_PINYIN_ORDER] == NAMES_IN_PINYIN_ORDER
    down = _first_column(client.get(url + "?sort=-name_zh", **HEADERS).content.decode())
    assert [n for n in down if n in NAMES_IN_PINYIN_ORDER] == NAMES_IN_PINYIN_ORDER[::-1]


def test_lists_sort_by_country_name(db):
    from partners.models import Institution

    make = factory_for(Institution)
    for code, name in [("CN", "甲"), ("DE", "乙"), ("AL", "丙"), ("BR", "丁")]:
        make(name_zh=f"{name}大学", country=code)
    client = Client()
    client.force_login(_staff_user())
    url = reverse("partners:institution_list") + "?sort=country"
    names = _first_column(client.get(url, **HEADERS).content.decode())
    # 中国 first (as in the selects), then 阿尔巴尼亚, 巴西, 德国.
    assert names == ["甲大学", "丙大学", "丁大学", "乙大学"]


def test_the_walk_finds_english_on_a_page(db):
    """The checker itself: it names what an untranslated page shows."""
    html = """<html><body><h1>机构</h1><button title="Delete">✕</button>
      <form><label>国家/地区</label><label>Name</label><input type="submit" value="Search"></form>
      <table class="list-table"><thead><tr><th>Name</th><th>状态</th></tr></thead>
      <tbody><tr><td>—</td><td>合作中</td></tr><tr><td>—</td><td>终止</td></tr></tbody></table>
      <p>Anna Smith · anna@example.org · PDF</p></body></html>"""
    problems = {problem for page, problem in page_problems("/x/", html, Data())}
    assert "English 'Delete' in 'Delete'" in problems
    assert "English 'Search' in 'Search'" in problems
    assert "header or label 'Name' has Latin ['Name']" in problems
    assert "a list's first column (the record's name) is empty in every row" in problems
    assert not any("Anna" in problem or "PDF" in problem for problem in problems)


def test_the_admin_country_filter_is_in_pinyin_order(db):
    from partners.models import Institution

    for code in ("CN", "DE", "BR", "AL"):
        factory_for(Institution)(country=code)
    client = Client()
    client.force_login(_superuser())
    response = client.get(admin_url(Institution, "changelist"), **HEADERS)
    spec = next(
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "parameter_name", "") == "country"
    )
    assert [str(name) for code, name in spec.lookup_choices] == [
        "中国",
        "阿尔巴尼亚",
        "巴西",
        "德国",
    ]
