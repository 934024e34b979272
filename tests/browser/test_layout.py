"""Every list, detail and form page fits a laptop (1366×768) and a phone (390×844) (issue 11).

The pages come from the URL resolver (the four domain apps), so a new page is measured as soon
as it has a URL: `*_list` pages, detail pages (one record of each model, each of its tabs) and
`*_add`, `*_edit` and `*_import` forms. Each role opens the pages it may see. On each page the
browser measures element boxes: the page never scrolls sideways; a list's table (the
portal's list table of foreign_affairs.tables.ObjectTable, on a list or in a tab) never scrolls
sideways either; no column header wraps onto a second line. Every page is
screenshotted (test-artifacts/screenshots/<test>/).

The records are built here with long Chinese names and texts (the worst case of a real office),
not taken from the demo.
"""

import re
from dataclasses import dataclass
from datetime import date

import django.apps
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from foreign_affairs.roles import DOMAIN_APPS, LEADERSHIP, LIAISON, OFFICE_STAFF
from foreign_affairs.views.generic import ObjectPrintView, ObjectView
from tests.browser.conftest import DEMO_PASSWORD
from tests.factories import domain_models, factory_for

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"1366": LAPTOP, "390": PHONE}

# username, full name, role
USERS = {
    "staff": ("陈晓燕", OFFICE_STAFF),
    "leader": ("周建华", LEADERSHIP),
    "liaison": ("黄丽娟", LIAISON),
}

INSTITUTION = "澳大利亚新南威尔士州卧龙岗大学护理与健康科学学院"
TEACHER_FAMILY = "Montgomery-Fitzgerald"

# Long values a real office types: the widest names, titles and texts each list shows.
LONG_VALUES = {
    "partners.institution": {
        "name_zh": INSTITUTION,
        "name_en": "School of Nursing and Health Sciences, University of Wollongong",
        "country": "AU",
        "city": "新南威尔士州卧龙岗市",
        "since": date(2015, 9, 1),
    },
    "partners.agreement": {
        "title": "肇庆医学高等专科学校与卧龙岗大学护理与健康科学学院学生交流与学分互认合作协议",
        "quota_per_year": 12,
    },
    "partners.contact": {
        "name": "玛格丽特·伊丽莎白·汤普森-威廉姆斯",
        "title": "国际合作与交流处副处长兼留学生事务办公室主任",
        "email": "margaret.thompson-williams@international.uow.edu.au",
        "phone": "+61 2 4221 3555",
        "wechat": "margaret_tw_uow_2024",
    },
    "partners.interaction": {
        "summary": "线上会谈：商议2026年护理专业学生赴澳短期临床见习项目的名额、费用与学分互认方案",
        "participants": "外事办公室主任、护理学院院长、护理学院国际交流秘书、对方国际处副处长",
    },
    "exchanges.exchangeproject": {
        "name": "护理专业学生赴澳大利亚卧龙岗大学短期临床见习与学分互认交流项目",
        "status_reason": "对方学院调整临床实习安排，本年度暂停派出，待新学年协商恢复",
        "lead_department": "护理学院（含助产专业教研室）",
        "yearly_quota": 12,
    },
    "exchanges.participant": {
        "name": "欧阳慧敏",
        "department": "护理学院2023级护理（中外合作办学）3班",
        "result": "完成全部临床见习任务，获对方学院颁发的结业证书及6学分",
    },
    "exchanges.visitplanline": {
        "description": "赴澳大利亚、新西兰考察护理与助产专业教育及临床教学基地建设",
        "destinations": ["AU", "NZ"],
        "funding_source": "学校外事专项经费（国际交流与合作）",
        "department": "外事办公室、护理学院",
    },
    "exchanges.visit": {
        "title": "赴澳大利亚、新西兰、新加坡考察护理专业教育与临床教学基地建设交流访问团",
        "destinations": ["AU", "NZ", "SG"],
    },
    "exchanges.passportcustody": {"holder": "司马相如"},
    "faculty.foreignteacher": {
        "family_name": TEACHER_FAMILY,
        "given_name": "Alexandra Catherine",
        "chinese_name": "蒙哥马利·亚历山德拉",
        "department": "公共基础课教学部（大学英语教研室）",
        "subjects": "大学英语、医学英语、跨文化交际与国际护理沟通",
    },
    "faculty.contract": {"position": "外籍英语语言教师（医学英语与跨文化交际方向）"},
    "faculty.incident": {
        "description": "课时费结算与合同约定不一致引发争议，经外事办公室与人事处协调后达成一致",
    },
    "reports.submission": {
        "title": "关于报送2025年度外事工作总结及2026年度因公出国（境）计划的通知",
        "authority": "广东省教育厅国际合作与交流处",
    },
    "reports.training": {
        "title": "全省高校外事管理干部因公出国（境）管理与外籍教师聘用政策业务培训班",
        "organiser": "广东省人民政府外事办公室、广东省教育厅",
        "attendee_count": 3,
    },
}


@pytest.fixture
def demo(transactional_db):
    """The three roles' users and one record of every domain model, with long values.

    Replaces the demo of tests/browser/conftest.py for these tests: the layout is measured on
    the widest values, not on whatever the demo happens to hold.
    """
    from foreign_affairs.roles import sync_roles

    # As tests/browser/conftest.py's demo: the flush removed the groups; sync_roles clears
    # each app config's models_module, which post_migrate needs after the next flush.
    registry = django.apps.apps
    saved = {config.label: config.models_module for config in registry.get_app_configs()}
    try:
        sync_roles(registry)
    finally:
        for config in registry.get_app_configs():
            config.models_module = saved[config.label]
    for username, (full_name, role) in USERS.items():
        user = get_user_model().objects.create_user(
            username, password=DEMO_PASSWORD, first_name=full_name
        )
        user.groups.add(Group.objects.get(name=role))
    institution = factory_for_label("partners.institution")
    teacher = factory_for_label("faculty.foreignteacher")
    related = {"institution": institution, "teacher": teacher}
    for model in domain_models():
        label = model._meta.label_lower
        if model._default_manager.exists():
            continue
        fields = {f.name for f in model._meta.get_fields()}
        links = {name: obj for name, obj in related.items() if name in fields}
        factory_for(model)(**links, **LONG_VALUES.get(label, {}))


def factory_for_label(label: str):
    from django.apps import apps

    return factory_for(apps.get_model(label))(**LONG_VALUES.get(label, {}))


# --- the pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str  # the URL's name, e.g. partners:agreement_list
    kind: str  # list, detail or form
    path: str


def domain_patterns():
    """Yield (namespaced name, view class, converters) of every URL of the domain apps."""
    for resolver in get_resolver().url_patterns:
        if not isinstance(resolver, URLResolver) or resolver.namespace not in DOMAIN_APPS:
            continue
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLPattern) and pattern.name:
                view = getattr(pattern.callback, "view_class", None)
                converters = set(pattern.pattern.converters)
                yield f"{resolver.namespace}:{pattern.name}", view, converters


def kind_of(name: str, view) -> str | None:
    """Return whether the URL shows a list, a record or a form (None: anything else)."""
    short = name.split(":")[1]
    if short.endswith("_list"):
        return "list"
    if short.endswith(("_add", "_edit", "_import")):
        return "form" if view is None or "get" in view.http_method_names else None
    is_record_page = view is not None and issubclass(view, ObjectView)
    if is_record_page and not issubclass(view, ObjectPrintView):
        return "detail"
    return "detail" if name == "reports:annualreport" else None


def view_model(view):
    """Return the model of the record a page shows: its form's, else its queryset's."""
    form_class = getattr(view, "form_class", None)
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    queryset = getattr(view, "queryset", None)
    return model or getattr(queryset, "model", None) or getattr(view, "model", None)


def report_of(obj):
    """Return the annual report a record belongs to (itself, its part's or its section's)."""
    while obj is not None and obj._meta.label_lower != "reports.annualreport":
        obj = getattr(obj, "report", None) or getattr(obj, "part", None)
    return obj


def url_kwargs(name: str, view, converters: set) -> dict:
    """Return the arguments of a page of one record: the first record of the view's model."""
    if not converters:
        return {}
    model = view_model(view)
    obj = model._default_manager.order_by("pk").first() if model else None
    kwargs = {}
    if "pk" in converters and obj is not None:
        kwargs["pk"] = obj.pk
    if "year" in converters:
        report = report_of(obj) if obj is not None else None
        if report is None:
            from reports.models import AnnualReport

            report = AnnualReport.objects.order_by("pk").first()
        kwargs["year"] = report.year
    if set(kwargs) != converters:
        raise LookupError(f"{name}: say in tests/browser/test_layout.py how to open it")
    return kwargs


def layout_pages(kind: str) -> list[Page]:
    """Return every page of `kind` (list, detail, form) of the domain apps, in URL order."""
    pages = []
    for name, view, converters in domain_patterns():
        if kind_of(name, view) == kind:
            pages.append(Page(name, kind, reverse(name, kwargs=url_kwargs(name, view, converters))))
    return pages


def log_in(portal, username: str):
    """Give the browser a session of `username` (the login page itself is tested elsewhere)."""
    from django.conf import settings

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    portal.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": portal.base_url}]
    )


def pages_for(username: str, pages: list[Page]) -> list[Page]:
    """Return the pages `username` may open (HTTP 200); office staff must open every one."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    shown = []
    for page in pages:
        status = client.get(page.path).status_code
        if status == 200:
            shown.append(page)
        elif username == "staff" or status not in (302, 403, 404):
            pytest.fail(f"{page.name} ({page.path}) answers {status} to {username}")
    return shown


# --- the measurements --------------------------------------------------------------------------

# Lines of text in a header cell: the distinct tops of its text's line boxes.
MEASURE = """() => {
  const root = document.scrollingElement;
  const visible = (el) => el.offsetParent !== null && getComputedStyle(el).visibility !== "hidden";
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.classList.length ? "." + [...el.classList].slice(0, 3).join(".") : "");
  const result = {wide: [], wrappers: [], wrapped: []};
  result.overflow = root.scrollWidth - root.clientWidth;
  if (result.overflow > 0) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width && box.right > root.clientWidth + 1 && visible(el)) {
        result.wide.push(describe(el) + " ends at " + Math.round(box.right) + "px");
        if (result.wide.length >= 5) break;
      }
    }
  }
  for (const wrapper of document.querySelectorAll(".table-responsive:has(> table.list-table)")) {
    const over = wrapper.scrollWidth - wrapper.clientWidth;
    if (visible(wrapper) && over > 1) {
      const table = wrapper.querySelector("table");
      result.wrappers.push((table ? describe(table) : describe(wrapper)) + " by " + over + "px");
    }
  }
  for (const th of document.querySelectorAll("th")) {
    if (!visible(th)) continue;
    const tops = [];
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.textContent.trim() || !visible(node.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        if (rect.width > 1 && rect.height > 1) tops.push(rect.top);
      }
    }
    tops.sort((a, b) => a - b);
    const lines = tops.filter((top, i) => i === 0 || top - tops[i - 1] > 4).length;
    const label = th.textContent.trim().replace(/\\s+/g, " ");
    if (lines > 1) result.wrapped.push(label + " (" + lines + " lines)");
  }
  return result;
}"""


def problems_of(portal, page: Page, width: str) -> list[str]:
    """Open `page`, screenshot it and return what does not fit, one line per problem."""
    response = portal.page.goto(portal.url(page.path))
    if response is None or response.status != 200:
        return [f"{page.path}: HTTP {response.status if response else 'none'}"]
    portal.page.wait_for_load_state("load")
    step = f"{width}-{re.sub(r'[^a-z]+', '-', page.name)}"
    found = screenshot(portal, step, page.path)
    found += measured(portal, page.path, tables_fit=page.kind == "list")
    # A detail page's tabs: each shown in turn, its table measured as a list's.
    tabs = portal.page.locator(".nav-tabs [data-bs-toggle='tab']:visible")
    for index in range(tabs.count() if page.kind == "detail" else 0):
        tab = tabs.nth(index)
        tab.click()
        target = tab.get_attribute("data-bs-target") or tab.get_attribute("href") or ""
        if target.startswith("#"):  # Bootstrap fades the pane in: wait until it is opaque
            portal.page.wait_for_function(
                "(pane) => getComputedStyle(document.querySelector(pane)).opacity === '1'",
                arg=target,
            )
        where = f"{page.path}{target or f'#tab-{index}'}"
        problems = measured(portal, where, tables_fit=True)
        found += problems
        has_table = target.startswith("#") and portal.page.locator(f"{target} table").count()
        if problems or has_table:
            found += screenshot(portal, f"{step}-{target.strip('#')}", where)
    return found


def screenshot(portal, step: str, where: str) -> list[str]:
    """Screenshot the page; return its JavaScript errors (reported with the rest)."""
    try:
        portal.shot(step)
    except AssertionError as error:
        portal.errors.clear()
        portal.blocked.clear()
        return [f"{where}: {error}"]
    return []


def measured(portal, where: str, tables_fit: bool) -> list[str]:
    """Return what does not fit on the page as shown now."""
    box = portal.page.evaluate(MEASURE)
    found = []
    if box["overflow"] > 0:
        found.append(
            f"{where}: the page scrolls sideways by {box['overflow']}px ({'; '.join(box['wide'])})"
        )
    if tables_fit and box["wrappers"]:
        found.append(f"{where}: the table scrolls sideways: {'; '.join(box['wrappers'])}")
    if box["wrapped"]:
        found.append(f"{where}: headers wrap: {'、'.join(box['wrapped'])}")
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["list", "detail", "form"])
@pytest.mark.parametrize("username", USERS)
def test_pages_fit_the_screen(portal, username, kind, width):
    """Every page of `kind` the user may open fits `width`: no sideways scroll, no wrapped
    header."""
    pages = pages_for(username, layout_pages(kind))
    if username == "staff":
        assert pages, f"no {kind} page found in the URL resolver"
    if not pages:
        pytest.skip(f"{username} may open no {kind} page")  # the leader has no forms
    portal.page.set_viewport_size(WIDTHS[width])
    log_in(portal, username)
    problems = [problem for page in pages for problem in problems_of(portal, page, width)]
    assert not problems, f"{len(problems)} of {len(pages)} pages do not fit:\n" + "\n".join(
        problems
    )


# --- the list's parts --------------------------------------------------------------------------


AGREEMENT_PAGE = re.compile(r".*/partners/agreements/\d+/$")


def test_list_row_links_short_headers_and_details(portal):
    """A list row opens its record; a short header names the column in full; a phone hides
    columns into the row's detail; the phone's filter button counts the filters in use."""
    portal.page.set_viewport_size(LAPTOP)
    log_in(portal, "staff")
    portal.goto("/partners/agreements/", "agreements-1366")
    header = portal.page.locator("#content-table th abbr, table.list-table th abbr").first
    assert header.get_attribute("title") == "每年交流名额"
    assert header.inner_text() not in ("", "每年交流名额")  # 名额 (msgid "Places")
    assert portal.page.locator("table.list-table tbody tr.row-detail").first.is_hidden()
    # A click beside the link, in the row's last cell, opens the record.
    row = portal.page.locator("table.list-table tbody tr:not(.row-detail)").first
    box = row.locator("td:visible").last.bounding_box()
    portal.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    portal.page.wait_for_url(AGREEMENT_PAGE)

    portal.page.set_viewport_size(PHONE)
    portal.goto("/partners/agreements/?q=卧龙岗&status=", "agreements-390")
    assert portal.page.locator("#filter-form").is_hidden()
    assert portal.page.inner_text("#active-filter-count") == "1"
    portal.page.click("#filter-toggle")
    portal.page.locator("#filter-form").wait_for(state="visible")
    row = portal.page.locator("table.list-table tbody tr:not(.row-detail)").first
    shown = [th for th in portal.page.locator("table.list-table thead th").all() if th.is_visible()]
    assert 2 <= len(shown) <= 4, "a phone shows two or three columns and the toggle"
    detail = portal.page.locator("table.list-table tbody tr.row-detail").first
    assert detail.is_hidden()
    row.locator(".row-toggle").click()
    detail.wait_for(state="visible")
    text = detail.inner_text()
    assert "机构" in text and INSTITUTION in text
    portal.shot("agreements-390-detail-open")
    # The keyboard reaches the row's link and opens it.
    row.locator("a.row-link").focus()
    portal.page.keyboard.press("Enter")
    portal.page.wait_for_url(AGREEMENT_PAGE)
