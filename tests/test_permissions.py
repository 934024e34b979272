"""The permission matrix: every URL pattern of the project, asked by every role (DESIGN §1).

`EXPECTED` holds, per URL name, the answer each role gets to a GET. It is written from the
roles, not from the URL configuration: a URL pattern nobody gave an expectation makes
`test_every_url_pattern_has_an_expectation` fail (Zulip does the same), so a new page cannot
ship without someone deciding who may open it. The admin is one group with its own rule.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from exchanges.models import Visit
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from tests.factories import UserFactory, factory_for
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, OFFICE_STAFF, LEADERSHIP, LIAISON)

# Answers that are redirects rather than plain status codes.
LOGIN = "302 → login"  # the portal's login page, with ?next=<the page asked for>
ADMIN_LOGIN = "302 → admin login"
HOME = "302 → home"
ADMIN_HOME = "302 → admin home"

# Enough of a PDF for `filetype` to recognise it.
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


# --- walking the URL configuration -----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its namespaced name (or its route if unnamed) and pattern."""

    name: str
    route: str
    pattern: URLPattern
    namespace: str


def url_patterns(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    """Return every URL pattern of the project, walking includes recursively."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += url_patterns(entry.url_patterns, route, inner)
        else:
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {route}>"
            found.append(Route(name, route, entry, namespace.rstrip(":")))
    return found


def portal_patterns() -> list[Route]:
    """Return the URL patterns of the portal itself (everything but Django's admin)."""
    return [route for route in url_patterns() if not route.namespace.startswith("admin")]


def admin_patterns() -> list[Route]:
    return [route for route in url_patterns() if route.namespace.startswith("admin")]


# --- what each role may do (DESIGN §1) -------------------------------------------------------

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = (VIEW, ADD, CHANGE, DELETE)

# The models with the standard pages of foreign_affairs.routing.object_urls, and the actions
# each role holds on them.
OBJECT_MODELS = {
    "partners.institution": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: (VIEW,)},
    "partners.contact": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: (VIEW,)},
    "partners.agreement": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: (VIEW,)},
    "partners.interaction": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: (VIEW,)},
    "exchanges.exchangeproject": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: (VIEW, ADD)},
    "exchanges.participant": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
    "exchanges.visitplanline": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: (VIEW,)},
    "exchanges.visit": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: (VIEW, ADD)},
    "exchanges.passportcustody": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
    "faculty.foreignteacher": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
    "faculty.contract": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
    "faculty.identitydocument": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
    "faculty.qualificationcheck": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
    "faculty.incident": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
    "faculty.teacherchange": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
    "reports.submission": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
    "reports.training": {OFFICE_STAFF: ALL, LEADERSHIP: (VIEW,), LIAISON: ()},
}

# object_urls page suffix -> the action it needs. Restore answers a GET with the preview of
# what comes back and restores on POST (issue 10 item 8); both need the delete permission: a
# liaison may add proposals but not undo the office's deletions
# (test_a_liaison_cannot_restore_what_the_office_deleted).
OBJECT_PAGES = {
    "_list": VIEW,
    "": VIEW,
    "_deleted": VIEW,
    "_add": ADD,
    "_edit": CHANGE,
    "_delete": DELETE,
    "_restore": DELETE,
}
POST_ONLY_PAGES: set[str] = set()


def expect(*, staff, leader, liaison, anonymous=LOGIN) -> dict:
    return {ANONYMOUS: anonymous, OFFICE_STAFF: staff, LEADERSHIP: leader, LIAISON: liaison}


ROLE_KEYWORDS = (("staff", OFFICE_STAFF), ("leader", LEADERSHIP), ("liaison", LIAISON))


def _by_grant(label: str, action: str, allowed=200) -> dict:
    """Return `allowed` for the roles holding `action` on the model, 403 for the others."""
    grants = OBJECT_MODELS[label]
    return expect(
        **{key: allowed if action in grants[role] else 403 for key, role in ROLE_KEYWORDS}
    )


def _object_expectations() -> dict[str, dict]:
    return {
        f"{label.replace('.', ':')}{suffix}": _by_grant(
            label, action, 405 if suffix in POST_ONLY_PAGES else 200
        )
        for label in OBJECT_MODELS
        for suffix, action in OBJECT_PAGES.items()
    }


# Excel imports create records: the add permission of their model.
IMPORTS = {
    "partners:institution_import": "partners.institution",
    "exchanges:participant_import": "exchanges.participant",
    "faculty:foreignteacher_import": "faculty.foreignteacher",
}


EVERY_ROLE = expect(staff=200, leader=200, liaison=200)
REPORT_READERS = expect(staff=200, leader=200, liaison=403)  # office staff and leadership
REPORT_WRITERS = expect(staff=200, leader=403, liaison=403)  # office staff only
# POST-only report actions: 405 to a GET from whoever may do them, 403 to the others.
REPORT_STAFF_ACTION = expect(staff=405, leader=403, liaison=403)
REPORT_LEADERSHIP_ACTION = expect(staff=403, leader=405, liaison=403)

OFFICE_STEP = expect(staff=405, leader=403, liaison=403)
PROPOSER_STEP = expect(staff=405, leader=403, liaison=405)
OFFICE_VISIT_STEPS = ("review", "send_back", "approve", "depart", "come_back", "receive", "close")

EXPECTED: dict[str, dict] = {
    **_object_expectations(),
    **{name: _by_grant(label, ADD) for name, label in IMPORTS.items()},
    "home": EVERY_ROLE,
    "search": EVERY_ROLE,
    # The record selects' JSON (institutions here): whoever may view the model (tests in
    # tests/test_forms_widgets.py for a model a role may not view, and for users).
    "autocomplete": EVERY_ROLE,
    # The signed file of an agreement: whoever may view agreements may download it.
    "attachment": EVERY_ROLE,
    # Its viewer page and the inline stream it frames: the same check as the download.
    "attachment_view": EVERY_ROLE,
    "attachment_inline": EVERY_ROLE,
    # A record's A4 print view: whoever may view the record (issue 11 item 7).
    "faculty:foreignteacher_print": _by_grant("faculty.foreignteacher", VIEW),
    "exchanges:visit_print": _by_grant("exchanges.visit", VIEW),
    "login": expect(anonymous=200, staff=HOME, leader=HOME, liaison=HOME),
    # A user's deadlines as an ICS feed: calendar apps cannot log in, the URL holds a random
    # key instead; whoever has the URL gets that user's feed (a wrong key: 404, below).
    "calendar_feed": expect(anonymous=200, staff=200, leader=200, liaison=200),
    # Each user's own feed page (issue 10 §12) and password change (§3).
    "calendar": EVERY_ROLE,
    "calendar_month": EVERY_ROLE,  # each sees the deadlines and trips of what they may view
    "password_change": EVERY_ROLE,
    "logout": expect(staff=405, leader=405, liaison=405),  # POST only
    "set_language": expect(staff=HOME, leader=HOME, liaison=HOME),  # POST sets; GET redirects
    # The yearly report: office staff prepare and submit, leadership approve or return.
    "reports:annualreport_list": REPORT_READERS,
    "reports:annualreport": REPORT_READERS,
    "reports:annualreport_preview": REPORT_READERS,
    "reports:annualreport_pdf": REPORT_READERS,
    "reports:annualreport_docx": REPORT_READERS,
    "reports:annualreport_statistics": REPORT_READERS,
    "reports:annualreport_add": REPORT_STAFF_ACTION,
    "reports:annualreport_import": REPORT_WRITERS,
    "reports:annualreport_edit": REPORT_WRITERS,
    "reports:part_edit": REPORT_WRITERS,
    "reports:section_edit": REPORT_WRITERS,
    "reports:section_add": REPORT_STAFF_ACTION,
    "reports:section_move": REPORT_STAFF_ACTION,
    "reports:section_delete": REPORT_STAFF_ACTION,
    "reports:annualreport_submit": REPORT_STAFF_ACTION,
    "reports:annualreport_approve": REPORT_LEADERSHIP_ACTION,
    "reports:annualreport_return": REPORT_LEADERSHIP_ACTION,
    # Everyone has an inbox of the records waiting for them.
    "inbox": EVERY_ROLE,
    "deadlines": EVERY_ROLE,  # each sees the deadlines of what they may view
    "inbox_done": expect(staff=405, leader=405, liaison=405),  # POST only, one's own items
    # The visit process: POST-only steps, the office's, and a liaison's on their own proposal.
    **{f"exchanges:visit_{step}": OFFICE_STEP for step in OFFICE_VISIT_STEPS},
    **{f"exchanges:visit_{step}": PROPOSER_STEP for step in ("submit", "file_report", "cancel")},
    "exchanges:passportcustody_hand_out": OFFICE_STEP,
    "exchanges:passportcustody_take_back": OFFICE_STEP,
    # Findings of a visit form as it is typed: whoever may add a visit (POST only).
    "exchanges:visit_findings": PROPOSER_STEP,
    "exchanges:visit_abroad": EVERY_ROLE,
    "exchanges:visit_approval_sheet": EVERY_ROLE,
    "exchanges:visit_approval_sheet_pdf": EVERY_ROLE,
    # The 年度自查 of foreign teachers (page and PDF): whoever may view teachers.
    "faculty:self_inspection": REPORT_READERS,
    "faculty:self_inspection_pdf": REPORT_READERS,
}


# --- the records the URLs point at -----------------------------------------------------------


class World:
    """Creates, on first use, the record each URL pattern needs for its arguments."""

    def __init__(self):
        self._live, self._deleted = {}, {}

    def live(self, label: str):
        if label not in self._live:
            self._live[label] = factory_for(apps.get_model(label))()
        return self._live[label]

    def deleted(self, label: str):
        """Return the history record of a deleted row of the model (what restore takes)."""
        if label not in self._deleted:
            model = apps.get_model(label)
            obj = factory_for(model)()
            pk = obj.pk
            obj.delete()
            self._deleted[label] = model.history.get(id=pk, history_type="-")
        return self._deleted[label]

    def agreement_with_file(self):
        if "file" not in self._live:
            agreement = factory_for(apps.get_model("partners.agreement"))(
                signed_file=ContentFile(PDF_BYTES, name="signed.pdf")
            )
            self._live["file"] = agreement
        return self._live["file"]

    def report_section(self):
        """Return a section of a draft report (its part and report come with it)."""
        if "section" not in self._live:
            report = AnnualReportFactory()
            part = ReportPartFactory(report=report)
            self._live["section"] = ReportSectionFactory(part=part)
        return self._live["section"]


def _report_year(world: World) -> dict:
    return {"year": world.report_section().part.report.year}


def _part(world: World) -> dict:
    return {**_report_year(world), "pk": world.report_section().part.pk}


def _section(world: World) -> dict:
    return {**_report_year(world), "pk": world.report_section().pk}


def _inbox_item(world: World) -> dict:
    from foreign_affairs.models import InboxItem

    visit = world.live("exchanges.visit")
    item = InboxItem.objects.create(
        recipient=UserFactory(), content_object=visit, object_repr="x", url="/", task="x"
    )
    return {"pk": item.pk}


def _visit(world: World) -> dict:
    return {"pk": world.live("exchanges.visit").pk}


def _calendar_token(world: World) -> dict:
    from foreign_affairs.models import CalendarToken
    from foreign_affairs.views.calendar import calendar_path

    return resolve(calendar_path(CalendarToken.issue(UserFactory()))).kwargs


def _attachment(world: World) -> dict:
    agreement = world.agreement_with_file()
    return {
        "app_label": "partners",
        "model_name": "agreement",
        "pk": agreement.pk,
        "field_name": "signed_file",
    }


# URL name -> the arguments of the URL, for the patterns that are not object pages.
ARGUMENTS = {
    "attachment": _attachment,
    "attachment_view": _attachment,
    "attachment_inline": _attachment,
    "faculty:foreignteacher_print": lambda world: {"pk": world.live("faculty.foreignteacher").pk},
    "exchanges:visit_print": _visit,
    "autocomplete": lambda world: {"app_label": "partners", "model_name": "institution"},
    "calendar_feed": _calendar_token,
    "reports:annualreport": _report_year,
    "reports:annualreport_preview": _report_year,
    "reports:annualreport_pdf": _report_year,
    "reports:annualreport_docx": _report_year,
    "reports:annualreport_statistics": _report_year,
    "reports:annualreport_edit": _report_year,
    "reports:annualreport_submit": _report_year,
    "reports:annualreport_approve": _report_year,
    "reports:annualreport_return": _report_year,
    "reports:part_edit": _part,
    "reports:section_add": _part,
    "reports:section_edit": _section,
    "reports:section_move": lambda world: {**_section(world), "direction": "up"},
    "reports:section_delete": _section,
    "inbox_done": _inbox_item,
    "faculty:self_inspection": lambda world: {"year": 2025},
    "faculty:self_inspection_pdf": lambda world: {"year": 2025},
    **{
        f"exchanges:visit_{name}": _visit
        for name in (
            *OFFICE_VISIT_STEPS,
            "submit",
            "file_report",
            "cancel",
            "approval_sheet",
            "approval_sheet_pdf",
        )
    },
    "exchanges:passportcustody_hand_out": lambda world: {
        "pk": world.live("exchanges.passportcustody").pk
    },
    "exchanges:passportcustody_take_back": lambda world: {
        "pk": world.live("exchanges.passportcustody").pk
    },
}


def _object_page(name: str) -> tuple[str, str] | None:
    """Return (model label, page suffix) of an object_urls page name, else None."""
    app_label, _, rest = name.partition(":")
    for label in OBJECT_MODELS:
        if not label.startswith(f"{app_label}."):
            continue
        model_name = label.split(".")[1]
        suffix = rest.removeprefix(model_name)
        if rest.startswith(model_name) and suffix in OBJECT_PAGES:
            return label, suffix
    return None


def url_of(route: Route, world: World) -> str:
    """Return a URL of the pattern, pointing at real records where it takes arguments."""
    converters = route.pattern.pattern.converters
    if not converters:
        return reverse(route.name)
    if route.name in ARGUMENTS:
        return reverse(route.name, kwargs=ARGUMENTS[route.name](world))
    page = _object_page(route.name)
    if page is None:
        raise LookupError(f"Say in ARGUMENTS which record {route.name} ({route.route}) shows.")
    label, suffix = page
    if suffix == "_restore":
        return reverse(route.name, kwargs={"history_id": world.deleted(label).history_id})
    return reverse(route.name, kwargs={"pk": world.live(label).pk})


# --- asking --------------------------------------------------------------------------------


def login_url(path: str, login: str = "/accounts/login/") -> str:
    return f"{login}?{urlencode({'next': path}, safe='/')}"


def answer(response, path: str):
    """Describe a response in the terms of EXPECTED."""
    status = response.status_code
    if status != 302:
        return status
    location = response["Location"]
    known = {
        login_url(path): LOGIN,
        login_url(path, "/admin/login/"): ADMIN_LOGIN,
        "/": HOME,
        "/admin/": ADMIN_HOME,
    }
    return known.get(location, f"302 → {location}")


@pytest.fixture
def clients(db) -> dict[str, Client]:
    """Return a logged-in client per role, and an anonymous one."""
    result = {ANONYMOUS: Client()}
    for role in ROLES[1:]:
        user = UserFactory(username=f"user-{role}")
        user.groups.add(Group.objects.get(name=role))
        result[role] = Client()
        result[role].force_login(user)
    return result


def ask_everyone(clients, path: str) -> dict[str, object]:
    answers = {}
    for role, client in clients.items():
        response = client.get(path)
        answers[role] = answer(response, path)
        if response.streaming:
            # Read a download to its end: the test client then closes the file (a bare
            # response.close() would also close the test's database connection).
            b"".join(response.streaming_content)
    return answers


# --- the tests -------------------------------------------------------------------------------


def test_every_url_pattern_has_an_expectation():
    names = {route.name for route in portal_patterns()}
    unexpected = sorted(names - EXPECTED.keys())
    assert not unexpected, (
        "These URL patterns have no expected answer per role: add them to EXPECTED in "
        f"tests/test_permissions.py: {unexpected}"
    )
    gone = sorted(EXPECTED.keys() - names)
    assert not gone, f"EXPECTED names URL patterns that no longer exist: {gone}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_permission_matrix(clients, name):
    routes = [route for route in portal_patterns() if route.name == name]
    if not routes:
        pytest.fail(f"{name} is in EXPECTED but is no URL pattern of the project")
    path = url_of(routes[0], World())
    answers = ask_everyone(clients, path)
    assert answers == EXPECTED[name], path


def test_only_the_login_page_and_the_calendar_feed_are_open_to_anonymous_users():
    open_pages = {name for name, roles in EXPECTED.items() if roles[ANONYMOUS] != LOGIN}
    assert open_pages == {"login", "calendar_feed"}


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["nonsense", "eyJ1c2VyIjoxfQ:forged:signature"])
def test_calendar_feed_without_a_valid_token_is_not_found(client, token):
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


# The admin: one rule for all its patterns. Only staff users (the system administrators) get
# in. The portal's roles are not staff: the admin sends them to its own login page. Anonymous
# users are sent to a login page too: the admin's (index) or, stopped earlier by the portal's
# LoginRequiredMiddleware, the portal's. Each role maps to the answers it may get.
ANY_LOGIN = {LOGIN, ADMIN_LOGIN}
ADMIN_RULE = {
    ANONYMOUS: ANY_LOGIN,
    OFFICE_STAFF: {ADMIN_LOGIN},
    LEADERSHIP: {ADMIN_LOGIN},
    LIAISON: {ADMIN_LOGIN},
}
ADMIN_EXCEPTIONS = {
    # The login form itself (it tells a logged-in non-staff user they lack access).
    "admin:login": dict.fromkeys(ROLES, {200}),
    # A non-staff user "logging out" of the admin is sent to its index, and on to its login.
    "admin:logout": {ANONYMOUS: ANY_LOGIN, **dict.fromkeys(ROLES[1:], {ADMIN_HOME})},
}
ADMIN_SAMPLE_VALUES = {"app_label": "partners", "url": "no-such-page/"}


def _closing_parenthesis(text: str, start: int) -> int:
    """Return the index of the parenthesis closing the one at `start`."""
    depth = 0
    for index in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index
    raise ValueError(f"unbalanced parentheses in {text!r}")


def _fill_groups(route: str) -> str:
    """Replace each regex group `(?P<name>…)` or `(…)` of a route by a sample value."""
    while "(" in route:
        start = route.index("(")
        end = _closing_parenthesis(route, start)
        name = re.match(r"\(\?P<(\w+)>", route[start:])
        value = ADMIN_SAMPLE_VALUES.get(name.group(1), "1") if name else "1"
        route = route[:start] + value + route[end + 1 :]
    return route


def admin_path(route: Route) -> str:
    """Return a path the admin pattern matches, its arguments filled with sample values."""
    path = re.sub(r"(?<!\?P)<(?:\w+:)?\w+>", "1", route.route)  # path converters
    return "/" + _fill_groups(path).replace("^", "").replace("$", "")


def test_admin_patterns_are_covered_by_the_admin_rule():
    routes = admin_patterns()
    assert len(routes) > 100  # every model admin's pages, not just the index
    assert all(route.name.startswith("admin:") for route in routes)
    unknown = sorted(set(ADMIN_EXCEPTIONS) - {route.name for route in routes})
    assert not unknown, unknown


def test_admin_is_closed_to_the_portal_roles(clients):
    wrong = {}
    for route in admin_patterns():
        path = admin_path(route)
        assert resolve(path).func == route.pattern.callback, (route.name, path)
        answers = ask_everyone(clients, path)
        allowed = ADMIN_EXCEPTIONS.get(route.name, ADMIN_RULE)
        if any(answers[role] not in allowed[role] for role in ROLES):
            wrong[route.name] = (path, answers)
    assert not wrong


# --- writes: refused on the server, not just hidden ------------------------------------------


def _user_with(role: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OBJECT_MODELS))
@pytest.mark.parametrize("role", [LEADERSHIP, LIAISON])
def test_refused_writes_change_nothing(client, label, role):
    """POSTs to add, edit, delete and restore pages of a role without the right are 403."""
    model = apps.get_model(label)
    app_label, model_name = label.split(".")
    grants = OBJECT_MODELS[label][role]
    client.force_login(_user_with(role))
    world = World()
    obj = world.live(label)
    deleted = world.deleted(label)
    count = model._default_manager.count()

    if ADD not in grants:
        response = client.post(reverse(f"{app_label}:{model_name}_add"), {})
        assert response.status_code == 403
        restore = reverse(f"{app_label}:{model_name}_restore", args=[deleted.history_id])
        assert client.post(restore).status_code == 403
    if CHANGE not in grants:
        response = client.post(reverse(f"{app_label}:{model_name}_edit", args=[obj.pk]), {})
        assert response.status_code == 403
    if DELETE not in grants:
        response = client.post(reverse(f"{app_label}:{model_name}_delete", args=[obj.pk]))
        assert response.status_code == 403
    assert model._default_manager.count() == count
    version = obj.version
    obj.refresh_from_db()
    assert obj.version == version


# POST-only report actions and the permission each needs (reports/views.py).
REPORT_ACTIONS = {
    "reports:annualreport_submit": OFFICE_STAFF,
    "reports:annualreport_approve": LEADERSHIP,
    "reports:annualreport_return": LEADERSHIP,
    "reports:section_add": OFFICE_STAFF,
    "reports:section_move": OFFICE_STAFF,
    "reports:section_delete": OFFICE_STAFF,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(REPORT_ACTIONS))
def test_report_actions_are_refused_to_the_other_roles(client, name):
    world = World()
    section = world.report_section()
    report = section.part.report
    url = reverse(name, kwargs=ARGUMENTS[name](world))
    for role in {OFFICE_STAFF, LEADERSHIP, LIAISON} - {REPORT_ACTIONS[name]}:
        client.force_login(_user_with(role))
        assert client.post(url, {"comment": "请补充数据", "title": "新增一节"}).status_code == 403
    before = (report.status, report.version, section.order, section.version)
    report.refresh_from_db()
    section.refresh_from_db()
    assert (report.status, report.version, section.order, section.version) == before
    assert section.part.sections.count() == 1


NO_MEMBERS = {"members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [OFFICE_STAFF, LIAISON])
def test_liaison_and_staff_may_add_a_visit(client, role):
    client.force_login(_user_with(role))
    response = client.post(
        reverse("exchanges:visit_add"),
        {
            "direction": Visit.Direction.INBOUND,
            "title": "泰国清迈大学护理学院来访",
            "status": Visit.Status.DRAFT,
            "persons": 4,
            **NO_MEMBERS,
        },
    )
    assert response.status_code == 302
    assert Visit.objects.get().title == "泰国清迈大学护理学院来访"


@pytest.mark.django_db
def test_a_liaison_proposal_is_created_as_a_draft(client):
    client.force_login(_user_with(LIAISON))
    client.post(
        reverse("exchanges:visit_add"),
        {
            "direction": Visit.Direction.INBOUND,
            "title": "泰国清迈大学护理学院来访",
            "status": Visit.Status.APPROVED,
            "approval_number": "粤外办〔2025〕12号",
            "persons": 4,
            **NO_MEMBERS,
        },
    )
    visit = Visit.objects.get()
    assert (visit.status, visit.approval_number) == (Visit.Status.DRAFT, "")
    assert visit.proposed_by.groups.get().name == LIAISON


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["exchanges.exchangeproject", "exchanges.visit"])
def test_a_liaison_cannot_restore_what_the_office_deleted(client, label):
    model = apps.get_model(label)
    app_label, model_name = label.split(".")
    deleted = World().deleted(label)
    client.force_login(_user_with(LIAISON))
    response = client.post(reverse(f"{app_label}:{model_name}_restore", args=[deleted.history_id]))
    assert response.status_code == 403
    assert not model._default_manager.exists()
