"""Benchmark every page of the portal against the Django admin, at N rows (issue 12).

Run from the repository root (`make bench` runs it after bench_report.py):

    .venv/bin/python tests/bench/bench_pages.py [--rows 10000] [--runs 7] [--export-runs 7]

1. Creates the database afresh (`BENCH_DATABASE_URL`, default
   postgres://postgres@127.0.0.1:5432/portal_bench; a sqlite:/// URL works too), migrates it,
   counts the dashboard's queries with one row of every model (rolled back), then seeds
   `--rows` rows of every model (demo/bench.py, as `manage.py seed_bench`; timed). `--reuse`
   keeps a database seeded by an earlier run.
2. Logs in as an office staff user (the portal) and a superuser (the admin) and, in this one
   process, with Django's test client, for every list page: plain, filtered (a related-record
   filter where the list has one, else its first choice filter), `q` with a two-character
   Chinese term, sorted by a column both show, and the last page — each side by side with the
   admin changelist of the same model with the same filter, `q`, sort and last page; a detail
   page of each model beside its admin change page; the dashboard (uncached and cached) beside
   the admin index; global search; the deadlines page; an unchanged draft report PDF.
   Requests are interleaved: every run walks every page, portal and admin alternating which
   goes first, so a busy machine slows both alike; the table shows medians.
3. Exports: `?export=csv` and `?export=xlsx` of every list (all rows), beside a bare export of
   the same cells: one `values_list` query over the model's columns the table shows, in the
   list's default order (its table's, pinyin where it sorts so, ties broken by key as on its
   pages: the export's order), then the
   portal's own cells written by `csv.writer` or an openpyxl write-only workbook (an export
   takes seconds: its first request counts as one of its `--export-runs`).
4. Optionally (`--gunicorn`), the throughput of the dashboard under gunicorn (2 workers, 4
   connections, cached) against a logged-in hello-world view (tests/bench/bench_urls.py).
5. Appends the PDF comparison of bench_report.py (its output, `--report-output FILE`, or it is
   run here unless `--no-report`), then prints the table with every goal of the issue, met or
   not, and writes it to var/bench.md.

Not a timed test: a page that fails or is slow is recorded with its status; it always exits 0.
"""

import argparse
import csv
import io
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
OUTPUT = ROOT / "var" / "bench.md"

# The goals of issue 12.
LIST_RATIO, PAGE_KB, DASHBOARD_MS = 1.0, 150, 150
EXPORT_RATIO, THROUGHPUT_SHARE = 1.5, 0.5
PDF_RATIO, PDF_RSS_MB, DRAFT_MS = 0.65, 150, 20


# --- set-up ----------------------------------------------------------------------------------


def configure(database_url: str) -> None:
    """Production-like settings (DEBUG off, cached templates) that the test client can reach."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foreign_affairs.settings")
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        os.environ.setdefault(name, "False")
    os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
    os.environ.setdefault("LOG_LEVEL", "CRITICAL")  # a failing page is a status in the table


def recreate_database(database_url: str) -> None:
    parts = urlsplit(database_url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
        path.unlink(missing_ok=True)
        return
    import psycopg2

    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Side:
    url: str
    client: object = None
    before: object = None  # called (untimed) before each timed request
    times: list = field(default_factory=list)
    status: int | None = None
    size: int = 0
    queries: int | None = None
    error: str = ""

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.times) * 1000 if self.times else None


@dataclass
class Case:
    section: str
    label: str
    portal: Side
    admin: Side | None = None
    goal: str = ""  # "list", "dashboard", "page", "draft", ""


def fetch(client, url: str) -> tuple[int, bytes, float]:
    """GET `url`, reading a streamed body too; return (status, body, seconds)."""
    start = time.perf_counter()
    response = client.get(url)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    elapsed = time.perf_counter() - start
    return response.status_code, body, elapsed


# The last exception a view raised (Django's `got_request_exception`), named in the table.
_raised: list = []


def _record_exception(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if error is not None:
        _raised.append(
            f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        )


def probe(side: Side, keep_time: bool = False) -> bytes:
    """One request for the status, size and query count (timed too with `keep_time`)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if side.before:
        side.before()
    try:
        _raised.clear()
        with CaptureQueriesContext(connection) as queries:
            status, body, elapsed = fetch(side.client, side.url)
        side.status, side.size, side.queries = status, len(body), len(queries.captured_queries)
        if keep_time and status < 500:
            side.times.append(elapsed)
        if status >= 500 and _raised:
            side.error = f"HTTP {status}, {_raised[-1]}"[:160]
            side.status = status
        return body
    except Exception as error:  # noqa: BLE001 — recorded, the benchmark goes on
        side.status, side.error = 0, f"{type(error).__name__}: {error}"[:120]
        return b""


def timed(side: Side) -> None:
    if side.status is None or side.status == 0:
        return
    if side.before:
        side.before()
    try:
        status, _, elapsed = fetch(side.client, side.url)
    except Exception as error:  # noqa: BLE001
        side.error, side.status = f"{type(error).__name__}: {error}"[:120], 0
        return
    side.status = status
    side.times.append(elapsed)


def run_cases(cases: list[Case], runs: int, label: str) -> None:
    for case in cases:
        probe(case.portal)
        if case.admin:
            probe(case.admin)
    for run in range(runs):
        start = time.perf_counter()
        for case in cases:
            sides = [case.portal, case.admin] if case.admin else [case.portal]
            for side in sides if run % 2 else reversed(sides):
                timed(side)
        print(f"  {label}: run {run + 1}/{runs} in {time.perf_counter() - start:.0f} s", flush=True)


# --- the pages -------------------------------------------------------------------------------


def list_routes():
    from tests.test_permissions import portal_patterns

    routes = []
    for route in portal_patterns():
        view = getattr(route.pattern.callback, "view_class", None)
        if route.name.endswith("_list") and view is not None:
            queryset = getattr(view, "queryset", None)
            model = queryset.model if queryset is not None else getattr(view, "model", None)
            if model is not None:
                routes.append((route.name, view, model))
    return routes


def related_filter(view, model):
    """Return (portal param, admin param, value) of the list's record filter, else of its first
    choice filter on a model field; None without either."""
    import django_filters
    from django.core.exceptions import FieldDoesNotExist
    from django.db.models import Count

    filterset = getattr(view, "filterset_class", None)
    if filterset is None:
        return None
    record_kinds = (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)
    candidates = sorted(
        filterset.base_filters.items(),
        key=lambda item: not isinstance(item[1], record_kinds),
    )
    for name, filter_ in candidates:
        if filter_.method is not None and not isinstance(filter_, record_kinds):
            continue
        try:
            model_field = model._meta.get_field(filter_.field_name)
        except FieldDoesNotExist:
            continue
        if isinstance(filter_, record_kinds):
            top = (
                model._default_manager.order_by()
                .values(filter_.field_name)
                .annotate(rows=Count("pk"))
                .order_by("-rows")
                .first()
            )
            if not top or top[filter_.field_name] is None:
                continue
            return name, f"{filter_.field_name}__id__exact", top[filter_.field_name]
        if model_field.choices and isinstance(filter_, django_filters.ChoiceFilter):
            top = (
                model._default_manager.order_by()
                .values(filter_.field_name)
                .annotate(rows=Count("pk"))
                .order_by("-rows")
                .first()
            )
            if top:
                return name, f"{filter_.field_name}__exact", top[filter_.field_name]
    return None


def sort_column(table_class, model, model_admin, request):
    """Return (portal column, admin `o` index) of a column both sort by, a date preferred."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    if table_class is None or model_admin is None:
        return None
    display = list(model_admin.get_list_display(request))
    common = [
        name
        for name, column in table_class.base_columns.items()
        if name in display and column.orderable is not False
    ]

    def rank(name):
        try:
            is_date = isinstance(model._meta.get_field(name), models.DateField)
            return (0 if is_date else 2, display.index(name))
        except FieldDoesNotExist:
            admin_sort = getattr(getattr(model_admin, name, None), "admin_order_field", None)
            return (1 if admin_sort else 3, display.index(name))

    if not common:
        return None
    name = min(common, key=rank)
    return name, display.index(name) + 1


def build_cases(rows: int, staff, admin_client, term: str) -> tuple[list[Case], list]:
    from django.contrib import admin
    from django.core.cache import cache
    from django.test import RequestFactory
    from django.urls import NoReverseMatch, reverse

    from reports.models import AnnualReport

    superuser_request = RequestFactory().get("/admin/")
    superuser_request.user = admin_client.user
    cases, exports = [], []
    for name, view, model in list_routes():
        url = reverse(name)
        model_admin = admin.site._registry.get(model)
        opts = model._meta
        changelist = (
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") if model_admin else None
        )
        title = f"{url}"
        count = model._default_manager.count()
        variants = [("plain", {}, {} if changelist else None)]
        found = related_filter(view, model)
        if found:
            portal_param, admin_param, value = found
            variants.append((f"{portal_param}=…", {portal_param: value}, {admin_param: value}))
        search = {"q": term}
        admin_search = (
            search if model_admin and model_admin.get_search_fields(superuser_request) else None
        )
        if getattr(view, "filterset_class", None) is not None:
            variants.append((f"q={term}", search, admin_search))
        sort = sort_column(
            getattr(view, "table_class", None), model, model_admin, superuser_request
        )
        if sort:
            order_field = getattr(view.table_class._meta, "order_by_field", None) or "sort"
            variants.append(
                (f"sort=-{sort[0]}", {order_field: f"-{sort[0]}"}, {"o": f"-{sort[1]}"})
            )
        per_page = getattr(view, "table_pagination", {}).get("per_page", 25)
        last = max(1, -(-count // per_page))
        admin_last = max(1, -(-count // model_admin.list_per_page)) if model_admin else 1
        variants.append(("last page", {"page": last}, {"p": admin_last} if changelist else None))
        for variant, portal_query, admin_query in variants:
            portal = Side(f"{url}?{urlencode(portal_query)}" if portal_query else url, staff)
            other = None
            if changelist and admin_query is not None:
                other = Side(
                    f"{changelist}?{urlencode(admin_query)}" if admin_query else changelist,
                    admin_client,
                )
            cases.append(Case("lists", f"{title} {variant}", portal, other, "list"))
        if getattr(view, "export_formats", None):
            exports.append((url, view, model))

        # One record's page beside its admin change page.
        obj = model._default_manager.order_by("pk")[count // 2] if count else None
        if obj is not None:
            try:
                detail = obj.get_absolute_url()
            except (AttributeError, NoReverseMatch):
                detail = None
            if detail:
                change = (
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                    if model_admin
                    else None
                )
                cases.append(
                    Case(
                        "detail pages",
                        f"{opts.verbose_name} ({detail})",
                        Side(detail, staff),
                        Side(change, admin_client) if change else None,
                        "page",
                    )
                )

    def uncached():
        cache.clear()

    home = reverse("home")
    cases.append(
        Case(
            "dashboard",
            "/ dashboard, uncached",
            Side(home, staff, uncached),
            Side(reverse("admin:index"), admin_client),
            "dashboard",
        )
    )
    cases.append(
        Case(
            "dashboard",
            "/ dashboard, cached",
            Side(home, staff),
            Side(reverse("admin:index"), admin_client),
            "page",
        )
    )
    cases.append(
        Case(
            "search",
            f"/search/?q={term}",
            Side(f"{reverse('search')}?q={term}", staff),
            None,
            "page",
        )
    )
    for name in ("deadlines", "inbox"):
        try:
            cases.append(Case("search", reverse(name), Side(reverse(name), staff), None, "page"))
        except NoReverseMatch:
            pass
    draft = AnnualReport.objects.filter(status="draft").order_by("-year").first()
    if draft is not None:
        pdf = reverse("reports:annualreport_pdf", args=[draft.year])
        portal = Side(pdf, staff)
        portal.before = lambda: fetch(staff, pdf)  # the unchanged draft: rendered already
        cases.append(Case("reports", f"{pdf} unchanged draft", portal, None, "draft"))
    return cases, exports


# --- exports ---------------------------------------------------------------------------------


def bare_paths(table_class, model) -> list[str]:
    """The columns of the table that are model fields, as `values_list` paths (a foreign
    key by the first field its model orders by; a field shown through an attribute, such as
    `country__name`, by the field)."""
    from django.core.exceptions import FieldDoesNotExist

    paths = []
    for name, column in table_class.base_columns.items():
        if name == "actions":
            continue
        accessor = str(column.accessor) if getattr(column, "accessor", None) else name
        path, current, ok = [], model, True
        for part in re.split(r"\.|__", accessor):
            try:
                model_field = current._meta.get_field(part)
            except FieldDoesNotExist:
                ok = False
                break
            path.append(part)
            if model_field.many_to_many or model_field.one_to_many:
                ok = False
                break
            if not model_field.is_relation:
                break  # a field shown through an attribute (a country by its name): the field
            current = model_field.related_model
            ordering = [o.lstrip("-") for o in current._meta.ordering if "__" not in o]
            if ordering and "." not in accessor:
                path.append(ordering[0])
        if ok and path:
            paths.append("__".join(path))
    return paths


def parse_csv(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8-sig", errors="replace")
    return list(csv.reader(io.StringIO(text)))


def sorted_as_listed(view, model):
    """The model's rows in the list's default order (its table's `order_by`, pinyin where
    the table sorts so), ties broken by key as on its pages: the order of the export, whose
    cells the bare export writes."""
    from foreign_affairs.views.generic import with_tie_breaker

    table_class = getattr(view, "table_class", None)
    queryset = model._default_manager.all()
    if table_class is None:
        return with_tie_breaker(queryset)
    return with_tie_breaker(table_class(queryset).data.data)


def bare_csv(queryset, paths, cells) -> float:
    start = time.perf_counter()
    list(queryset.values_list(*paths))
    out = io.StringIO()
    csv.writer(out).writerows(cells)
    out.getvalue().encode("utf-8-sig")
    return time.perf_counter() - start


def bare_xlsx(queryset, paths, cells) -> float:
    from openpyxl import Workbook

    start = time.perf_counter()
    list(queryset.values_list(*paths))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in cells:
        sheet.append(row)
    workbook.save(io.BytesIO())
    return time.perf_counter() - start


def run_exports(exports, staff, runs: int) -> list[Case]:
    cases = []
    for url, view, model in exports:
        paths = bare_paths(view.table_class, model) if view.table_class else []
        # An export takes seconds: its first request is one of the timed ones.
        csv_side = Side(f"{url}?export=csv", staff)
        body = probe(csv_side, keep_time=True)
        cells = parse_csv(body) if csv_side.status == 200 else []
        xlsx_side = Side(f"{url}?export=xlsx", staff)
        probe(xlsx_side, keep_time=True)
        bare = {"csv": Side(f"bare csv.writer, {len(cells)} rows"), "xlsx": Side("bare openpyxl")}
        for side in bare.values():
            side.status, side.queries = 200, 1
        for run in range(runs):
            if run:
                for side in (csv_side, xlsx_side):
                    timed(side)
            if cells and paths:
                rows = sorted_as_listed(view, model)
                bare["csv"].times.append(bare_csv(rows, paths, cells))
                bare["xlsx"].times.append(bare_xlsx(rows, paths, cells))
        cases.append(
            Case(
                "exports",
                f"{url}?export=csv ({max(len(cells) - 1, 0)} rows)",
                csv_side,
                bare["csv"],
                "export",
            )
        )
        cases.append(Case("exports", f"{url}?export=xlsx", xlsx_side, bare["xlsx"], "export"))
        print(f"  exports of {url}: done", flush=True)
    return cases


# --- gunicorn --------------------------------------------------------------------------------


def shared_cache_answers(cache_url: str) -> bool:
    """Return whether the Redis of `cache_url` answers; if so, empty its database."""
    try:
        import redis

        client = redis.Redis.from_url(cache_url, socket_connect_timeout=1)
        client.flushdb()
        return True
    except Exception:  # noqa: BLE001 - no Redis: each worker keeps its own cache
        return False


def gunicorn_throughput(staff_user, seconds: float, connections: int = 4) -> dict | None:
    """Requests per second of the dashboard and of a logged-in hello-world view under
    gunicorn (2 workers), `connections` concurrent keep-alive connections each."""
    import shutil
    import socket

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if not gunicorn:
        return None
    session = SessionStore()
    session[SESSION_KEY] = str(staff_user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = staff_user.get_session_auth_hash()
    session.create()
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.bench.bench_settings"}
    # Several workers share one cache in production (docs/deploy.md, check W003): Redis when
    # it answers, emptied first (its versions would be another database's).
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
    if shared_cache_answers(cache_url):
        env["CACHE_URL"] = cache_url
    server = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
            "foreign_affairs.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # a failing page's traceback must not fill a pipe
    )
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        results = {}
        for label, path in (("hello", "/bench/hello/"), ("dashboard", "/")):
            results[label] = load(port, path, cookie, seconds, connections)
        results["cache"] = env.get("CACHE_URL", "local memory of each worker")
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def load(port: int, path: str, cookie: str, seconds: float, connections: int) -> dict:
    """GET `path` over `connections` keep-alive connections for `seconds`: requests per
    second answered 200, and the errors (another status, a timeout, a dropped connection)."""
    import http.client
    import threading

    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    # One untimed request fills the dashboard's cache.
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        warm.request("GET", path, headers=headers)
        warm.getresponse().read()
    except OSError:
        pass
    warm.close()
    stop = time.time() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.time() < stop:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                counts["ok" if ok else "errors"] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"rps": counts["ok"] / elapsed, "errors": counts["errors"]}


# --- the PDF comparison ----------------------------------------------------------------------


def report_comparison(args) -> str:
    if args.report_output:
        return Path(args.report_output).read_text(encoding="utf-8")
    if args.no_report:
        return ""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bench" / "bench_report.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DEBUG": "True", "DATABASE_URL": ""},
    )
    return result.stdout + (
        f"\n(bench_report.py failed: {result.stderr[-500:]})" if result.returncode else ""
    )


def pdf_goals(text: str) -> list[tuple[str, str, bool | None]]:
    """The PDF goals read from bench_report.py's table: (goal, measured, met)."""
    rows = []
    goal = f"report PDF warm render ≤ {PDF_RATIO}× bare WeasyPrint (full fonts, same run)"
    warm = re.search(r"warm render, median of \d+\s+([\d.]+) s\s+([\d.]+) s\s+([\d.]+)", text)
    if warm:
        ratio = float(warm.group(3))
        measured = f"{ratio:.2f} ({float(warm.group(1)):.3f} s vs {float(warm.group(2)):.3f} s)"
        rows.append((goal, measured, ratio <= PDF_RATIO))
    else:
        rows.append((goal, "not measured", None))
    goal = f"cold report process peak RSS ≤ {PDF_RSS_MB} MB"
    rss = re.search(r"peak RSS, cold process\s+([\d.]+) MB", text)
    if rss:
        value = float(rss.group(1))
        rows.append((goal, f"{value:.0f} MB", value <= PDF_RSS_MB))
    else:
        rows.append((goal, "not measured", None))
    return rows


# --- the table -------------------------------------------------------------------------------


def fmt_ms(value) -> str:
    return "—" if value is None else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def status_note(side: Side | None) -> str:
    if side is None:
        return ""
    if side.error:
        return f" ({side.error})"
    if side.status not in (200, None):
        return f" (HTTP {side.status})"
    return ""


def case_row(case: Case) -> tuple[str, bool | None]:
    portal, other = case.portal, case.admin
    ours = portal.median_ms
    theirs = other.median_ms if other else None
    ratio = ours / theirs if ours and theirs else None
    size_kb = portal.size / 1024
    met: bool | None = None
    goal = ""
    failed = portal.status != 200 or (other is not None and other.status != 200)
    if case.goal == "list":
        goal = f"≤ {LIST_RATIO:.1f}× admin, ≤ {PAGE_KB} KB"
        met = ratio is not None and ratio <= LIST_RATIO and size_kb <= PAGE_KB and not failed
    elif case.goal == "dashboard":
        goal = f"≤ {DASHBOARD_MS} ms, ≤ {PAGE_KB} KB"
        met = ours is not None and ours <= DASHBOARD_MS and size_kb <= PAGE_KB and not failed
    elif case.goal == "page":
        goal = f"≤ {PAGE_KB} KB"
        met = size_kb <= PAGE_KB and portal.status == 200
    elif case.goal == "export":
        goal = f"≤ {EXPORT_RATIO}× bare"
        met = ratio is not None and ratio <= EXPORT_RATIO and portal.status == 200
    elif case.goal == "draft":
        goal = f"≤ {DRAFT_MS} ms"
        met = ours is not None and ours <= DRAFT_MS and portal.status == 200
    queries = f"{portal.queries if portal.queries is not None else '—'}"
    if other is not None:
        queries += f" / {other.queries if other.queries is not None else '—'}"
    cells = [
        f"{case.label}{status_note(portal)}",
        fmt_ms(ours),
        f"{fmt_ms(theirs)}{status_note(other) if other and other.url.startswith('/') else ''}",
        f"{ratio:.2f}" if ratio is not None else "—",
        queries,
        f"{size_kb:,.0f}",
        goal,
        "" if met is None else ("yes" if met else "**no**"),
    ]
    return "| " + " | ".join(cells) + " |", met


def dashboard_queries_with_one_row() -> int:
    """The dashboard's queries (uncached) with one row of every model, rolled back after."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from demo.bench import STAFF_USERNAME, seed

    with transaction.atomic():
        seed(1)
        client = Client(raise_request_exception=False)
        client.force_login(get_user_model().objects.get(username=STAFF_USERNAME))
        client.get("/")
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        transaction.set_rollback(True)
    cache.clear()
    return len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7, help="timed requests of each page")
    parser.add_argument(
        "--export-runs", type=int, default=None, help="default: --runs; 0 leaves the exports out"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded before")
    parser.add_argument(
        "--gunicorn",
        type=float,
        default=0,
        metavar="SECONDS",
        help="measure gunicorn throughput for SECONDS per view (0: skip)",
    )
    parser.add_argument("--term", default=None, help="the search term (default: demo.bench's)")
    parser.add_argument("--report-output", help="bench_report.py's output, read from a file")
    parser.add_argument("--no-report", action="store_true", help="leave out the PDF comparison")
    parser.add_argument("--only", default="", help="only pages whose URL contains this")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args()
    runs = max(args.runs, 1)
    export_runs = runs if args.export_runs is None else max(args.export_runs, 0)

    configure(args.database_url)
    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.signals import got_request_exception

    got_request_exception.connect(_record_exception)
    import logging

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a status in the table
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from demo.bench import SEARCH_TERM, STAFF_USERNAME, SUPERUSER_USERNAME, is_empty, seed

    term = args.term or SEARCH_TERM
    call_command("migrate", verbosity=0)
    User = get_user_model()
    seeding = seeding_cpu = None
    dashboard_small = None
    if is_empty():
        dashboard_small = dashboard_queries_with_one_row()
        print(f"seeding {args.rows:,} rows of every model …", flush=True)
        start, cpu = time.perf_counter(), time.process_time()
        seed(args.rows)
        seeding = time.perf_counter() - start
        seeding_cpu = time.process_time() - cpu
        print(f"seeded in {seeding:.1f} s ({seeding_cpu:.1f} s CPU)", flush=True)
    if connection.vendor == "postgresql":
        # As autovacuum keeps a live database: statistics, and a visibility map that lets a
        # count read an index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")

    staff = Client(raise_request_exception=False)
    staff.force_login(User.objects.get(username=STAFF_USERNAME))
    admin_client = Client(raise_request_exception=False)
    admin_client.user = User.objects.get(username=SUPERUSER_USERNAME)
    admin_client.force_login(admin_client.user)

    cases, exports = build_cases(args.rows, staff, admin_client, term)
    if args.only:
        cases = [c for c in cases if args.only in c.portal.url]
        exports = [e for e in exports if args.only in e[0]]
    print(f"{len(cases)} pages, {runs} runs each, interleaved …", flush=True)
    run_cases(cases, runs, "pages")

    def write(export_cases, throughput, report_text, partial=False):
        lines, goals = [], []
        vendor = connection.vendor
        counts = {}
        from demo.bench import domain_models

        for model in domain_models():
            counts[model._meta.label] = model._default_manager.count()
        lines.append("# Benchmark: portal vs Django admin (issue 12)\n")
        lines.append(
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {vendor} · "
            f"{args.rows:,} rows per model "
            f"({sum(counts.values()):,} domain rows) · medians of {runs} (exports {export_runs}) · "
            f"Python {platform.python_version()} · load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} CPUs"
            + (
                f" · seeding took {seeding:.1f} s ({seeding_cpu:.1f} s CPU in this process)"
                if seeding is not None
                else ""
            )
            + "\n"
        )
        lines.append(
            "Portal pages as an office staff user, admin pages as a superuser, Django's test "
            "client in one process, interleaved. ms: median wall time of the request (body read); "
            "queries: portal / admin; KB: the portal's response.\n"
        )
        header = (
            "| page | portal ms | admin ms | ratio | queries | KB | goal | met? |\n"
            "|---|---:|---:|---:|---|---:|---|---|"
        )
        sections: dict[str, list[Case]] = {}
        for case in cases + export_cases:
            sections.setdefault(case.section, []).append(case)
        for section, items in sections.items():
            lines.append(f"\n## {section}\n")
            lines.append(header.replace("admin ms", "bare ms") if section == "exports" else header)
            for case in items:
                row, met = case_row(case)
                lines.append(row)
                if met is not None:
                    goals.append((section, case.label, met))

        # The goals of the issue, one row each.
        def all_met(section, goal_kind):
            relevant = [
                c for c in cases + export_cases if c.section == section and c.goal == goal_kind
            ]
            results = [case_row(c)[1] for c in relevant]
            missed = [c.label for c, ok in zip(relevant, results, strict=True) if not ok]
            return (not missed and bool(relevant)), missed

        summary = []
        ok, missed = all_met("lists", "list")
        summary.append(
            (
                "every list page ≤ 1.0× its admin changelist and ≤ 150 KB "
                "(plain, filtered, q, sorted, last page)",
                f"{len(missed)} of {len([c for c in cases if c.goal == 'list'])} missed",
                ok,
            )
        )
        dash = next((c for c in cases if c.goal == "dashboard"), None)
        if dash:
            summary.append(
                (
                    "dashboard uncached ≤ 150 ms",
                    f"{fmt_ms(dash.portal.median_ms)} ms",
                    (dash.portal.median_ms or 1e9) <= DASHBOARD_MS,
                )
            )
            fixed = dashboard_small is not None and dash.portal.queries == dashboard_small
            summary.append(
                (
                    "dashboard: a fixed query count (1 row vs all rows)",
                    f"{'—' if dashboard_small is None else dashboard_small} "
                    f"vs {dash.portal.queries}",
                    fixed if dashboard_small is not None else None,
                )
            )
        # HTML pages: the draft report PDF's size is in its row, not held to this goal.
        sizes = [c for c in cases if c.portal.size and c.goal != "draft"]
        largest = max(sizes, key=lambda c: c.portal.size) if sizes else None
        if largest:
            summary.append(
                (
                    "every HTML page ≤ 150 KB (PDFs apart: their size is in the table)",
                    f"largest {largest.portal.size / 1024:,.0f} KB ({largest.label})",
                    largest.portal.size / 1024 <= PAGE_KB,
                )
            )
        if throughput:
            share = (
                throughput["dashboard"]["rps"] / throughput["hello"]["rps"]
                if throughput["hello"]["rps"]
                else 0
            )
            errors = throughput["dashboard"]["errors"] + throughput["hello"]["errors"]
            summary.append(
                (
                    "gunicorn (2 workers, 4 connections): dashboard ≥ 50 % of hello-world, "
                    "0 errors",
                    f"{throughput['dashboard']['rps']:.1f} vs {throughput['hello']['rps']:.1f} "
                    f"req/s = {share:.0%}, {errors} errors",
                    share >= THROUGHPUT_SHARE and errors == 0,
                )
            )
        else:
            summary.append(
                (
                    "gunicorn (2 workers): dashboard ≥ 50 % of hello-world, 0 errors",
                    "not measured (--gunicorn SECONDS)",
                    None,
                )
            )
        ok, missed = all_met("exports", "export")
        summary.append(
            (
                "10k-row exports ≤ 1.5× a bare csv/openpyxl write of the same cells",
                f"{len(missed)} of {len(export_cases)} missed",
                ok if export_cases else None,
            )
        )
        summary += pdf_goals(report_text)
        draft = next((c for c in cases if c.goal == "draft"), None)
        if draft:
            summary.append(
                (
                    "an unchanged draft PDF served in ≤ 20 ms",
                    f"{fmt_ms(draft.portal.median_ms)} ms{status_note(draft.portal)}",
                    (draft.portal.median_ms or 1e9) <= DRAFT_MS and draft.portal.status == 200,
                )
            )

        goal_lines = ["\n## Goals\n", "| goal | measured | met? |", "|---|---|---|"]
        for goal, measured, met in summary:
            goal_lines.append(
                f"| {goal} | {measured} | {'—' if met is None else ('yes' if met else '**no**')} |"
            )
        if throughput:
            goal_lines.append(
                f"\ngunicorn: hello-world {throughput['hello']['rps']:.1f} req/s "
                f"({throughput['hello']['errors']} errors), "
                f"dashboard {throughput['dashboard']['rps']:.1f} req/s "
                f"({throughput['dashboard']['errors']} errors), {args.gunicorn:.0f} s each; "
                f"cache: {throughput.get('cache', '—')}."
            )
        text = "\n".join(lines[:3] + goal_lines + lines[3:])
        if partial:
            text += "\n\n(exports, gunicorn and the PDF comparison are still running)\n"
        if report_text:
            text += (
                "\n\n## Report PDF (tests/bench/bench_report.py)\n\n```\n"
                + report_text.strip()
                + "\n```\n"
            )
        if not partial:
            print(text)
        output = Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        print(f"\n{'partial table ' if partial else ''}written to {output}", flush=True)

    # The pages' table first (the exports take long), then everything.
    write([], None, "", partial=True)
    export_cases = []
    if export_runs:
        print(f"exports of {len(exports)} lists, {export_runs} runs each …", flush=True)
        export_cases = run_exports(exports, staff, export_runs)
    throughput = None
    if args.gunicorn:
        print("gunicorn throughput …", flush=True)
        throughput = gunicorn_throughput(User.objects.get(username=STAFF_USERNAME), args.gunicorn)
    write(export_cases, throughput, report_comparison(args))


if __name__ == "__main__":
    main()
