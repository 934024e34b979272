"""The dashboard at scale (issues 11 §6 and 12 §3): deadlines bounded in SQL, overdue first
with their real dates, recent changes in one query, a fixed number of queries, panels cached
per user and invalidated by a change of their kind, and the whole page cached per user
until anything it shows changes (a record, a role, a name, the inbox, the feed address)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from exchanges.models import PassportCustody, Visit
from faculty.models import IdentityDocument
from foreign_affairs.dashboard import CSRF_SLOT, panel_key, versions
from foreign_affairs.models import CalendarToken, InboxItem, StateChange
from foreign_affairs.registry import deadline_sources
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from foreign_affairs.selectors import deadline_sources_for, overdue_days, recent_changes
from tests.conftest import PortalClient
from tests.exchanges.factories import PassportCustodyFactory, VisitFactory
from tests.factories import UserFactory
from tests.faculty.factories import (
    ContractFactory,
    IdentityDocumentFactory,
    TeacherChangeFactory,
)
from tests.partners.factories import AgreementFactory, InteractionFactory
from tests.reports.factories import AnnualReportFactory, ReportSectionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def user_in(role: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def staff():
    return user_in(OFFICE_STAFF)


# One maker per kind of deadline: a record of that kind due `due` (a date).


def _report_in_review(due, n):
    report = AnnualReportFactory(year=2000 + n % 101, status="in_review")
    StateChange.objects.create(
        content_object=report,
        transition="submit",
        source="draft",
        target="in_review",
        user=UserFactory(),
    )
    # Submitted so that it is due on `due`.
    submitted = due - timedelta(days=django_settings.REPORT_REVIEW_DAYS)
    at = timezone.make_aware(timezone.datetime.combine(submitted, timezone.datetime.min.time()))
    StateChange.objects.filter(object_id=report.pk).update(at=at + timedelta(hours=12))
    return report


def _handed_out(due, **kwargs):
    return PassportCustodyFactory(
        status=PassportCustody.Status.HANDED_OUT,
        visit=VisitFactory(),
        handed_out_on=due - timedelta(days=30),
        due_back_on=due,
        **kwargs,
    )


MAKERS = {
    "agreement": lambda due, n: AgreementFactory(
        status="in_force", valid_from=due - timedelta(days=700), valid_until=due
    ),
    "submission": lambda due, n: SubmissionFactory(due_on=due, submitted_on=None),
    "passport_back": lambda due, n: _handed_out(due),
    "passport_expiry": lambda due, n: PassportCustodyFactory(expires_on=due),
    "trip_report": lambda due, n: VisitFactory(
        status=Visit.Status.RETURNED,
        approval_number=f"批{n}",
        actual_start=due - timedelta(days=django_settings.VISIT_REPORT_DUE_DAYS + 5),
        actual_end=due - timedelta(days=django_settings.VISIT_REPORT_DUE_DAYS),
    ),
    "permit": lambda due, n: IdentityDocumentFactory(
        kind=IdentityDocument.Kind.WORK_PERMIT,
        permit_class="B",
        expires_on=due + timedelta(days=django_settings.PERMIT_EXTENSION_OFFICE_DAYS),
        teacher__status="employed",
    ),
    "document": lambda due, n: IdentityDocumentFactory(
        kind=IdentityDocument.Kind.HEALTH_CERTIFICATE, expires_on=due, teacher__status="employed"
    ),
    "contract": lambda due, n: ContractFactory(
        status="signed",
        start_on=due - timedelta(days=365),
        end_on=due,
        teacher__status="employed",
    ),
    "teacher_change": lambda due, n: TeacherChangeFactory(
        changed_on=due - timedelta(days=10), filed_on=None, teacher__status="employed"
    ),
    "report_review": _report_in_review,
}


def test_every_kind_of_deadline_has_a_maker():
    assert {source.key for source in deadline_sources} == set(MAKERS)


def _deadline_html(response) -> str:
    html = response.content.decode()
    return html[html.index('id="deadlines"') : html.index('id="recent-changes"')]


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_each_kind_shows_with_its_link_and_days_left(client, staff, today, kind):
    leader = user_in(LEADERSHIP)  # the one who may approve a report
    obj = MAKERS[kind](today + timedelta(days=12), 0)
    client.force_login(leader if kind == "report_review" else staff)
    response = client.get("/", **ZH)
    (row,) = response.context["rows"]
    assert row["item"].obj == obj and row["left"] == 12
    html = _deadline_html(response)
    assert f'href="{obj.get_absolute_url()}"' in html  # the URL pattern gives the real page
    assert "还剩12天" in html


def test_overdue_first_the_longest_overdue_on_top_then_the_soonest(client, staff, today):
    for days, title in [(-3, "三天前逾期"), (-10, "十天前逾期"), (5, "五天后"), (2, "两天后")]:
        SubmissionFactory(title=title, due_on=today + timedelta(days=days), submitted_on=None)
    client.force_login(staff)
    rows = client.get("/").context["rows"]
    assert [row["left"] for row in rows] == [-10, -3, 2, 5]
    assert [row["overdue"] for row in rows] == [10, 3, 0, 0]


def test_a_permit_shows_its_expiry_the_office_deadline_and_the_days_left(client, staff, today):
    permit = MAKERS["permit"](today + timedelta(days=20), 0)
    client.force_login(staff)
    html = _deadline_html(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    with translation.override("en"):
        expires = date_format(permit.expires_on, "DATE_FORMAT")
        due = date_format(today + timedelta(days=20), "DATE_FORMAT")
    assert f"expires {expires}" in html
    assert f"file by {due}" in html
    assert "20 days left" in html
    assert "还剩20天" in _deadline_html(client.get("/", **ZH))


def test_long_overdue_items_leave_the_calendar_unless_kept_until_resolved(client, staff, today):
    long_ago = today - timedelta(days=overdue_days() + 1)
    SubmissionFactory(title="早已逾期的报送", due_on=long_ago, submitted_on=None)
    SubmissionFactory(title="刚逾期的报送", due_on=today - timedelta(days=1), submitted_on=None)
    _handed_out(long_ago, holder="未交回的护照")
    client.force_login(staff)
    html = _deadline_html(client.get("/"))
    assert "刚逾期的报送" in html and "早已逾期的报送" not in html
    assert "未交回的护照" in html  # a state travel document stays on until it is back


def test_an_expired_document_followed_by_a_newer_one_is_not_overdue(client, staff, today):
    old = IdentityDocumentFactory(
        kind=IdentityDocument.Kind.HEALTH_CERTIFICATE,
        expires_on=today - timedelta(days=5),
        teacher__status="employed",
    )
    client.force_login(staff)
    assert [row["item"].obj for row in client.get("/").context["rows"]] == [old]
    IdentityDocumentFactory(
        teacher=old.teacher,
        kind=IdentityDocument.Kind.HEALTH_CERTIFICATE,
        expires_on=today + timedelta(days=360),
    )
    assert client.get("/").context["rows"] == []


def test_the_most_urgent_few_per_kind_with_the_count_and_a_link_to_all(client, staff, today):
    for n in range(8):
        SubmissionFactory(title=f"报送{n}", due_on=today + timedelta(days=n), submitted_on=None)
    MAKERS["agreement"](today + timedelta(days=30), 0)
    client.force_login(staff)
    response = client.get("/", **ZH)
    rows = response.context["rows"]
    assert len(rows) == 6  # five submissions (the soonest) and the agreement
    (group,) = [g for g in response.context["groups"] if g.source.key == "submission"]
    assert group.total == 8 and group.more == 3
    html = _deadline_html(response)
    assert 'href="/deadlines/?kind=submission"' in html
    full = client.get("/deadlines/?kind=submission", **ZH)
    assert full.context["paginator"].count == 8
    assert len(full.context["object_list"]) == 8


def test_the_full_list_pages_across_kinds_in_order(client, staff, today):
    for n in range(30):
        SubmissionFactory(due_on=today + timedelta(days=2 * n), submitted_on=None)
        MAKERS["agreement"](today + timedelta(days=2 * n + 1), n)
    client.force_login(staff)
    first = client.get("/deadlines/").context
    second = client.get("/deadlines/?page=2").context
    lefts = [row["left"] for row in first["object_list"]] + [
        row["left"] for row in second["object_list"]
    ]
    assert lefts == list(range(60))
    assert first["paginator"].count == 60


@pytest.mark.parametrize("kind", ["nonsense", "<script>", "permit"])
def test_an_unknown_or_forbidden_kind_shows_all_with_a_message(client, today, kind):
    SubmissionFactory(due_on=today, submitted_on=None)
    client.force_login(user_in(LEADERSHIP if kind != "permit" else LIAISON))
    response = client.get("/deadlines/", {"kind": kind}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "There is no such kind of deadline" in response.content.decode()
    assert response.context["kind"] is None


def test_recent_changes_are_one_query_with_names_and_links(staff, today):
    section = ReportSectionFactory(title="对外交流")
    contract = ContractFactory(position="英语外教")
    interaction = InteractionFactory()
    gone = SubmissionFactory(title="已删除的报送")
    gone_url = gone.get_absolute_url()
    gone.delete()
    staff.get_all_permissions()  # the permissions are read once per request anyway
    connection.features.supports_json_field  # noqa: B018 - SQLite probes it once a connection
    with CaptureQueriesContext(connection) as queries:
        changes = recent_changes(staff)
    assert len(queries) == 1
    by_name = {change.name: change for change in changes}
    assert by_name["对外交流"].url == section.part.report.get_absolute_url()
    assert by_name[str(contract)].url == contract.get_absolute_url()
    assert str(contract.teacher) in str(contract)  # the name reads the teacher: no query
    assert by_name[str(interaction)].url == interaction.get_absolute_url()
    deleted, created = [change for change in changes if change.name == "已删除的报送"]
    assert changes[0] == deleted  # newest first
    assert deleted.url == "" and created.url == gone_url
    assert [c.at for c in changes] == sorted((c.at for c in changes), reverse=True)


def test_a_liaison_sees_no_changes_of_what_they_may_not_view(staff):
    ContractFactory()
    SubmissionFactory()
    liaison = user_in(LIAISON)
    assert {change.model._meta.app_label for change in recent_changes(liaison)} <= {
        "partners",
        "exchanges",
    }


# --- a fixed number of queries --------------------------------------------------------------


def _fill(start: int, stop: int, today):
    """Records `start` to `stop` of each kind of deadline (overdue ones too) and of others."""
    from tests.reports.factories import ReportPartFactory

    part = ReportPartFactory(report=AnnualReportFactory(year=2100 - start))
    for n in range(start, stop):
        due = today + timedelta(days=n % 120 - 30)
        for kind, make in MAKERS.items():
            if kind != "report_review" or n < 60:  # one report a year, 2000–2100
                make(due, n)
        InteractionFactory()
        ReportSectionFactory(part=part)


def _queries(client) -> int:
    cache.clear()  # uncached: every panel rendered
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def _waiting_for(user, count: int):
    """`count` open inbox items for `user` (the "waiting for you" panel)."""
    from tests.partners.factories import InstitutionFactory

    record = InstitutionFactory()
    for n in range(count):
        InboxItem.objects.create(
            content_object=record,
            recipient=user,
            object_repr=f"待办{n}",
            url="/",
            task="审阅",
            actor=UserFactory(),
        )


def test_the_dashboard_costs_the_same_queries_with_no_10_and_200_rows(client, today):
    """Issue 12: a fixed query count whatever the data. Counted from each role's first visit
    to an empty portal (every panel empty: no deadline of any kind, nothing waiting, no
    change), then with 10 and 200 records of every kind, where every panel kind has items."""
    roles = (OFFICE_STAFF, LEADERSHIP, LIAISON)
    for role in roles:  # the process's own caches (content types …) filled first
        client.force_login(user_in(role))
        client.get("/")
    roles = [user_in(role) for role in roles]
    empty = {}
    for user in roles:
        client.force_login(user)  # the feed address is made here, at login
        empty[user.pk] = _queries(client)  # the first visit
        cache.clear()
        response = client.get("/")
        assert not response.context["rows"] and not response.context["groups"]
        assert not response.context["waiting"] and not response.context["changes"]
    _fill(0, 10, today)
    for user in roles:
        client.force_login(user)
        assert _queries(client) == empty[user.pk], user.groups.get().name
    _fill(10, 200, today)
    for user in roles:
        _waiting_for(user, 12)
    for user in roles:
        client.force_login(user)
        cache.clear()
        response = client.get("/")
        context = response.context
        assert len(context["rows"]) <= 5 * len(MAKERS)  # the most urgent 5 per kind
        # Every panel kind has items: each kind of deadline the role sees, what waits for
        # the user, recent changes, the counts.
        seen = {source.key for source in deadline_sources_for(user)}
        assert seen and {group.source.key for group in context["groups"]} == seen
        assert all(group.items for group in context["groups"])
        assert len(context["waiting"]) == 10 and context["changes"] and context["counts"]
        assert _queries(client) == empty[user.pk], user.groups.get().name
        with CaptureQueriesContext(connection) as cached:
            client.get("/")
        assert len(cached) < empty[user.pk]  # the panels come from the cache


def test_the_feed_address_is_made_at_login_and_the_dashboard_only_reads_it(client):
    user = user_in(OFFICE_STAFF)
    client.force_login(user)
    assert CalendarToken.objects.filter(user=user).exists()
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    feed = [query["sql"] for query in queries if "calendartoken" in query["sql"]]
    assert len(feed) == 1 and feed[0].startswith("SELECT")


# --- the cache -------------------------------------------------------------------------------


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings, worker_id):
    """Both backends the portal runs on: local memory (default) and Redis (production).

    Each test worker uses its own Redis database: `cache.clear()` flushes a whole database."""
    if request.param == "redis":
        import redis

        number = 1 if worker_id == "master" else 2 + int(worker_id.removeprefix("gw")) % 14
        location = f"redis://127.0.0.1:6379/{number}"
        try:
            redis.Redis.from_url(location).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("no Redis at 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": location,
                "KEY_PREFIX": f"test-dashboard-{id(request)}",
            }
        }
    cache.clear()
    yield request.param
    cache.clear()


def _rows(client) -> list:
    return [row["item"].obj for row in _context_rows(client)]


def _context_rows(client):
    response = client.get("/")
    return response.context.get("rows") or []


def test_an_unchanged_dashboard_comes_from_the_cache(client, staff, today, any_cache):
    SubmissionFactory(due_on=today, submitted_on=None)
    client.force_login(staff)
    first = client.get("/")
    assert "rows" in first.context  # rendered
    again = client.get("/")
    assert _from_cache(again)  # the whole page: no template rendered
    assert _deadline_html(again) == _deadline_html(first)
    # A page that is not kept (here: with a query string) is rendered around cached panels.
    page = client.get("/?from=mail")
    assert "deadlines_panel" in page.context and "rows" not in page.context
    assert _deadline_html(page) == _deadline_html(first)


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_a_change_of_each_kind_invalidates_its_panel(client, staff, today, any_cache, kind):
    user = user_in(LEADERSHIP) if kind == "report_review" else staff
    client.force_login(user)
    assert _rows(client) == []
    obj = MAKERS[kind](today + timedelta(days=3), 1)
    assert _rows(client) == [obj]  # a new record of the kind
    if kind == "report_review":
        obj.status = "draft"  # a workflow step saves the record: the same signal
        obj.save()
    else:
        obj.delete()
    assert _rows(client) == []


def test_a_relinked_many_to_many_invalidates(client, staff, any_cache):
    from tests.exchanges.factories import ExchangeProjectFactory
    from tests.partners.factories import InstitutionFactory

    project = ExchangeProjectFactory()
    client.force_login(staff)
    key = panel_key(staff, "overview", ["exchanges.exchangeproject"])
    project.partners.add(InstitutionFactory())
    assert panel_key(staff, "overview", ["exchanges.exchangeproject"]) != key


def test_tomorrow_is_another_panel(staff, any_cache, today, monkeypatch):
    key = panel_key(staff, "deadlines", ["reports.submission"])
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=1))
    assert panel_key(staff, "deadlines", ["reports.submission"]) != key


def test_a_user_never_sees_another_users_panel(client, today, any_cache):
    SubmissionFactory(title="办公室的报送", due_on=today, submitted_on=None)
    office, liaison = user_in(OFFICE_STAFF), user_in(LIAISON)
    client.force_login(office)
    assert "办公室的报送" in _deadline_html(client.get("/"))
    client.force_login(liaison)
    assert "办公室的报送" not in _deadline_html(client.get("/"))
    other_office = user_in(OFFICE_STAFF)
    assert panel_key(other_office, "deadlines", []) != panel_key(office, "deadlines", [])


def test_a_new_role_shows_at_once(client, today, any_cache):
    SubmissionFactory(title="办公室的报送", due_on=today, submitted_on=None)
    user = user_in(LIAISON)
    client.force_login(user)
    assert "办公室的报送" not in _deadline_html(client.get("/"))
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))  # no record of a domain app changes
    assert "办公室的报送" in _deadline_html(client.get("/"))


def test_the_language_is_part_of_the_key(client, staff, today, any_cache):
    SubmissionFactory(due_on=today + timedelta(days=3), submitted_on=None)
    client.force_login(staff)
    assert "还剩3天" in _deadline_html(client.get("/", **ZH))
    assert "3 days left" in _deadline_html(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))


def test_the_month_link_and_the_subscribe_button_are_on_the_dashboard(client, staff):
    client.force_login(staff)
    html = client.get("/", **ZH).content.decode()
    assert f'href="{reverse("calendar_month")}"' in html
    assert 'id="subscribe-button"' in html


def test_a_change_bumps_its_kind_again_when_it_commits(
    any_cache, django_capture_on_commit_callbacks
):
    """A panel (or a draft PDF) rendered by another request between the write and the commit
    read the rows as they were: the version moves on once more at the commit."""
    before = versions(["reports.submission"])
    with django_capture_on_commit_callbacks(execute=True):
        SubmissionFactory()
        during = versions(["reports.submission"])
    assert before != during != versions(["reports.submission"])


# --- the whole page --------------------------------------------------------------------------


def _from_cache(response) -> bool:
    """Whether the page came whole from the cache: answered without rendering a template."""
    return response.status_code == 200 and not response.templates


def _html(client, **extra) -> str:
    return client.get("/", **extra).content.decode()


def test_the_cached_page_reads_only_the_session_and_the_user(client, staff, any_cache):
    """As little as a logged-in hello-world: no permission, inbox or feed query."""
    client.force_login(staff)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert _from_cache(client.get("/"))
    tables = [re.search(r'FROM "(\w+)"', query["sql"]).group(1) for query in queries]
    assert tables == ["django_session", "auth_user"]


def _logout_token(html: str) -> str:
    form = html[html.index(f'action="{reverse("logout")}"') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_a_cached_page_carries_each_requests_own_csrf_token(staff, any_cache):
    """A masked CSRF token is valid only with its own secret (the browser's CSRF cookie): the
    cached HTML gets the request's token each time, in every form and in htmx's header."""
    first, second = PortalClient(enforce_csrf_checks=True), PortalClient(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(staff)
    first.get("/")  # rendered and kept
    pages = [first.get("/"), second.get("/")]  # the same cached page, another browser
    assert all(_from_cache(page) for page in pages)
    html = [page.content.decode() for page in pages]
    for text in html:
        assert str(CSRF_SLOT) not in text
        header = re.search(r'"X-CSRFToken": "([^"]+)"', text).group(1)
        assert header and len(re.findall(r'name="csrfmiddlewaretoken"', text)) == 2
    # The first browser's token is no good to the second one; each one's own is.
    logout = reverse("logout")
    assert second.post(logout, {"csrfmiddlewaretoken": _logout_token(html[0])}).status_code == 403
    for browser, text in zip((first, second), html, strict=True):
        response = browser.post(logout, {"csrfmiddlewaretoken": _logout_token(text)})
        assert response.status_code == 302


def test_a_message_left_by_a_redirect_shows_once(client, staff, any_cache):
    client.force_login(staff)
    client.get("/")  # kept
    # What a view that saves and redirects here leaves for the next page (the messages cookie).
    storage = CookieStorage(HttpRequest())
    message = Message(message_levels.SUCCESS, "Saved the agreement.")
    client.cookies[storage.cookie_name] = storage._encode([message])
    shown = client.get("/")
    assert not _from_cache(shown) and "Saved the agreement." in shown.content.decode()
    again = client.get("/")
    assert _from_cache(again) and "Saved the agreement." not in again.content.decode()


def test_a_role_or_permission_change_shows_other_menus_at_once(client, any_cache):
    user = user_in(LIAISON)
    teachers = f'href="{reverse("faculty:foreignteacher_list")}"'
    client.force_login(user)
    assert teachers not in _html(client)
    assert _from_cache(client.get("/"))
    office, liaison = Group.objects.get(name=OFFICE_STAFF), Group.objects.get(name=LIAISON)
    view_teachers = Permission.objects.get(
        content_type__app_label="faculty", codename="view_foreignteacher"
    )
    office.user_set.add(user)  # from the group's side
    assert teachers in _html(client)
    office.user_set.remove(user)
    assert teachers not in _html(client)
    liaison.permissions.add(view_teachers)  # every liaison officer's pages
    assert teachers in _html(client)
    liaison.permissions.remove(view_teachers)
    assert teachers not in _html(client)
    user.user_permissions.add(view_teachers)
    assert teachers in _html(client)
    user.user_permissions.clear()
    assert teachers not in _html(client)
    user.is_superuser = True
    user.save()
    assert teachers in _html(client)


def _user_menu(html: str) -> str:
    return re.search(r'id="user-menu">(.*?)</a>', html, re.S).group(1).strip()


def test_each_user_gets_their_own_page_and_a_new_name_at_once(client, any_cache):
    first, second = user_in(OFFICE_STAFF), user_in(OFFICE_STAFF)
    for user in (first, second, first):
        client.force_login(user)  # a login changes nothing a page shows: still cached
        client.get("/")
        page = client.get("/")
        assert _from_cache(page) and _user_menu(page.content.decode()).startswith(
            user.get_full_name()
        )
    first.first_name = "新"
    first.save()
    assert _user_menu(_html(client)).startswith("新 ")


def test_what_waits_for_the_user_shows_and_goes_at_once(client, staff, any_cache):
    from foreign_affairs.workflow import inbox_open
    from tests.partners.factories import InstitutionFactory

    client.force_login(staff)
    assert 'id="waiting-for-you"' not in _html(client)
    assert _from_cache(client.get("/"))
    inbox_open(obj=InstitutionFactory(), recipients=[staff], task="审阅", actor=UserFactory())
    html = _html(client)  # opened by bulk_create: no signal
    assert 'id="waiting-for-you"' in html and 'id="inbox-count">1<' in html
    InboxItem.objects.filter(recipient=staff).close()  # an update: no signal
    html = _html(client)
    assert 'id="waiting-for-you"' not in html and 'id="inbox-count"' not in html


def test_a_new_feed_address_shows_at_once(client, staff, any_cache):
    client.force_login(staff)
    old = CalendarToken.feed_for(staff).key
    assert old in _html(client)
    new = CalendarToken.issue(staff)
    html = _html(client)
    assert new in html and old not in html


def test_an_address_that_stops_working_says_so_at_once(
    client, staff, any_cache, settings, monkeypatch
):
    settings.CALENDAR_TOKEN_DAYS = 1
    now = timezone.now()
    client.force_login(staff)  # the address is made here
    CalendarToken.objects.filter(user=staff).update(
        created_at=now - timedelta(hours=23, minutes=59)
    )
    assert 'id="calendar-expired"' not in _html(client)
    assert _from_cache(client.get("/"))
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=2))
    assert 'id="calendar-expired"' in _html(client)


def test_the_feed_address_follows_the_host(client, staff, any_cache, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "portal.example"]
    client.force_login(staff)
    assert "http://testserver/calendar/" in _html(client)
    html = _html(client, HTTP_HOST="portal.example")
    assert "http://portal.example/calendar/" in html and "testserver" not in html
